// The four things the bench talks to, each started on loopback: the upstream itself ("direct"), the bare
// pass-through, spendgate (built CLI, seed config, embedded store) and the Portkey gateway (offline, headless).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnServer, type ServerProcess } from './processes.js';
import { BENCH_KEY, UPSTREAM_KEY_ENV, seedConfig } from './seed-config.js';

/** `baseline`: another revision of spendgate, built by `--baseline REF` and run in the same rounds. */
export type TargetName = 'direct' | 'passthrough' | 'spendgate' | 'baseline' | 'portkey';

export interface Target {
  readonly name: TargetName;
  /** Full URL of the Anthropic Messages endpoint as this target serves it. */
  readonly messagesUrl: string;
  /** Headers every request to this target carries (auth, routing hints). */
  readonly headers: Readonly<Record<string, string>>;
  /** The server process in front of the upstream; absent for "direct". */
  readonly process?: ServerProcess;
  stop(): Promise<void>;
}

export interface SpendgateTarget extends Target {
  readonly name: 'spendgate' | 'baseline';
  readonly baseUrl: string;
  readonly adminToken: string;
  readonly dataDir: string;
}

const ROOT = resolve(__dirname, '..');
const CLI = join(ROOT, 'dist', 'proxy', 'cli.js');
const PORTKEY = join(ROOT, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js');
/** What the upstream is told as the provider API key; the test upstream accepts anything. */
const UPSTREAM_API_KEY = 'bench-upstream-key';

const ANTHROPIC_HEADERS = { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' } as const;

export function startUpstream(): Promise<ServerProcess> {
  return spawnServer({ name: 'upstream', args: ['--import', 'tsx', join(__dirname, 'upstream.ts')], ready: /^upstream listening on (http:\/\/\S+)$/, cwd: ROOT });
}

export function directTarget(upstream: string): Target {
  return {
    name: 'direct',
    messagesUrl: `${upstream}/v1/messages`,
    headers: { ...ANTHROPIC_HEADERS, 'x-api-key': UPSTREAM_API_KEY },
    stop: async () => undefined,
  };
}

export async function startPassthroughTarget(upstream: string): Promise<Target> {
  const proc = await spawnServer({
    name: 'passthrough',
    args: ['--import', 'tsx', join(__dirname, 'passthrough.ts'), '--upstream', upstream],
    ready: /^passthrough listening on (http:\/\/\S+)$/,
    cwd: ROOT,
  });
  return {
    name: 'passthrough',
    messagesUrl: `${proc.url}/v1/messages`,
    headers: { ...ANTHROPIC_HEADERS, 'x-api-key': UPSTREAM_API_KEY },
    process: proc,
    stop: async () => void (await proc.stop()),
  };
}

export interface SpendgateOptions {
  readonly upstream: string;
  readonly virtualKeys: number;
  /** Node flags before the CLI, e.g. `--cpu-prof`. */
  readonly nodeFlags?: readonly string[];
  /** `--store` URL (the PostgreSQL team ledger); the embedded store when absent. */
  readonly store?: string;
  /** Reuse a data directory (a pre-filled store); a fresh temp dir otherwise. */
  readonly dataDir?: string;
  readonly startTimeoutMs?: number;
  /** Another build's CLI (the `--baseline` revision), run as the `baseline` target; this checkout's dist otherwise. */
  readonly baselineCli?: string;
  /** logging.max_records in the seed config; absent: the default. */
  readonly maxRecords?: number;
}

export async function startSpendgate(options: SpendgateOptions): Promise<SpendgateTarget> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'spendgate-bench-')));
  // The config lives in a folder of its own, as a team's bifrost.yaml lives in its repository and the data directory
  // in ~/.spendgate: the config watcher watches the config's folder, so a journal written next to it would wake the
  // gateway's event loop with a change event for every journal write.
  const configPath = join(await mkdtemp(join(tmpdir(), 'spendgate-bench-config-')), 'bifrost.yaml');
  await writeFile(configPath, seedConfig({ upstream: options.upstream, virtualKeys: options.virtualKeys, maxRecords: options.maxRecords }));
  const name = options.baselineCli === undefined ? 'spendgate' : 'baseline';
  const proc = await spawnServer({
    name,
    args: [
      ...(options.nodeFlags ?? []),
      options.baselineCli ?? CLI,
      'serve',
      '--config',
      configPath,
      '--port',
      '0',
      '--data-dir',
      dataDir,
      ...(options.store === undefined ? [] : ['--store', options.store]),
    ],
    ready: /^spendgate listening on (http:\/\/\S+)$/,
    env: { [UPSTREAM_KEY_ENV]: UPSTREAM_API_KEY },
    cwd: dataDir,
    keepLines: 200,
    startTimeoutMs: options.startTimeoutMs,
  });
  const adminToken = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
  return {
    name,
    messagesUrl: `${proc.url}/anthropic/v1/messages`,
    headers: { ...ANTHROPIC_HEADERS, 'x-api-key': BENCH_KEY },
    process: proc,
    baseUrl: proc.url,
    adminToken,
    dataDir,
    stop: async () => {
      const code = await proc.stop(30_000);
      if (code !== 0) throw new Error(`${name} exited with ${code} on SIGTERM:\n${proc.output.slice(-20).join('\n')}`);
    },
  };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

export async function startPortkeyTarget(upstream: string): Promise<Target> {
  const port = await freePort();
  const proc = await spawnServer({
    name: 'portkey',
    args: [PORTKEY, `--port=${port}`, '--headless'],
    ready: /http:\/\/localhost:(\d+)/,
    portOnly: true,
    cwd: ROOT,
    keepLines: 200,
  });
  return {
    name: 'portkey',
    messagesUrl: `${proc.url}/v1/messages`,
    headers: {
      ...ANTHROPIC_HEADERS,
      'x-api-key': UPSTREAM_API_KEY,
      'x-portkey-provider': 'anthropic',
      'x-portkey-custom-host': `${upstream}/v1`,
    },
    process: proc,
    stop: async () => void (await proc.stop()),
  };
}
