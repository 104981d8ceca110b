// Which bifrost.yaml the extension serves: the spendgate.configPath setting, else the workspace's own.
import * as path from 'node:path';
import * as vscode from 'vscode';

export async function locateConfig(): Promise<vscode.Uri | undefined> {
  const setting = vscode.workspace.getConfiguration('spendgate').get<string>('configPath')?.trim();
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (setting) {
    if (path.isAbsolute(setting)) return vscode.Uri.file(setting);
    return folder ? vscode.Uri.joinPath(folder.uri, setting) : undefined;
  }
  if (folder) {
    const atRoot = vscode.Uri.joinPath(folder.uri, 'bifrost.yaml');
    try {
      await vscode.workspace.fs.stat(atRoot);
      return atRoot;
    } catch {
      // not at the root: search below
    }
  }
  const [found] = await vscode.workspace.findFiles('**/bifrost.yaml', '**/node_modules/**', 1);
  return found;
}
