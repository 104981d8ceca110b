// The extension host's client of the engine's HTTP API (admin token in Authorization; never handed to the webview).
import type { ApiPostResponses, ApiResponses, ApiRoute, GuardResumeJson, KeyIdentifyJson } from '../proxy/api/wire/index.js';
import { EXPORT_ROUTE, exportSearch, type SpendExportQuery } from '../webview/spend-export.js';

export class EngineApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 10_000;
/** An export reads every record of its range (docs/export.md): a long range on a big store takes longer than a status call. */
const EXPORT_TIMEOUT_MS = 120_000;

/** The export's CSV text and the content-disposition naming its file. */
export interface ExportCsv {
  readonly text: string;
  readonly disposition: string | null;
}

export class EngineClient {
  constructor(
    /** `http://127.0.0.1:PORT` */
    readonly baseUrl: string,
    private readonly adminToken: string,
  ) {}

  get wsUrl(): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(this.adminToken)}`;
  }

  /** @throws EngineApiError */
  async get<R extends ApiRoute>(route: R, query: Readonly<Record<string, string>> = {}): Promise<ApiResponses[R]> {
    const search = new URLSearchParams(query).toString();
    return (await this.request('GET', search ? `${route}?${search}` : route)) as ApiResponses[R];
  }

  /** Re-reads bifrost.yaml; the engine answers 200 or 422 with the config status either way. */
  async reloadConfig(): Promise<ApiPostResponses['/api/config/reload']> {
    return (await this.request('POST', '/api/config/reload', undefined, [200, 422])) as ApiPostResponses['/api/config/reload'];
  }

  /** Lifts the runaway-agent guard's pause of a key; answers the keys still paused. */
  async resumeGuard(virtualKeyId: string): Promise<ApiPostResponses['/api/guards/resume']> {
    const body: GuardResumeJson = { virtual_key_id: virtualKeyId };
    return (await this.request('POST', '/api/guards/resume', body)) as ApiPostResponses['/api/guards/resume'];
  }

  /** Which virtual key a secret is, or undefined when no key matches. The secret goes only to the local engine. */
  async identifyKey(secret: string): Promise<ApiPostResponses['/api/keys/identify'] | undefined> {
    const body: KeyIdentifyJson = { key: secret };
    try {
      return (await this.request('POST', '/api/keys/identify', body)) as ApiPostResponses['/api/keys/identify'];
    } catch (err) {
      if (err instanceof EngineApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  /** `GET /api/export` as CSV, the body as the engine wrote it. @throws EngineApiError */
  async exportCsv(query: SpendExportQuery): Promise<ExportCsv> {
    const path = `${EXPORT_ROUTE}?${exportSearch(query)}`;
    const res = await fetch(this.baseUrl + path, {
      headers: { authorization: `Bearer ${this.adminToken}`, accept: 'text/csv' },
      signal: AbortSignal.timeout(EXPORT_TIMEOUT_MS),
    });
    const text = await res.text();
    if (res.status !== 200) throw engineError(res.status, text, 'GET', path);
    return { text, disposition: res.headers.get('content-disposition') };
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown, okStatuses: readonly number[] = [200]): Promise<unknown> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    if (!okStatuses.includes(res.status)) throw engineError(res.status, text, method, path);
    return JSON.parse(text) as unknown;
  }
}

/** The engine's own error message (`{"error":{"message"}}`) when it sent one, else the raw body. */
function engineError(status: number, text: string, method: string, path: string): EngineApiError {
  let message = text || `HTTP ${status}`;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string') message = parsed.error.message;
  } catch {
    // not JSON: keep the raw text
  }
  return new EngineApiError(status, `${method} ${path}: ${message}`);
}
