// Spawns real `spendgate serve` processes (the built CLI) for end-to-end tests.
// tier: e2e — spawns dist/proxy/cli.js (npm run build); every test importing this is kept out of test:unit.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { tempDir } from './temp-dir.js';

// Re-exported because nearly every test that spawns a gateway also polls it and cleans its data dir; a test that
// needs only these imports them from their own modules, so it stays in the unit tier.
export { eventually } from './eventually.js';
export { removeDir, tempDir } from './temp-dir.js';

export const CLI = resolve(__dirname, '..', '..', 'dist', 'proxy', 'cli.js');

export interface SpawnedGateway {
  readonly url: string;
  readonly port: number;
  readonly adminToken: string;
  readonly dataDir: string;
  readonly configPath: string;
  readonly process: ChildProcess;
  /** Every line the gateway printed to stdout and stderr so far. */
  readonly output: string[];
  /** GET a management route with the admin token. */
  api<T>(path: string, init?: RequestInit): Promise<T>;
  /** SIGTERM and wait for exit; resolves to the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait. */
  kill(): Promise<void>;
}

export interface SpawnOptions {
  /** The config text (written to a temp file) or an existing path. */
  readonly config: string | { readonly path: string };
  readonly env?: Readonly<Record<string, string>>;
  readonly dataDir?: string;
  readonly args?: readonly string[];
  readonly port?: number;
  /** Working directory of the process (default: the test's). */
  readonly cwd?: string;
}

export async function spawnGateway(options: SpawnOptions): Promise<SpawnedGateway> {
  const dataDir = options.dataDir ?? (await tempDir());
  let configPath: string;
  if (typeof options.config === 'string') {
    configPath = join(dataDir, 'bifrost.yaml');
    await writeFile(configPath, options.config);
  } else configPath = options.config.path;
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--config', configPath, '--port', String(options.port ?? 0), '--data-dir', dataDir, ...(options.args ?? [])],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'], cwd: options.cwd },
  );
  const output: string[] = [];
  let buffered = '';
  const ready = new Promise<string>((resolveReady, reject) => {
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        output.push(line);
        const m = /^spendgate listening on (http:\/\/\S+)$/.exec(line);
        if (m) resolveReady(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`spendgate exited with ${code} before listening:\n${output.join('\n')}${buffered}`)));
  });
  const url = await ready;
  const adminToken = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    url,
    port: Number(new URL(url).port),
    adminToken,
    dataDir,
    configPath,
    process: child,
    output,
    async api<T>(path: string, init: RequestInit = {}): Promise<T> {
      const res = await fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${adminToken}`, ...(init.headers ?? {}) } });
      const text = await res.text();
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${text}`);
      return JSON.parse(text) as T;
    },
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}
