// What every `spendgate` command is (name, help, run) and the exit codes they share.

/** Exit codes, the same for the same failure whatever the command. */
export const EXIT = {
  /** Done; for check and diff: the config is valid. */
  ok: 0,
  /** The thing checked is bad (invalid config), or the gateway is unreachable, answered an error, or could not start. */
  failed: 1,
  /** The command line is wrong: unknown command or flag, missing or malformed argument, no config to work on. */
  usage: 2,
} as const;

export interface CliCommand {
  readonly name: string;
  /** One line for the overview `spendgate --help` prints: the command's arguments. */
  readonly synopsis: string;
  /** What `spendgate NAME --help` prints. */
  readonly help: string;
  run(argv: string[]): Promise<number>;
}

/** A command-line mistake: reported with the command's usage and exit code 2. */
export class UsageError extends Error {}

/** The errors node:util parseArgs throws for unknown flags, missing values and stray positionals. */
export function isParseArgsError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/** The exit-code paragraph every command's help ends with. */
export const EXIT_CODES_HELP = `exit codes:
  0  success (check, diff: the config is valid)
  1  the config is invalid, or the gateway is unreachable, answered an error, or could not start
  2  usage error: unknown command or flag, bad argument, no config found`;
