// GET /ws: pushes live log records and budget snapshots to WebSocket clients, each with its own filter.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { LogFilterError, matches, parseLogFilter, type LogFilter } from '../logs/filters.js';
import type { LiveHub, LogOperation } from '../logs/hub.js';
import type { LogRecord } from '../logs/record.js';
import { logRecordToJson } from './log-json.js';
import type { ConfigStatusJson, LogJson, SubscriptionReply } from './wire/index.js';

export interface LiveSocketOptions {
  /** A client with more than this many bytes queued is too slow and is terminated. Default 4 MiB. */
  readonly maxBufferedBytes?: number;
  /** Ping period; a client that has not answered the previous ping is terminated. Default 30 s. */
  readonly heartbeatMs?: number;
  /** Connections beyond this are closed with 1013 (try again later). Default 64. */
  readonly maxClients?: number;
  /**
   * Subprotocols the server may select when a client offers them; any other offer is never selected,
   * so one that carries a secret (the dashboard's session token) is not echoed back. Default none.
   */
  readonly protocols?: readonly string[];
  /** A client connection failed (protocol error, reset); it is already closed. */
  readonly onClientError?: (err: Error) => void;
}

/**
 * Messages the server sends: the wire's ServerMessage (proxy/api/wire/live.ts), with the budgets payload left to the
 * hub's type (the gateway's is the wire's BudgetsJson).
 */
export type ServerMessage<B> =
  | { readonly type: 'log'; readonly operation: LogOperation; readonly payload: LogJson }
  | { readonly type: 'budgets'; readonly payload: B }
  | { readonly type: 'config'; readonly payload: ConfigStatusJson }
  | SubscriptionReply;

interface Client {
  filter: LogFilter | undefined;
  alive: boolean;
}

const MAX_INBOUND_BYTES = 64 * 1024;

export class LiveSocketServer<B = unknown> {
  /** The underlying server (noServer mode); exposed for inspection, e.g. its `clients`. */
  readonly wss: WebSocketServer;
  private readonly clients = new Map<WebSocket, Client>();
  private readonly maxBuffered: number;
  private readonly maxClients: number;
  private readonly onClientError: (err: Error) => void;
  private readonly unsubscribe: () => void;
  private readonly heartbeat: ReturnType<typeof setInterval>;

  constructor(private readonly hub: LiveHub<B>, options: LiveSocketOptions = {}) {
    this.maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.maxClients = options.maxClients ?? 64;
    this.onClientError = options.onClientError ?? (() => undefined);
    const selectable = new Set(options.protocols ?? []);
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: MAX_INBOUND_BYTES,
      perMessageDeflate: false,
      // ws would otherwise select the first offered protocol, whatever it carries.
      handleProtocols: (offered: Set<string>) => [...offered].find((p) => selectable.has(p)) ?? false,
    });
    this.wss.on('connection', (ws) => this.accept(ws));
    this.unsubscribe = hub.subscribe({
      log: (operation, record) => this.broadcastLog(operation, record),
      budgets: (payload) => this.broadcast(JSON.stringify({ type: 'budgets', payload } satisfies ServerMessage<B>), () => true),
      wantsBudgets: () => this.clients.size > 0,
    });
    this.heartbeat = setInterval(() => this.ping(), options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  /** Completes a WebSocket upgrade the HTTP server has already authorised (admin token, origin). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Tells every client the outcome of a config (re)load (the extension shows problems as diagnostics). */
  broadcastConfig(payload: ConfigStatusJson): void {
    this.broadcast(JSON.stringify({ type: 'config', payload } satisfies ServerMessage<B>), () => true);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Closes every connection (terminating those that do not answer within a second) and stops the heartbeat. */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    this.unsubscribe();
    const sockets = [...this.clients.keys()];
    const closed = sockets.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
    for (const ws of sockets) ws.close(1001, 'server shutting down');
    const cutoff = setTimeout(() => sockets.forEach((ws) => ws.terminate()), 1_000);
    await Promise.all(closed);
    clearTimeout(cutoff);
    await new Promise<void>((resolve, reject) => this.wss.close((err) => (err ? reject(err) : resolve())));
  }

  private accept(ws: WebSocket): void {
    if (this.clients.size >= this.maxClients) {
      ws.close(1013, 'too many live clients');
      return;
    }
    const client: Client = { filter: undefined, alive: true };
    this.clients.set(ws, client);
    ws.on('pong', () => (client.alive = true));
    ws.on('message', (data, isBinary) => this.receive(ws, client, data, isBinary));
    ws.on('error', (err) => this.onClientError(err));
    ws.on('close', () => this.clients.delete(ws));
    const budgets = this.hub.budgets;
    if (budgets !== undefined) this.send(ws, JSON.stringify({ type: 'budgets', payload: budgets } satisfies ServerMessage<B>));
  }

  private receive(ws: WebSocket, client: Client, data: RawData, isBinary: boolean): void {
    const reply = (m: ServerMessage<B>) => this.send(ws, JSON.stringify(m));
    const fail = (message: string, parameter?: string) =>
      reply({ type: 'error', error: { type: 'invalid_request', ...(parameter ? { parameter } : {}), message } });
    if (isBinary) return fail('expected a JSON text message');
    let message: unknown;
    try {
      message = JSON.parse(rawToString(data));
    } catch {
      return fail('message is not valid JSON');
    }
    if (!isObject(message) || message.type !== 'subscribe') return fail('expected {"type":"subscribe","filter":{…}}');
    const filter = message.filter ?? {};
    if (!isObject(filter)) return fail('filter must be an object', 'filter');
    try {
      client.filter = parseLogFilter(filter);
    } catch (err) {
      if (err instanceof LogFilterError) return fail(err.message, err.parameter);
      throw err;
    }
    reply({ type: 'subscribed' });
  }

  private broadcastLog(operation: LogOperation, record: LogRecord): void {
    let text: string | undefined;
    this.broadcast(
      () => (text ??= JSON.stringify({ type: 'log', operation, payload: logRecordToJson(record, { bodies: false }) } satisfies ServerMessage<B>)),
      (c) => c.filter === undefined || matches(c.filter, record),
    );
  }

  private broadcast(message: string | (() => string), wants: (c: Client) => boolean): void {
    for (const [ws, client] of this.clients) {
      if (wants(client)) this.send(ws, typeof message === 'string' ? message : message());
    }
  }

  /** Sends unless the client has fallen too far behind, in which case it is cut off rather than buffered. */
  private send(ws: WebSocket, text: string): void {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > this.maxBuffered) {
      ws.terminate();
      return;
    }
    ws.send(text);
  }

  private ping(): void {
    for (const [ws, client] of this.clients) {
      if (!client.alive) {
        ws.terminate();
        continue;
      }
      client.alive = false;
      ws.ping();
    }
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
