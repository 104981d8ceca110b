// The dashboard webview panel: serves the shared bundle and relays /api requests and /ws messages for it.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { isApiRoute } from '../webview/api-types.js';
import { renderDashboardHtml } from '../webview/html.js';
import { parseWebviewMessage, type HostToWebview, type WebviewToHost } from '../webview/protocol.js';
import type { EngineClient } from './engine-client.js';
import { EngineApiError } from './engine-client.js';
import type { LiveFeed } from './live-feed.js';

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
    const client = this.client();
    if (!client) {
      this.post({ type: 'response', id: message.id, ok: false, status: 503, message: 'spendgate is not running' });
      return;
    }
    try {
      const body = await client.get(message.route, message.query);
      this.post({ type: 'response', id: message.id, ok: true, body });
    } catch (err) {
      this.post({ type: 'response', id: message.id, ok: false, status: err instanceof EngineApiError ? err.status : 503, message: (err as Error).message });
    }
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
