// The gateway this window runs for its bifrost.yaml: the engine session and the views of that file, started when the
// config is known (at activation, or when one appears later).
import * as vscode from 'vscode';
import type { BudgetView } from './budget-view.js';
import { ConfigViews } from './config-views.js';
import type { EngineClient } from './engine-client.js';
import { GatewaySession } from './gateway-session.js';
import type { LiveFeed } from './live-feed.js';
import { VIRTUAL_KEY_SECRET, type TerminalEnvironment } from './terminal-env.js';

/** The parts of the window a served gateway feeds. */
export interface WindowParts {
  readonly context: vscode.ExtensionContext;
  readonly output: vscode.OutputChannel;
  /** The spendgate.port setting. */
  readonly port: number;
  /** dist/proxy/cli.js inside the extension. */
  readonly cliPath: string;
  /** The engine's data dir (admin token, embedded store): the extension's global storage. */
  readonly dataDir: string;
  readonly terminal: TerminalEnvironment;
  readonly feed: LiveFeed;
  readonly budgets: BudgetView;
}

interface Served {
  readonly config: vscode.Uri;
  readonly views: ConfigViews;
  readonly session: GatewaySession;
}

export class WorkspaceGateway implements vscode.Disposable {
  private served: Served | undefined;
  private readonly waiting: ((served: Served) => void)[] = [];

  constructor(private readonly w: WindowParts) {}

  /** The config file served, or undefined while the window has none. */
  get configPath(): string | undefined {
    return this.served?.config.fsPath;
  }

  get client(): EngineClient | undefined {
    return this.served?.session.client;
  }

  get views(): ConfigViews | undefined {
    return this.served?.views;
  }

  /** The port the gateway listens on (the setting, or the free port the user accepted instead). */
  get port(): number {
    return this.served?.session.port ?? this.w.port;
  }

  /** Serve `config`: start the engine (or reuse a spendgate on the port) and show the file's views. Once per window. */
  async serve(config: vscode.Uri): Promise<void> {
    if (this.served) return;
    const { context, output, cliPath, dataDir, port, budgets, terminal } = this.w;
    const views = new ConfigViews(config, {
      cliPath,
      dataDir,
      output,
      port: () => this.port,
      reload: () => this.client?.reloadConfig(),
      onApplied: () => budgets.statusBar.confirm('bifrost.yaml applied'),
    });
    const events = { onConnected: (client: EngineClient) => this.connected(client), onDisconnected: (reason: string) => budgets.statusBar.setDown(reason) };
    const served: Served = { config, views, session: new GatewaySession({ configPath: config.fsPath, cliPath, dataDir, port, output }, events) };
    this.served = served;
    await vscode.workspace.fs.createDirectory(context.globalStorageUri);
    terminal.setKey(await context.secrets.get(VIRTUAL_KEY_SECRET));
    served.session.start().catch((err: unknown) => output.appendLine(`[spendgate] could not start the gateway: ${(err as Error).message}`));
    for (const resolve of this.waiting.splice(0)) resolve(served);
  }

  /** Resolves once the gateway answers (ours or a reused one); in a window without a config, once one is served. */
  async whenReady(): Promise<{ readonly url: string; readonly pid: number | undefined }> {
    const served = this.served ?? (await new Promise<Served>((resolve) => this.waiting.push(resolve)));
    const client = await served.session.whenConnected();
    return { url: client.baseUrl, pid: served.session.pid };
  }

  /** Restart the engine; false when there is none to restart (no config). */
  async restart(): Promise<boolean> {
    if (!this.served) return false;
    await this.served.session.restart();
    return true;
  }

  /** Stops the engine this window runs (SIGTERM, then SIGKILL after a grace period). */
  async stop(): Promise<void> {
    await this.served?.session.stop();
  }

  dispose(): void {
    this.served?.views.dispose();
    this.served?.session.dispose();
  }

  /** A gateway answered: point terminals and the live feed at it, then read what the views show. */
  private connected(client: EngineClient): void {
    const { context, output, budgets, terminal, feed } = this.w;
    terminal.setPort(this.port);
    feed.connect();
    void (async () => {
      try {
        await budgets.load(client, await context.secrets.get(VIRTUAL_KEY_SECRET));
        this.served?.views.showStatus((await client.get('/api/status')).config);
        this.served?.views.refreshPreview();
      } catch (err) {
        output.appendLine(`[spendgate] ${(err as Error).message}`);
      }
    })();
  }
}
