// The engine's WebSocket (/ws) held by the extension host: budgets, logs and config messages, reconnecting with backoff.
import WebSocket from 'ws';
import { parseLiveMessage, type LiveMessage } from '../proxy/api/wire/index.js';
import type { ConnectionState } from '../webview/protocol.js';
import { doublingDelay, LIVE_RECONNECT } from './backoff.js';

export interface LiveFeedListener {
  onMessage(message: LiveMessage): void;
  onState(state: ConnectionState): void;
}

/** Drops a socket for good; terminating one still connecting emits an error, which must have a listener. */
function discard(socket: WebSocket | undefined): void {
  if (!socket) return;
  socket.removeAllListeners();
  socket.on('error', () => undefined);
  socket.terminate();
}

export class LiveFeed {
  private socket: WebSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private attempts = 0;
  private closed = false;
  private current: ConnectionState = 'connecting';
  private readonly listeners = new Set<LiveFeedListener>();

  constructor(private readonly url: () => string | undefined) {}

  get state(): ConnectionState {
    return this.current;
  }

  subscribe(listener: LiveFeedListener): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** (Re)connects now, e.g. once the engine has restarted. */
  connect(): void {
    this.closed = false;
    clearTimeout(this.timer);
    discard(this.socket);
    const url = this.url();
    if (!url) return this.retry();
    this.setState('connecting');
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.on('open', () => {
      this.attempts = 0;
      this.setState('up');
    });
    socket.on('message', (data, isBinary) => {
      const message = isBinary ? undefined : parseLiveMessage(data.toString());
      if (message) for (const l of this.listeners) l.onMessage(message);
    });
    socket.on('error', () => {
      // 'close' follows and schedules the reconnect
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.setState('down');
      this.retry();
    });
  }

  dispose(): void {
    this.closed = true;
    clearTimeout(this.timer);
    discard(this.socket);
    this.socket = undefined;
    this.listeners.clear();
  }

  private retry(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => this.connect(), doublingDelay(this.attempts++, LIVE_RECONNECT));
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    for (const l of this.listeners) l.onState(state);
  }
}
