// Child processes for the benchmark: spawn a server, wait for the line that names its URL, stop it cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';

export interface ServerProcess {
  readonly name: string;
  /** `http://127.0.0.1:PORT` as the server announced it. */
  readonly url: string;
  readonly pid: number;
  /** Every line the process printed so far (stdout and stderr, interleaved). */
  readonly output: readonly string[];
  /** Resident set size of the process in bytes, read from /proc (Linux). */
  rssBytes(): Promise<number>;
  /** The highest resident set size the process has had (VmHWM), bytes: catches peaks between samples. */
  peakRssBytes(): Promise<number>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed by a signal). */
  stop(graceMs?: number): Promise<number | null>;
}

export interface SpawnServerOptions {
  readonly name: string;
  /** Arguments after the node executable (node flags first, then the script). */
  readonly args: readonly string[];
  /** Matches the announcement line; capture group 1 is the URL (or the port when `portOnly`). */
  readonly ready: RegExp;
  readonly portOnly?: boolean;
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly startTimeoutMs?: number;
  /** Keep at most this many output lines (a noisy server must not grow the bench's memory). */
  readonly keepLines?: number;
}

export async function spawnServer(options: SpawnServerOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...options.args], {
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = options.keepLines ?? 2_000;
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const url = await new Promise<string>((resolve, reject) => {
    let pending = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.name} did not announce itself within ${options.startTimeoutMs ?? 30_000} ms:\n${output.join('\n')}`));
    }, options.startTimeoutMs ?? 30_000);
    const onData = (chunk: Buffer): void => {
      pending += chunk.toString('utf8');
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (output.length >= keep) output.shift();
        output.push(line);
        const m = options.ready.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(options.portOnly === true ? `http://127.0.0.1:${m[1]}` : m[1]);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code ?? signal}) before listening:\n${output.join('\n')}${pending}`));
    });
  });
  return {
    name: options.name,
    url,
    pid: child.pid!,
    output,
    rssBytes: () => readStatusBytes(child, 'VmRSS'),
    peakRssBytes: () => readStatusBytes(child, 'VmHWM'),
    stop: (graceMs = 10_000) => stopChild(child, exited, graceMs),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>, graceMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

async function readStatusBytes(child: ChildProcess, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
  if (!m) throw new Error(`no ${field} for pid ${child.pid}`);
  return Number(m[1]) * 1024;
}
