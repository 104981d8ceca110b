// Messages between the VS Code extension host and the dashboard webview: the one typed module both import.
import type { ApiResponses, ApiRoute, LiveMessage } from '../proxy/api/wire/index.js';
import { parseExportQuery, type ExportOutcome, type SpendExportQuery } from './spend-export.js';

export type ConnectionState = 'connecting' | 'up' | 'down';

/** Webview → extension host. */
export type WebviewToHost =
  | { readonly type: 'ready' }
  | { readonly type: 'request'; readonly id: number; readonly route: ApiRoute; readonly query: Readonly<Record<string, string>> }
  /** Download the spend export as CSV: the host fetches it with the admin token and saves it where the user picks. */
  | { readonly type: 'export'; readonly id: number; readonly query: SpendExportQuery };

/** Extension host → webview. */
export type HostToWebview =
  | { readonly type: 'response'; readonly id: number; readonly ok: true; readonly body: ApiResponses[ApiRoute] }
  | { readonly type: 'response'; readonly id: number; readonly ok: false; readonly status: number; readonly message: string }
  | { readonly type: 'exported'; readonly id: number; readonly ok: true; readonly outcome: ExportOutcome }
  | { readonly type: 'exported'; readonly id: number; readonly ok: false; readonly status: number; readonly message: string }
  | { readonly type: 'live'; readonly message: LiveMessage }
  | { readonly type: 'connection'; readonly state: ConnectionState };

function isRecordOfStrings(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string');
}

/** Validates a message from the webview (it is untrusted input to the host). */
export function parseWebviewMessage(value: unknown, isRoute: (r: unknown) => r is ApiRoute): WebviewToHost | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const m = value as { type?: unknown; id?: unknown; route?: unknown; query?: unknown };
  if (m.type === 'ready') return { type: 'ready' };
  if (m.type === 'request' && Number.isSafeInteger(m.id) && isRoute(m.route) && isRecordOfStrings(m.query)) {
    return { type: 'request', id: m.id as number, route: m.route, query: m.query };
  }
  const exportQuery = m.type === 'export' && Number.isSafeInteger(m.id) ? parseExportQuery(m.query) : undefined;
  if (exportQuery) return { type: 'export', id: m.id as number, query: exportQuery };
  return undefined;
}
