// The dashboard inside a VS Code webview: every request and live message is relayed by the extension host,
// so the admin token never enters the webview.
import type { ApiResponses, ApiRoute, LiveMessage } from '../proxy/api/wire/index.js';
import { ApiError, Listeners, type DataSource, type Query, type StartResult } from './data-source.js';
import type { ConnectionState, HostToWebview, WebviewToHost } from './protocol.js';
import type { ExportOutcome, SpendExportQuery } from './spend-export.js';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

interface Pending {
  resolve(body: unknown): void;
  reject(error: Error): void;
}

export class VsCodeDataSource implements DataSource {
  private readonly listeners = new Listeners();
  private readonly pending = new Map<number, Pending>();
  private readonly vscode: VsCodeApi = acquireVsCodeApi();
  private nextId = 1;

  async start(): Promise<StartResult> {
    window.addEventListener('message', (event: MessageEvent<HostToWebview>) => this.receive(event.data));
    this.vscode.postMessage({ type: 'ready' });
    return { state: 'ready' };
  }

  get<R extends ApiRoute>(route: R, query: Query = {}): Promise<ApiResponses[R]> {
    const id = this.nextId++;
    return new Promise<ApiResponses[R]>((resolve, reject) => {
      this.pending.set(id, { resolve: (body) => resolve(body as ApiResponses[R]), reject });
      this.vscode.postMessage({ type: 'request', id, route, query });
    });
  }

  /** The host fetches, asks where to save and writes the file: the webview never sees the admin token or the disk. */
  exportCsv(query: SpendExportQuery): Promise<ExportOutcome> {
    const id = this.nextId++;
    return new Promise<ExportOutcome>((resolve, reject) => {
      this.pending.set(id, { resolve: (outcome) => resolve(outcome as ExportOutcome), reject });
      this.vscode.postMessage({ type: 'export', id, query });
    });
  }

  onLive(listener: (message: LiveMessage) => void): void {
    this.listeners.onLive(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): void {
    this.listeners.onConnection(listener);
  }

  private receive(message: HostToWebview): void {
    switch (message.type) {
      case 'response':
      case 'exported': {
        const pending = this.pending.get(message.id);
        if (!pending) return;
        this.pending.delete(message.id);
        if (message.ok) pending.resolve(message.type === 'response' ? message.body : message.outcome);
        else pending.reject(new ApiError(message.status, message.message));
        return;
      }
      case 'live':
        this.listeners.emitLive(message.message);
        return;
      case 'connection':
        this.listeners.emitConnection(message.state);
        return;
    }
  }
}
