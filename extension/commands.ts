// The extension's commands, each a thin call into the parts activate() wired together.
import * as vscode from 'vscode';
import { codexConfigBlock, CODEX_KEY_ENV } from './codex-config.js';
import { exportLines, openaiBaseUrl, VIRTUAL_KEY_SECRET } from './terminal-env.js';

export interface CommandTargets {
  openDashboard(): void;
  restartGateway(): Promise<void>;
  showLogs(): void;
  /** Called after a new key is stored (or cleared). */
  keyChanged(secret: string | undefined): Promise<void>;
  /** The variables integrated terminals get (base URLs, key, branch tags). */
  clientEnvironment(): Record<string, string>;
  /** Write the example policy as the workspace's bifrost.yaml (or open the one served) and serve it. */
  createConfig(): Promise<void>;
  /** The loopback port the gateway serves on. */
  gatewayPort(): number;
}

export function registerCommands(context: vscode.ExtensionContext, targets: CommandTargets): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('spendgate.openDashboard', () => targets.openDashboard()),
    vscode.commands.registerCommand('spendgate.restartGateway', () => targets.restartGateway()),
    vscode.commands.registerCommand('spendgate.showLogs', () => targets.showLogs()),
    vscode.commands.registerCommand('spendgate.createConfig', () => targets.createConfig()),
    vscode.commands.registerCommand('spendgate.setVirtualKey', async () => {
      const secret = await vscode.window.showInputBox({
        title: 'spendgate: virtual key',
        prompt: 'The virtual key your AI clients present to the gateway (stored in VS Code secret storage). Leave empty to remove it.',
        password: true,
        ignoreFocusOut: true,
      });
      if (secret === undefined) return;
      if (secret.trim()) await context.secrets.store(VIRTUAL_KEY_SECRET, secret.trim());
      else await context.secrets.delete(VIRTUAL_KEY_SECRET);
      await targets.keyChanged(secret.trim() || undefined);
    }),
    vscode.commands.registerCommand('spendgate.copyClientEnv', async () => {
      const key = await context.secrets.get(VIRTUAL_KEY_SECRET);
      const lines = exportLines(targets.clientEnvironment());
      await vscode.env.clipboard.writeText(lines);
      void vscode.window.showInformationMessage(key ? 'spendgate: client environment (with your virtual key) copied.' : 'spendgate: client environment copied; set a virtual key to include ANTHROPIC_API_KEY.');
      return lines;
    }),
    vscode.commands.registerCommand('spendgate.copyCodexConfig', async () => {
      const block = codexConfigBlock(openaiBaseUrl(targets.gatewayPort()));
      await vscode.env.clipboard.writeText(block);
      const key = await context.secrets.get(VIRTUAL_KEY_SECRET);
      void vscode.window.showInformationMessage(
        key
          ? `spendgate: Codex config copied. Paste it into ~/.codex/config.toml; Codex reads your virtual key from ${CODEX_KEY_ENV}.`
          : `spendgate: Codex config copied. Set a virtual key too: Codex reads it from ${CODEX_KEY_ENV}.`,
      );
      return block;
    }),
  ];
}
