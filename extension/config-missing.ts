// A window without a bifrost.yaml runs no gateway: a command that needs one says so and offers to create one from
// the example; the gateway starts as soon as a bifrost.yaml (or the file spendgate.configPath names) appears.
import * as vscode from 'vscode';
import { locateConfig } from './config-file.js';

const CREATE = 'Create from Example';
const SETTINGS = 'Set spendgate.configPath';

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** Why nothing runs, and the two ways out. Not awaited by the commands: the user's choice acts on its own. */
export function explainMissingConfig(): void {
  const text = `spendgate: no bifrost.yaml in this workspace, so no gateway runs in this window. Create one from the example policy, or point spendgate.configPath at yours.`;
  void vscode.window.showWarningMessage(text, CREATE, SETTINGS).then((choice) => {
    if (choice === CREATE) void vscode.commands.executeCommand('spendgate.createConfig');
    else if (choice === SETTINGS) void vscode.commands.executeCommand('workbench.action.openSettings', 'spendgate.configPath');
  });
}

/** Writes the example policy as the first folder's bifrost.yaml (never over an existing one) and opens it. */
export async function createConfigFromExample(example: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showErrorMessage('spendgate: open a folder first; the gateway serves the bifrost.yaml in it.');
    return undefined;
  }
  const target = vscode.Uri.joinPath(folder.uri, 'bifrost.yaml');
  if (!(await exists(target))) await vscode.workspace.fs.writeFile(target, await vscode.workspace.fs.readFile(example));
  await vscode.window.showTextDocument(target, { preview: false });
  return target;
}

/** Calls `onFound` once, when a bifrost.yaml is created in the workspace or spendgate.configPath names a file that exists. */
export function whenConfigAppears(onFound: (config: vscode.Uri) => void): vscode.Disposable {
  const watcher = vscode.workspace.createFileSystemWatcher('**/bifrost.yaml', false, true, true);
  let found = false;
  const look = async () => {
    const config = await locateConfig();
    if (found || !config || !(await exists(config))) return;
    found = true;
    subscriptions.dispose();
    onFound(config);
  };
  const subscriptions = vscode.Disposable.from(
    watcher,
    watcher.onDidCreate(() => void look()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('spendgate.configPath')) void look();
    }),
  );
  return subscriptions;
}
