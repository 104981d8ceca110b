// A WebSocket client on the gateway's /ws that queues every message, so tests can wait for the next one that matches.
import WebSocket from 'ws';
import { once } from 'node:events';

export interface LiveMessage {
  readonly type: string;
  readonly operation?: string;
  readonly payload?: unknown;
  readonly error?: { readonly type: string; readonly parameter?: string; readonly message: string };
}

interface Waiter {
  readonly match: (m: LiveMessage) => boolean;
  readonly resolve: (m: LiveMessage) => void;
}

export class LiveClient {
  /** Every message received and not yet taken by `next`, in arrival order. */
  private readonly unread: LiveMessage[] = [];
  private readonly waiters: Waiter[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as LiveMessage;
      const i = this.waiters.findIndex((w) => w.match(message));
      if (i === -1) this.unread.push(message);
      else this.waiters.splice(i, 1)[0].resolve(message);
    });
  }

  /** Connects to `${gatewayUrl}/ws?token=…` and waits until the socket is open. */
  static async connect(gatewayUrl: string, token: string): Promise<LiveClient> {
    const ws = new WebSocket(`${gatewayUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`);
    // Listen before 'open': the server's first message can arrive in the same read as the upgrade answer.
    const client = new LiveClient(ws);
    await once(ws, 'open');
    return client;
  }

  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Takes the first message (already received or still to come) that matches, or fails after `timeoutMs`. */
  next(match: (m: LiveMessage) => boolean, timeoutMs: number, what: string): Promise<LiveMessage> {
    const i = this.unread.findIndex(match);
    if (i !== -1) return Promise.resolve(this.unread.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ${what} message within ${timeoutMs} ms; unread: ${this.unread.map((m) => m.type).join(', ') || 'none'}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Drops every queued message that matches (e.g. budget snapshots from earlier requests). */
  discard(match: (m: LiveMessage) => boolean): LiveMessage[] {
    const dropped = this.unread.filter(match);
    for (const m of dropped) this.unread.splice(this.unread.indexOf(m), 1);
    return dropped;
  }

  /** The queued messages that match, without taking them. */
  peek(match: (m: LiveMessage) => boolean): LiveMessage[] {
    return this.unread.filter(match);
  }

  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const closed = once(this.ws, 'close');
    this.ws.close();
    await closed;
  }
}
