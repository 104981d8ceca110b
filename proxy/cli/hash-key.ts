// `spendgate hash-key`: a virtual key's secret in, its `sha256:HEX` form for virtual_keys[].key out.
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { EXIT, EXIT_CODES_HELP, UsageError, type CliCommand } from './command.js';

const HELP = `usage: spendgate hash-key < FILE
       printf %s "$KEY" | spendgate hash-key

Reads a virtual key's secret on stdin and prints sha256:HEX, to write as virtual_keys[].key so the
config holds only the hash. One trailing newline (\\n or \\r\\n) is not part of the key; anything
else is, byte for byte. On a terminal: type the key, then press Ctrl-D.

${EXIT_CODES_HELP}
`;

/** The key as the client will present it: stdin minus exactly one line ending (echo and editors add one). */
export function keyFromInput(input: string): string {
  if (input.endsWith('\r\n')) return input.slice(0, -2);
  if (input.endsWith('\n')) return input.slice(0, -1);
  return input;
}

/** The `sha256:HEX` the gateway compares a presented key against (governance/keys.ts hashes the UTF-8 text). */
export function hashedKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function hashKey(argv: string[]): Promise<number> {
  parseArgs({ args: argv, options: {} });
  if (process.stdin.isTTY) process.stderr.write('type the key, then press Ctrl-D\n');
  const key = keyFromInput(await readStdin());
  if (key === '') throw new UsageError('no key on stdin (a virtual key secret must not be empty)');
  process.stdout.write(`${hashedKey(key)}\n`);
  return EXIT.ok;
}

export const hashKeyCommand: CliCommand = { name: 'hash-key', synopsis: '< KEY', help: HELP, run: hashKey };
