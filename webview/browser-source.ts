// The dashboard in a browser at /ui: signs in with the one-time login token, then fetch('/api') and WebSocket('/ws').
import { parseLiveMessage, type ApiResponses, type ApiRoute, type LiveMessage } from './api-types.js';
import { ApiError, Listeners, type DataSource, type Query } from './data-source.js';
import type { ConnectionState } from './protocol.js';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 15_000;

export class BrowserDataSource implements DataSource {
  private readonly listeners = new Listeners();
  private reconnectDelay = RECONNECT_MIN_MS;

  constructor(private readonly location: Location = window.location) {}

  async start(): Promise<'ready' | 'signed-out'> {
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
      if (!login.ok) return 'signed-out';
    }
    try {
      await this.get('/api/status');
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return 'signed-out';
      throw err;
    }
    this.connect();
    return 'ready';
  }

  async get<R extends ApiRoute>(route: R, query: Query = {}): Promise<ApiResponses[R]> {
    const search = new URLSearchParams(query).toString();
    const res = await fetch(search ? `${route}?${search}` : route, { credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!res.ok) throw new ApiError(res.status, await errorMessage(res));
    return (await res.json()) as ApiResponses[R];
  }

  onLive(listener: (message: LiveMessage) => void): void {
    this.listeners.onLive(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): void {
    this.listeners.onConnection(listener);
  }

  private connect(): void {
    const scheme = this.location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${this.location.host}/ws`);
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
