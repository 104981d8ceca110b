// spendgate for VS Code: runs the gateway engine for this workspace's bifrost.yaml and shows its budgets.
import * as vscode from 'vscode';
import { BranchWatcher } from './branch-watcher.js';
import { BudgetView } from './budget-view.js';
import { registerCommands, type CommandTargets } from './commands.js';
import { locateConfig } from './config-file.js';
import { createConfigFromExample, explainMissingConfig, whenConfigAppears } from './config-missing.js';
import { DashboardPanel } from './dashboard-panel.js';
import type { EngineClient } from './engine-client.js';
import { GuardAlerts } from './guard-alerts.js';
import { LiveFeed } from './live-feed.js';
import type { PlacedChange } from './policy-lens.js';
import { RunwayAlerts } from './runway-alerts.js';
import type { WorkspaceTags } from './spend-tags.js';
import { TerminalEnvironment } from './terminal-env.js';
import { WorkspaceGateway, type WindowParts } from './workspace-gateway.js';

/** What activate() returns: enough for other extensions and the extension-host tests to observe the gateway. */
export interface SpendgateApi {
  /** Resolves once the gateway answers (ours or a reused one); in a window without a config, once one is served. */
  whenReady(): Promise<{ readonly url: string; readonly pid: number | undefined }>;
  /** The budget status bar item's text. */
  statusBarText(): string;
  /** The config file served, or undefined while the workspace has none. */
  readonly configPath: string | undefined;
  /** The variables this extension sets for integrated terminals. */
  terminalEnvironment(): Record<string, string>;
  /** The attribution tags of this workspace (branch follows checkouts). */
  workspaceTags(): WorkspaceTags | undefined;
  /** The policy changes shown on bifrost.yaml for the edit in the editor. */
  policyPreview(): readonly PlacedChange[];
}

const DEFAULT_PORT = 8080;
let gateway: WorkspaceGateway | undefined;

interface SpendgateWindow extends WindowParts {
  openDashboard(): void;
}

/** The window's lasting parts: output channel, live feed, budget view and alerts, terminal environment. */
function createWindow(context: vscode.ExtensionContext, client: () => EngineClient | undefined): SpendgateWindow {
  const output = vscode.window.createOutputChannel('spendgate');
  const port = vscode.workspace.getConfiguration('spendgate').get<number>('port') ?? DEFAULT_PORT;
  const feed = new LiveFeed(() => client()?.wsUrl);
  const openDashboard = () => void DashboardPanel.show(context.extensionUri, client, feed);
  const resume = async (keyId: string) => {
    const current = client();
    if (!current) throw new Error('spendgate is not running');
    await current.resumeGuard(keyId);
  };
  const budgets = new BudgetView(new RunwayAlerts(context.globalState, openDashboard), new GuardAlerts({ resume, openDashboard }));
  context.subscriptions.push(output, budgets, { dispose: () => feed.dispose() });
  const terminal = new TerminalEnvironment(context.environmentVariableCollection, port);
  const cliPath = context.asAbsolutePath('dist/proxy/cli.js');
  return { context, output, port, cliPath, dataDir: context.globalStorageUri.fsPath, terminal, feed, budgets, openDashboard };
}

/** Terminals' requests carry the branch checked out when they were sent. */
function followBranches(w: SpendgateWindow): void {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const branches = folder
    ? new BranchWatcher(folder.uri.fsPath, (tags) => {
        w.output.appendLine(`[spendgate] requests from terminals are now tagged ${tags.branch ? `branch=${tags.branch}` : 'without a branch'}`);
        w.terminal.setTags(tags);
      })
    : undefined;
  if (branches) w.context.subscriptions.push(branches);
  w.terminal.setTags(branches?.tags);
}

function followLiveFeed(w: SpendgateWindow, g: WorkspaceGateway): vscode.Disposable {
  return w.feed.subscribe({
    onMessage: (message) => {
      if (message.type === 'config') g.views?.showStatus(message.payload);
      w.budgets.onLive(message);
    },
    onState: (state) => w.budgets.onFeedState(state),
  });
}

function commandTargets(w: SpendgateWindow, g: WorkspaceGateway): CommandTargets {
  return {
    openDashboard: () => (g.configPath ? w.openDashboard() : explainMissingConfig()),
    restartGateway: async () => {
      if (!(await g.restart())) explainMissingConfig();
    },
    showLogs: () => w.output.show(true),
    keyChanged: async (secret) => {
      w.terminal.setKey(secret);
      const client = g.client;
      if (client) await w.budgets.identify(client, secret);
    },
    clientEnvironment: () => w.terminal.values(),
    gatewayPort: () => g.port,
    createConfig: async () => {
      if (g.configPath) {
        await vscode.window.showTextDocument(vscode.Uri.file(g.configPath), { preview: false });
        return;
      }
      const config = await createConfigFromExample(vscode.Uri.joinPath(w.context.extensionUri, 'examples', 'bifrost.yaml'));
      if (config) await g.serve(config);
    },
  };
}

function windowApi(w: SpendgateWindow, g: WorkspaceGateway): SpendgateApi {
  return {
    whenReady: () => g.whenReady(),
    statusBarText: () => w.budgets.statusBar.text,
    get configPath() {
      return g.configPath;
    },
    terminalEnvironment: () => {
      const values: Record<string, string> = {};
      w.context.environmentVariableCollection.forEach((name, mutator) => (values[name] = mutator.value));
      return values;
    },
    workspaceTags: () => w.terminal.currentTags(),
    policyPreview: () => g.views?.policyPreview() ?? [],
  };
}

/**
 * Activated in a window whose workspace has a bifrost.yaml, or by one of the commands. Without a config the window
 * runs no gateway until one appears (or the user creates one from the example).
 */
export async function activate(context: vscode.ExtensionContext): Promise<SpendgateApi> {
  const w = createWindow(context, () => gateway?.client);
  const g = new WorkspaceGateway(w);
  gateway = g;
  context.subscriptions.push(g, followLiveFeed(w, g), ...registerCommands(context, commandTargets(w, g)));
  followBranches(w);
  const config = await locateConfig();
  if (config) {
    await g.serve(config);
  } else {
    w.budgets.statusBar.setNoConfig();
    context.subscriptions.push(whenConfigAppears((found) => void g.serve(found)));
  }
  return windowApi(w, g);
}

/** Stops the engine this window runs (SIGTERM, then SIGKILL after a grace period). */
export async function deactivate(): Promise<void> {
  const current = gateway;
  gateway = undefined;
  await current?.stop();
}
