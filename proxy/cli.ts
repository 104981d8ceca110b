// The `spendgate` command (README "CLI"): one table of commands, each a module in cli/ with its own help text.
import { checkCommand } from './cli/check.js';
import { EXIT, EXIT_CODES_HELP, UsageError, isParseArgsError, type CliCommand } from './cli/command.js';
import { diffCommand } from './cli/diff.js';
import { exportCommand } from './cli/export.js';
import { hashKeyCommand } from './cli/hash-key.js';
import { logsCommand } from './cli/logs.js';
import { reconcileCommand } from './cli/reconcile.js';
import { serveCommand } from './cli/serve.js';
import { statusCommand } from './cli/status.js';
import { VERSION } from './core/version.js';

/** Every command, in the order the overview lists them; adding one is adding a line. */
const COMMANDS: readonly CliCommand[] = [serveCommand, checkCommand, statusCommand, logsCommand, diffCommand, exportCommand, reconcileCommand, hashKeyCommand];

const USAGE = `usage: spendgate <command> [options]

${COMMANDS.map((c) => `  ${c.name.padEnd(11)}${c.synopsis}`).join('\n')}

spendgate <command> --help   that command's options
spendgate --version          the version

${EXIT_CODES_HELP}
`;

const HELP_FLAGS = new Set(['--help', '-h']);

/** A write to a closed pipe (`spendgate logs | head -1`): the reader has what it wanted, so stop quietly. */
function quietOnClosedPipe(keepRunning: boolean): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      // A gateway keeps serving when whoever read its start-up lines went away.
      if (!keepRunning) process.exit(EXIT.ok);
    });
  }
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(USAGE);
    return EXIT.usage;
  }
  if (HELP_FLAGS.has(name) || name === 'help') {
    const topic = name === 'help' ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
    process.stdout.write(topic ? topic.help : USAGE);
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v' || name === 'version') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    process.stderr.write(`spendgate: unknown command "${name}"\n${USAGE}`);
    return EXIT.usage;
  }
  // Before parsing, so `--help` works next to flags that are wrong or incomplete.
  if (rest.some((a) => HELP_FLAGS.has(a))) {
    process.stdout.write(command.help);
    return EXIT.ok;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof UsageError || isParseArgsError(err)) {
      process.stderr.write(`spendgate ${name}: ${message}\n${command.help.split('\n')[0]}\n(spendgate ${name} --help for more)\n`);
      return EXIT.usage;
    }
    process.stderr.write(`spendgate ${name}: ${message}\n`);
    return EXIT.failed;
  }
}

const serving = process.argv[2] === 'serve';
quietOnClosedPipe(serving);
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // serve has drained and flushed (or never started); do not let idle pooled sockets or timers hold the process.
    if (serving) process.exit(code);
  },
  (err: unknown) => {
    // main reports every failure itself; reaching here is a bug, still printed without a stack.
    process.stderr.write(`spendgate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(EXIT.failed);
  },
);
