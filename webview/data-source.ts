// Where the dashboard's data comes from: the VS Code host (postMessage) or the engine itself (fetch + WebSocket).
import type { ApiResponses, ApiRoute, LiveMessage } from '../proxy/api/wire/index.js';
import type { ConnectionState } from './protocol.js';
import type { ExportOutcome, SpendExportQuery } from './spend-export.js';

export type Query = Readonly<Record<string, string>>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** `reason` is the engine's own words when a login was refused (an expired or used login URL). */
export type StartResult = { readonly state: 'ready' } | { readonly state: 'signed-out'; readonly reason?: string };

export interface DataSource {
  /** Connects; resolves `signed-out` when the browser has no session (then nothing else is called). */
  start(): Promise<StartResult>;
  /** @throws ApiError */
  get<R extends ApiRoute>(route: R, query?: Query): Promise<ApiResponses[R]>;
  /** Fetches `/api/export` as CSV and hands the file to the user (a browser download, or VS Code's save dialog). @throws ApiError */
  exportCsv(query: SpendExportQuery): Promise<ExportOutcome>;
  onLive(listener: (message: LiveMessage) => void): void;
  onConnection(listener: (state: ConnectionState) => void): void;
}

/** Fan-out of live messages and connection states to the dashboard's listeners. */
export class Listeners {
  private readonly live: ((message: LiveMessage) => void)[] = [];
  private readonly connection: ((state: ConnectionState) => void)[] = [];

  onLive(listener: (message: LiveMessage) => void): void {
    this.live.push(listener);
  }

  onConnection(listener: (state: ConnectionState) => void): void {
    this.connection.push(listener);
  }

  emitLive(message: LiveMessage): void {
    for (const l of this.live) l(message);
  }

  emitConnection(state: ConnectionState): void {
    for (const l of this.connection) l(state);
  }
}
