// The dashboard webview panel: serves the shared bundle and relays /api requests and /ws messages for it.
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { isApiRoute } from '../proxy/api/wire/index.js';
import { renderDashboardHtml } from '../webview/html.js';
import { parseWebviewMessage, type HostToWebview, type WebviewToHost } from '../webview/protocol.js';
import type { ExportOutcome, SpendExportQuery } from '../webview/spend-export.js';
import type { EngineClient } from './engine-client.js';
import { EngineApiError } from './engine-client.js';
import type { LiveFeed } from './live-feed.js';
import { fetchSpendExport, savedMessage } from './spend-export-file.js';

export class DashboardPanel implements vscode.Disposable {
  private static current: DashboardPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  /** Opens the dashboard, or reveals it when it is already open. */
  static show(extensionUri: vscode.Uri, client: () => EngineClient | undefined, feed: LiveFeed): DashboardPanel {
    if (DashboardPanel.current) {
      DashboardPanel.current.panel.reveal();
      return DashboardPanel.current;
    }
    const root = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    const panel = vscode.window.createWebviewPanel('spendgate.dashboard', 'spendgate', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [root],
    });
    DashboardPanel.current = new DashboardPanel(panel, root, client, feed);
    return DashboardPanel.current;
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    root: vscode.Uri,
    private readonly client: () => EngineClient | undefined,
    private readonly feed: LiveFeed,
  ) {
    const webview = panel.webview;
    webview.html = renderDashboardHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(root, 'main.js')).toString(),
      mode: 'vscode',
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw, isApiRoute);
        if (message) void this.receive(message);
      }),
      feed.subscribe({
        onMessage: (message) => this.post({ type: 'live', message }),
        onState: (state) => this.post({ type: 'connection', state }),
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  private async receive(message: WebviewToHost): Promise<void> {
    if (message.type === 'ready') {
      this.post({ type: 'connection', state: this.feed.state });
      return;
    }
    const type = message.type === 'request' ? 'response' : 'exported';
    const client = this.client();
    if (!client) {
      this.post({ type, id: message.id, ok: false, status: 503, message: 'spendgate is not running' });
      return;
    }
    try {
      if (message.type === 'request') this.post({ type: 'response', id: message.id, ok: true, body: await client.get(message.route, message.query) });
      else this.post({ type: 'exported', id: message.id, ok: true, outcome: await this.saveExport(client, message.query) });
    } catch (err) {
      this.post({ type, id: message.id, ok: false, status: err instanceof EngineApiError ? err.status : 503, message: (err as Error).message });
    }
  }

  /** Fetches the CSV, asks where to save it (named as the engine names it) and writes it; the webview only learns the outcome. */
  private async saveExport(client: EngineClient, query: SpendExportQuery): Promise<ExportOutcome> {
    const file = await fetchSpendExport(client, query);
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(homedir());
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(folder, file.fileName),
      filters: { CSV: ['csv'] },
      saveLabel: 'Save spend export',
      title: 'Save the spend export',
    });
    if (!target) return { state: 'cancelled' };
    await vscode.workspace.fs.writeFile(target, Buffer.from(file.text, 'utf8'));
    void vscode.window.showInformationMessage(savedMessage(file.rows, target.fsPath));
    return { state: 'saved', file: target.fsPath, rows: file.rows };
  }

  private post(message: HostToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    for (const d of this.disposables) d.dispose();
    this.disposables.length = 0;
    this.panel.dispose();
  }
}
