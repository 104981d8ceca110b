// The `spendgate` command: serve, check, status, logs, diff, export (DESIGN §2).
import { parseArgs } from 'node:util';
import { locateConfig } from './config/locate.js';
import { createEventLog } from './server/event-log.js';
import { startGateway } from './server/gateway.js';
import { resolveServeOptions, type ServeFlags } from './server/options.js';
import { runStatus } from './cli/status.js';
import { runLogs } from './cli/logs.js';
import { runCheckCommand } from './cli/check.js';
import { runDiff } from './cli/diff.js';
import { runExport } from './cli/export.js';

const USAGE = `usage: spendgate <command> [options]

  serve   [--config FILE] [--port N] [--host H] [--data-dir DIR] [--store URL] [--allow-remote]
  check   [--config FILE]
  status  [--port N] [--json]
  logs    [--follow] [--limit N] [--models M] [--virtual-key-ids K] [--status S] [...filters]
  diff    REV1 [REV2] [--config FILE] [--port N] [--json]
  export  --from DATE --to DATE --group-by G[,G...] [--format csv|json] [--port N]
`;

async function serve(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      store: { type: 'string' },
      'allow-remote': { type: 'boolean' },
      'max-body-bytes': { type: 'string' },
      'max-in-flight': { type: 'string' },
      // Not in the usage text: test-scale alert retries (seconds instead of an hour to dead-letter).
      'alert-retry-base-ms': { type: 'string' },
      'alert-max-attempts': { type: 'string' },
    },
    strict: true,
  });
  const options = resolveServeOptions(values as ServeFlags, process.env, process.cwd());
  const log = createEventLog();
  // stderr carries one JSON object per line: route Node's own warnings (e.g. the AWS SDK's runtime
  // notice) through the event log instead of its default multi-line printer.
  process.removeAllListeners('warning');
  process.on('warning', (w) => log({ level: 'warn', event: 'node_warning', name: w.name, message: w.message }));
  const tags = process.env.SPENDGATE_TAGS ? Object.fromEntries(process.env.SPENDGATE_TAGS.split(',').map((kv) => kv.split('=', 2) as [string, string]).filter(([k, v]) => k && v !== undefined)) : {};
  const gateway = await startGateway(options, { log, defaultTags: tags });
  process.stdout.write(`spendgate listening on ${gateway.url}\n`);
  if (gateway.loginUrl) process.stdout.write(`dashboard: ${gateway.loginUrl}\n`);
  log({ event: 'listening', url: gateway.url, config: options.configPath, data_dir: options.dataDir, store: gateway.services.store.dialect });

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log({ event: 'shutdown', signal });
      gateway.close().then(resolve, (err: unknown) => {
        log({ level: 'error', event: 'shutdown_failed', message: (err as Error).message });
        resolve();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  log({ event: 'stopped' });
  return 0;
}

async function check(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: { config: { type: 'string' } }, allowPositionals: true });
  const file = locateConfig({ explicit: values.config ?? positionals[0], env: process.env, cwd: process.cwd() });
  if (!file) {
    process.stderr.write('spendgate check: no config found (pass --config FILE)\n');
    return 1;
  }
  return runCheckCommand(file, (line) => process.stdout.write(`${line}\n`));
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return serve(rest);
    case 'check':
      return check(rest);
    case 'status':
      return runStatus(rest);
    case 'logs':
      return runLogs(rest);
    case 'diff':
      return runDiff(rest, (line) => process.stdout.write(`${line}\n`));
    case 'export':
      return runExport(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`spendgate: unknown command "${command}"\n${USAGE}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // serve has drained and flushed; do not let idle pooled sockets or timers hold the process.
    if (process.argv[2] === 'serve') process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`spendgate: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
