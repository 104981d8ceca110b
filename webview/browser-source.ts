// The dashboard in a browser at /ui: signs in with the one-time login token, then fetch('/api') and WebSocket('/ws') with the session token.
import { parseLiveMessage, type ApiResponses, type ApiRoute, type LiveMessage } from '../proxy/api/wire/index.js';
import { ApiError, Listeners, type DataSource, type Query, type StartResult } from './data-source.js';
import type { ConnectionState } from './protocol.js';
import { csvDataRows, EXPORT_ROUTE, exportSearch, fileNameFromDisposition, type ExportOutcome, type SpendExportQuery } from './spend-export.js';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 15_000;

/** The header and WebSocket subprotocol the engine expects the session token in (proxy/server/admin-auth.ts). */
const SESSION_HEADER = 'x-spendgate-session';
const SESSION_PROTOCOL_PREFIX = 'spendgate.session.';
const DASHBOARD_PROTOCOL = 'spendgate';
/**
 * sessionStorage, not a cookie: it is scoped to this origin (scheme, host and port) and this tab, so pages
 * on other local ports and processes that capture the cookie never see it; unlike a plain variable it
 * survives a reload, which would otherwise need a fresh one-time login URL.
 */
const SESSION_STORAGE_KEY = 'spendgate.session_token';

export class BrowserDataSource implements DataSource {
  private readonly listeners = new Listeners();
  private reconnectDelay = RECONNECT_MIN_MS;
  private sessionToken: string | undefined;

  constructor(
    private readonly location: Location = window.location,
    private readonly storage: Storage = window.sessionStorage,
  ) {}

  async start(): Promise<StartResult> {
    const token = new URLSearchParams(this.location.hash.replace(/^#/, '')).get('token');
    if (token) {
      // Drop the token from the address bar and history before anything else can read it.
      history.replaceState(null, '', this.location.pathname + this.location.search);
      const login = await fetch('/ui/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token }),
        credentials: 'same-origin',
      });
      if (!login.ok) return { state: 'signed-out', reason: await errorMessage(login) };
      const body = (await login.json()) as { session_token?: unknown };
      if (typeof body.session_token !== 'string') return { state: 'signed-out', reason: 'the engine answered the login without a session token' };
      this.storage.setItem(SESSION_STORAGE_KEY, body.session_token);
    }
    this.sessionToken = this.storage.getItem(SESSION_STORAGE_KEY) ?? undefined;
    try {
      await this.get('/api/status');
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return { state: 'signed-out' };
      throw err;
    }
    this.connect();
    return { state: 'ready' };
  }

  async get<R extends ApiRoute>(route: R, query: Query = {}): Promise<ApiResponses[R]> {
    const search = new URLSearchParams(query).toString();
    const res = await this.fetchApi(search ? `${route}?${search}` : route, 'application/json');
    return (await res.json()) as ApiResponses[R];
  }

  /** The API's CSV as it came (a Blob of the response, not re-encoded), saved under the name the engine gives it. */
  async exportCsv(query: SpendExportQuery): Promise<ExportOutcome> {
    const res = await this.fetchApi(`${EXPORT_ROUTE}?${exportSearch(query)}`, 'text/csv');
    const file = fileNameFromDisposition(res.headers.get('content-disposition'));
    const blob = await res.blob();
    const rows = csvDataRows(await blob.text());
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = file;
    link.hidden = true;
    document.body.append(link);
    link.click();
    link.remove();
    // Revoking at once can cancel the download the click just started; a minute is ample for the browser to take it.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    return { state: 'saved', file, rows };
  }

  /** A same-origin request with the session token; @throws ApiError with the engine's message when it is not 2xx. */
  private async fetchApi(path: string, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (this.sessionToken) headers[SESSION_HEADER] = this.sessionToken;
    const res = await fetch(path, { credentials: 'same-origin', headers });
    if (!res.ok) throw new ApiError(res.status, await errorMessage(res));
    return res;
  }

  onLive(listener: (message: LiveMessage) => void): void {
    this.listeners.onLive(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): void {
    this.listeners.onConnection(listener);
  }

  private connect(): void {
    const scheme = this.location.protocol === 'https:' ? 'wss' : 'ws';
    // A browser cannot set headers on a WebSocket: the token rides in a second offered subprotocol, and the engine selects the first.
    const protocols = this.sessionToken ? [DASHBOARD_PROTOCOL, `${SESSION_PROTOCOL_PREFIX}${this.sessionToken}`] : [];
    const socket = new WebSocket(`${scheme}://${this.location.host}/ws`, protocols);
    this.listeners.emitConnection('connecting');
    socket.addEventListener('open', () => {
      this.reconnectDelay = RECONNECT_MIN_MS;
      this.listeners.emitConnection('up');
    });
    socket.addEventListener('message', (event: MessageEvent<unknown>) => {
      const message = typeof event.data === 'string' ? parseLiveMessage(event.data) : undefined;
      if (message) this.listeners.emitLive(message);
    });
    socket.addEventListener('close', () => {
      this.listeners.emitConnection('down');
      setTimeout(() => this.connect(), this.reconnectDelay);
      this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
    });
  }
}

async function errorMessage(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  return text || `HTTP ${res.status}`;
}
