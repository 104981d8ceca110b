// spendgate for VS Code: runs the gateway engine for this workspace's bifrost.yaml and shows its budgets.
import * as vscode from 'vscode';
import type { BudgetTierJson } from '../proxy/api/wire/index.js';
import { BranchWatcher } from './branch-watcher.js';
import { registerCommands } from './commands.js';
import { ConfigDiagnostics, runCheck } from './config-diagnostics.js';
import { locateConfig } from './config-file.js';
import { DashboardPanel } from './dashboard-panel.js';
import type { EngineClient } from './engine-client.js';
import { GatewaySession } from './gateway-session.js';
import { GuardAlerts } from './guard-alerts.js';
import { LiveFeed } from './live-feed.js';
import { PolicyPreviewLens, type PlacedChange } from './policy-lens.js';
import { PolicyPreviewer } from './policy-preview.js';
import { RunwayAlerts } from './runway-alerts.js';
import type { WorkspaceTags } from './spend-tags.js';
import { BudgetStatusBar } from './status-bar.js';
import { tiersOnPath, type KeyIdentity } from './status-summary.js';
import { TerminalEnvironment, VIRTUAL_KEY_SECRET } from './terminal-env.js';

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
  /** The attribution tags of this workspace (branch follows checkouts). */
  workspaceTags(): WorkspaceTags | undefined;
  /** The policy changes shown on bifrost.yaml for the edit in the editor. */
  policyPreview(): readonly PlacedChange[];
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
  const dataDir = context.globalStorageUri.fsPath;
  const terminal = new TerminalEnvironment(context.environmentVariableCollection, port);
  let keyIdentity: KeyIdentity | undefined;
  let lastTiers: readonly BudgetTierJson[] | undefined;

  const openDashboard = () => void DashboardPanel.show(context.extensionUri, () => session?.client, feed);
  const runway = new RunwayAlerts(context.globalState, openDashboard);
  const guards = new GuardAlerts({
    resume: async (keyId) => {
      const client = session?.client;
      if (!client) throw new Error('spendgate is not running');
      await client.resumeGuard(keyId);
    },
    openDashboard,
  });

  const folder = vscode.workspace.workspaceFolders?.[0];
  const branches = folder
    ? new BranchWatcher(folder.uri.fsPath, (tags) => {
        output.appendLine(`[spendgate] requests from terminals are now tagged ${tags.branch ? `branch=${tags.branch}` : 'without a branch'}`);
        terminal.setTags(tags);
      })
    : undefined;
  if (branches) context.subscriptions.push(branches);
  terminal.setTags(branches?.tags);

  const identify = async (client: EngineClient, secret: string | undefined) => {
    keyIdentity = secret ? await client.identifyKey(secret) : undefined;
    if (secret && !keyIdentity) void vscode.window.showWarningMessage('spendgate: the virtual key you set is not known to this gateway.');
    statusBar.setKey(keyIdentity);
  };
  const showTiers = (tiers: readonly BudgetTierJson[]) => {
    lastTiers = tiers;
    statusBar.setTiers(tiers);
    runway.check(tiersOnPath(tiers, keyIdentity));
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

  const previewer = new PolicyPreviewer({ execPath: process.execPath, cliPath, dataDir, port: () => session?.port ?? port });
  const lens = config ? new PolicyPreviewLens(config, (text) => previewer.preview(config.fsPath, text), output) : undefined;
  context.subscriptions.push({ dispose: () => void previewer.dispose() });
  if (lens) context.subscriptions.push(lens);

  context.subscriptions.push(
    feed.subscribe({
      onMessage: (message) => {
        if (message.type === 'budgets') showTiers(message.payload.tiers);
        else if (message.type === 'config') diagnostics?.show(message.payload);
        guards.onLive(message, keyIdentity?.id);
      },
      onState: (state) => {
        if (state === 'down') statusBar.setDown('the connection to the gateway was lost');
        else if (state === 'up' && lastTiers) statusBar.setTiers(lastTiers);
      },
    }),
    ...registerCommands(context, {
      openDashboard,
      restartGateway: async () => {
        if (!session) return void vscode.window.showWarningMessage('spendgate: no bifrost.yaml in this workspace (set spendgate.configPath).');
        await session.restart();
      },
      showLogs: () => output.show(true),
      keyChanged: async (secret) => {
        terminal.setKey(secret);
        const client = session?.client;
        if (client) await identify(client, secret);
      },
      clientEnvironment: () => terminal.values(),
      gatewayPort: () => session?.port ?? port,
    }),
  );

  const api = {
    statusBarText: () => statusBar.text,
    terminalEnvironment: () => collectionValues(context.environmentVariableCollection),
    workspaceTags: () => terminal.currentTags(),
    policyPreview: () => lens?.current() ?? [],
  };
  if (!config) {
    statusBar.setDown('no bifrost.yaml in this workspace');
    return { ...api, whenReady: () => Promise.reject(new Error('no bifrost.yaml in this workspace')), configPath: undefined };
  }

  await vscode.workspace.fs.createDirectory(context.globalStorageUri);
  const current = new GatewaySession(
    { configPath: config.fsPath, cliPath, dataDir, port, output },
    {
      onConnected: (client) => {
        terminal.setPort(current.port);
        feed.connect();
        void (async () => {
          try {
            await identify(client, await context.secrets.get(VIRTUAL_KEY_SECRET));
            showTiers((await client.get('/api/budgets')).tiers);
            diagnostics?.show((await client.get('/api/status')).config);
            guards.onGuards(await client.get('/api/guards'), keyIdentity?.id);
            lens?.refresh();
          } catch (err) {
            output.appendLine(`[spendgate] ${(err as Error).message}`);
          }
        })();
      },
      onDisconnected: (reason) => statusBar.setDown(reason),
    },
  );
  session = current;
  terminal.setKey(await context.secrets.get(VIRTUAL_KEY_SECRET));
  context.subscriptions.push(current);
  current.start().catch((err: unknown) => output.appendLine(`[spendgate] could not start the gateway: ${(err as Error).message}`));

  return {
    ...api,
    whenReady: async () => {
      const client = await current.whenConnected();
      return { url: client.baseUrl, pid: current.pid };
    },
    configPath: config.fsPath,
  };
}

/** Stops the engine this window runs (SIGTERM, then SIGKILL after a grace period). */
export async function deactivate(): Promise<void> {
  const current = session;
  session = undefined;
  await current?.stop();
}
