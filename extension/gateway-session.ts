// One gateway for this window: start our own engine on the configured port, or reuse a spendgate already there.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { EngineClient } from './engine-client.js';
import { EngineProcess } from './engine-process.js';
import { nextFreePort, probePort } from './port-probe.js';

export interface SessionEvents {
  onConnected(client: EngineClient): void;
  onDisconnected(reason: string): void;
}

export interface SessionOptions {
  readonly configPath: string;
  readonly cliPath: string;
  readonly dataDir: string;
  readonly port: number;
  readonly output: vscode.OutputChannel;
}

const HOST = '127.0.0.1';

/** Where a running spendgate keeps its admin token: $SPENDGATE_HOME, ~/.spendgate, or our own data dir. */
function tokenFiles(dataDir: string): string[] {
  return [process.env.SPENDGATE_HOME, join(homedir(), '.spendgate'), dataDir].filter((d): d is string => Boolean(d)).map((d) => join(d, 'admin-token'));
}

export class GatewaySession implements vscode.Disposable {
  private engine: EngineProcess | undefined;
  private current: EngineClient | undefined;
  private chosenPort: number;
  private readonly waiting: ((client: EngineClient) => void)[] = [];

  constructor(
    private readonly options: SessionOptions,
    private readonly events: SessionEvents,
  ) {
    this.chosenPort = options.port;
  }

  get client(): EngineClient | undefined {
    return this.current;
  }

  get port(): number {
    return this.chosenPort;
  }

  /** The engine's pid when this window runs it (undefined when reusing another spendgate). */
  get pid(): number | undefined {
    return this.engine?.pid;
  }

  get managed(): boolean {
    return this.engine !== undefined;
  }

  whenConnected(): Promise<EngineClient> {
    return this.current ? Promise.resolve(this.current) : new Promise((resolve) => this.waiting.push(resolve));
  }

  async start(): Promise<void> {
    const { output } = this.options;
    // Only an engine that proved it holds one of our tokens gets that token (and terminals pointed at it).
    const owner = await probePort(this.chosenPort, HOST, tokenFiles(this.options.dataDir));
    if (owner.kind === 'spendgate') {
      const client = new EngineClient(`http://${HOST}:${this.chosenPort}`, owner.adminToken);
      output.appendLine(`[spendgate] reusing the spendgate ${owner.version} already listening on ${client.baseUrl} (it proved it holds an admin token from ${tokenFiles(this.options.dataDir).join(', ')})`);
      return this.connected(client);
    }
    if (owner.kind === 'other') {
      const next = await nextFreePort(this.chosenPort, HOST);
      const message = `spendgate: port ${this.chosenPort} is in use by another program (not a spendgate that proved it holds this user's admin token).`;
      this.events.onDisconnected(`port ${this.chosenPort} is taken`);
      if (next === undefined) {
        void vscode.window.showErrorMessage(`${message} No free port nearby; set spendgate.port.`);
        return;
      }
      const choice = await vscode.window.showWarningMessage(`${message} Use port ${next} instead?`, `Use port ${next}`);
      if (choice === undefined) return;
      await vscode.workspace.getConfiguration('spendgate').update('port', next, vscode.ConfigurationTarget.Global);
      this.chosenPort = next;
    }
    this.spawn();
  }

  /** Restarts the engine this window runs; a reused engine belongs to someone else and is only reconnected. */
  async restart(): Promise<void> {
    if (!this.engine) {
      this.current = undefined;
      return this.start();
    }
    this.current = undefined;
    this.events.onDisconnected('restarting');
    await this.engine.restart();
  }

  async stop(): Promise<void> {
    const engine = this.engine;
    this.current = undefined;
    await engine?.stop();
  }

  dispose(): void {
    void this.stop();
  }

  private spawn(): void {
    const { output, cliPath, configPath, dataDir } = this.options;
    output.appendLine(`[spendgate] starting the engine on ${HOST}:${this.chosenPort} with ${configPath}`);
    this.engine = new EngineProcess(
      { cliPath, configPath, dataDir, port: this.chosenPort, execPath: process.execPath },
      {
        onLine: (line) => output.appendLine(line),
        onReady: (url, pid) => {
          output.appendLine(`[spendgate] engine ready at ${url} (pid ${pid})`);
          void this.connectManaged(url);
        },
        onCrash: (code, signal, restartInMs) => {
          this.current = undefined;
          output.appendLine(`[spendgate] engine exited (${signal ?? `code ${code}`}); restarting in ${Math.round(restartInMs / 1000)} s`);
          this.events.onDisconnected(`engine exited (${signal ?? `code ${code}`})`);
        },
      },
    );
    this.engine.start();
  }

  private async connectManaged(url: string): Promise<void> {
    try {
      const token = (await readFile(join(this.options.dataDir, 'admin-token'), 'utf8')).trim();
      this.connected(new EngineClient(url, token));
    } catch (err) {
      this.options.output.appendLine(`[spendgate] cannot read the engine's admin token: ${(err as Error).message}`);
      this.events.onDisconnected('admin token unreadable');
    }
  }

  private connected(client: EngineClient): void {
    this.current = client;
    this.events.onConnected(client);
    for (const resolve of this.waiting.splice(0)) resolve(client);
  }
}
