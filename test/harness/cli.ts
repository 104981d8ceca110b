// Runs the built `spendgate` CLI to completion, as a user's shell would, and collects what it printed.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { CLI } from './gateway.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Written to stdin, which is then closed (stdin is empty otherwise). */
  readonly input?: string;
  /** The script to run instead of dist/proxy/cli.js (e.g. a symlink to it, as `npm install -g` makes). */
  readonly cli?: string;
}

/** Runs `node dist/proxy/cli.js ARGS` to completion. */
export async function spendgate(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [options.cli ?? CLI, ...args], {
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  child.stdin.end(options.input ?? '');
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}
