// spendgate for VS Code: runs the gateway engine for this workspace's bifrost.yaml and shows its budgets.
import * as vscode from 'vscode';
import type { BudgetTierJson } from '../webview/api-types.js';
import { registerCommands } from './commands.js';
import { ConfigDiagnostics, runCheck } from './config-diagnostics.js';
import { locateConfig } from './config-file.js';
import { DashboardPanel } from './dashboard-panel.js';
import type { EngineClient } from './engine-client.js';
import { GatewaySession } from './gateway-session.js';
import { LiveFeed } from './live-feed.js';
import { BudgetStatusBar } from './status-bar.js';
import type { KeyIdentity } from './status-summary.js';
import { applyTerminalEnvironment, VIRTUAL_KEY_SECRET } from './terminal-env.js';

/** What activate() returns: enough for other extensions and the extension-host tests to observe the gateway. */
export interface SpendgateApi {
  /** Resolves once the gateway answers (ours or a reused one). */
  whenReady(): Promise<{ readonly url: string; readonly pid: number | undefined }>;
  /** The budget status bar item's text. */
  statusBarText(): string;
  /** The config file served, or undefined when the workspace has none. */
  readonly configPath: string | undefined;
  /** The variables this extension sets for integrated terminals. */
  terminalEnvironment(): Record<string, string>;
}

function collectionValues(collection: vscode.EnvironmentVariableCollection): Record<string, string> {
  const values: Record<string, string> = {};
  collection.forEach((name, mutator) => (values[name] = mutator.value));
  return values;
}

const DEFAULT_PORT = 8080;
let session: GatewaySession | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<SpendgateApi> {
  const output = vscode.window.createOutputChannel('spendgate');
  const statusBar = new BudgetStatusBar();
  const feed = new LiveFeed(() => session?.client?.wsUrl);
  context.subscriptions.push(output, statusBar, { dispose: () => feed.dispose() });

  const config = await locateConfig();
  const port = vscode.workspace.getConfiguration('spendgate').get<number>('port') ?? DEFAULT_PORT;
  const cliPath = context.asAbsolutePath('dist/proxy/cli.js');
  let keyIdentity: KeyIdentity | undefined;
  let lastTiers: readonly BudgetTierJson[] | undefined;

  const identify = async (client: EngineClient, secret: string | undefined) => {
    keyIdentity = secret ? await client.identifyKey(secret) : undefined;
    if (secret && !keyIdentity) void vscode.window.showWarningMessage('spendgate: the virtual key you set is not known to this gateway.');
    statusBar.setKey(keyIdentity);
  };
  const showTiers = (tiers: readonly BudgetTierJson[]) => {
    lastTiers = tiers;
    statusBar.setTiers(tiers);
  };

  const diagnostics = config
    ? new ConfigDiagnostics(
        config,
        {
          reload: () => session?.client?.reloadConfig(),
          check: (file) => runCheck(process.execPath, cliPath, file),
          onApplied: () => statusBar.confirm('bifrost.yaml applied'),
        },
        output,
      )
    : undefined;
  if (diagnostics) context.subscriptions.push(diagnostics);

  context.subscriptions.push(
    feed.subscribe({
      onMessage: (message) => {
        if (message.type === 'budgets') showTiers(message.payload.tiers);
        else if (message.type === 'config') diagnostics?.show(message.payload);
      },
      onState: (state) => {
        if (state === 'down') statusBar.setDown('the connection to the gateway was lost');
        else if (state === 'up' && lastTiers) statusBar.setTiers(lastTiers);
      },
    }),
    ...registerCommands(context, {
      openDashboard: () => void DashboardPanel.show(context.extensionUri, () => session?.client, feed),
      restartGateway: async () => {
        if (!session) return void vscode.window.showWarningMessage('spendgate: no bifrost.yaml in this workspace (set spendgate.configPath).');
        await session.restart();
      },
      showLogs: () => output.show(true),
      keyChanged: async (secret) => {
        if (session) applyTerminalEnvironment(context.environmentVariableCollection, session.port, secret);
        const client = session?.client;
        if (client) await identify(client, secret);
      },
      port: () => session?.port ?? port,
    }),
  );

  if (!config) {
    statusBar.setDown('no bifrost.yaml in this workspace');
    return { whenReady: () => Promise.reject(new Error('no bifrost.yaml in this workspace')), statusBarText: () => statusBar.text, configPath: undefined, terminalEnvironment: () => collectionValues(context.environmentVariableCollection) };
  }

  const dataDir = context.globalStorageUri.fsPath;
  await vscode.workspace.fs.createDirectory(context.globalStorageUri);
  const current = new GatewaySession(
    { configPath: config.fsPath, cliPath, dataDir, port, output },
    {
      onConnected: (client) => {
        applyTerminalEnvironment(context.environmentVariableCollection, current.port, undefined);
        feed.connect();
        void (async () => {
          try {
            const secret = await context.secrets.get(VIRTUAL_KEY_SECRET);
            applyTerminalEnvironment(context.environmentVariableCollection, current.port, secret);
            await identify(client, secret);
            showTiers((await client.get('/api/budgets')).tiers);
            diagnostics?.show((await client.get('/api/status')).config);
          } catch (err) {
            output.appendLine(`[spendgate] ${(err as Error).message}`);
          }
        })();
      },
      onDisconnected: (reason) => statusBar.setDown(reason),
    },
  );
  session = current;
  applyTerminalEnvironment(context.environmentVariableCollection, port, await context.secrets.get(VIRTUAL_KEY_SECRET));
  context.subscriptions.push(current);
  current.start().catch((err: unknown) => output.appendLine(`[spendgate] could not start the gateway: ${(err as Error).message}`));

  return {
    whenReady: async () => {
      const client = await current.whenConnected();
      return { url: client.baseUrl, pid: current.pid };
    },
    statusBarText: () => statusBar.text,
    configPath: config.fsPath,
    terminalEnvironment: () => collectionValues(context.environmentVariableCollection),
  };
}

/** Stops the engine this window runs (SIGTERM, then SIGKILL after a grace period). */
export async function deactivate(): Promise<void> {
  const current = session;
  session = undefined;
  await current?.stop();
}
