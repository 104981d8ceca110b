// Runs the engine as a child process: spawn, readiness from its `listening` line, restart with backoff, clean stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { doublingDelay, ENGINE_RESTART } from './backoff.js';

export interface EngineLaunch {
  /** dist/proxy/cli.js inside the extension. */
  readonly cliPath: string;
  readonly configPath: string;
  readonly port: number;
  readonly dataDir: string;
  /** The runtime: the extension host's own binary (Electron as Node via ELECTRON_RUN_AS_NODE). */
  readonly execPath: string;
}

export interface EngineEvents {
  /** Every line the engine prints. */
  onLine(line: string): void;
  /** The engine printed `spendgate listening on URL`. */
  onReady(url: string, pid: number): void;
  /** The engine exited unexpectedly; a restart is scheduled after `restartInMs`. */
  onCrash(code: number | null, signal: string | null, restartInMs: number): void;
}

const LISTENING = /spendgate listening on (http:\/\/\S+)/;

/** glibc's malloc: allocations of 128 KiB and more are mapped on their own and go back to the system when freed. */
const MMAP_THRESHOLD = 'glibc.malloc.mmap_threshold=131072';

/**
 * The engine's environment: the extension host's, run as Node. On Linux, glibc otherwise raises its mmap threshold
 * to 32 MiB once a large buffer is freed and then keeps freed memory for reuse, which left a gateway that runs for
 * weeks about 60 MiB larger (bench/findings.md); only glibc reads the setting (another allocator ignores it), and a
 * threshold the user set is kept.
 */
export function engineEnvironment(base: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ELECTRON_RUN_AS_NODE: '1' };
  const tunables = base.GLIBC_TUNABLES ?? '';
  if (platform !== 'linux' || base.MALLOC_MMAP_THRESHOLD_ !== undefined || tunables.includes('glibc.malloc.mmap_threshold=')) return env;
  env.GLIBC_TUNABLES = tunables === '' ? MMAP_THRESHOLD : `${tunables}:${MMAP_THRESHOLD}`;
  return env;
}

const STOP_GRACE_MS = 5_000;

export class EngineProcess {
  private child: ChildProcess | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private stopping = false;

  constructor(
    private readonly launch: EngineLaunch,
    private readonly events: EngineEvents,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): void {
    this.stopping = false;
    this.spawnChild();
  }

  /** Stops and starts again now (the restart command), resetting the backoff. */
  async restart(): Promise<void> {
    await this.stop();
    this.failures = 0;
    this.start();
  }

  /** SIGTERM, then SIGKILL if the engine has not exited within the grace period. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  private spawnChild(): void {
    const { cliPath, configPath, port, dataDir, execPath } = this.launch;
    const child = spawn(execPath, [cliPath, 'serve', '--config', configPath, '--port', String(port), '--data-dir', dataDir], {
      env: engineEnvironment(process.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    const onLine = (line: string) => {
      this.events.onLine(line);
      const match = LISTENING.exec(line);
      if (match && child.pid !== undefined) {
        this.failures = 0;
        this.events.onReady(match[1], child.pid);
      }
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', onLine);
    child.once('error', (err) => this.events.onLine(`[spendgate] could not start the engine: ${err.message}`));
    child.once('exit', (code, signal) => {
      if (this.child === child) this.child = undefined;
      if (this.stopping) return;
      const delay = doublingDelay(this.failures++, ENGINE_RESTART);
      this.events.onCrash(code, signal, delay);
      this.restartTimer = setTimeout(() => this.spawnChild(), delay);
    });
  }
}
