// The extension host's client of the engine's HTTP API (admin token in Authorization; never handed to the webview).
import type { ApiResponses, ApiRoute, ConfigStatusJson, GuardsJson } from '../webview/api-types.js';
import type { KeyIdentity } from './status-summary.js';

export class EngineApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 10_000;

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
  async reloadConfig(): Promise<ConfigStatusJson> {
    return (await this.request('POST', '/api/config/reload', undefined, [200, 422])) as ConfigStatusJson;
  }

  /** Lifts the runaway-agent guard's pause of a key; answers the keys still paused. */
  async resumeGuard(virtualKeyId: string): Promise<GuardsJson> {
    return (await this.request('POST', '/api/guards/resume', { virtual_key_id: virtualKeyId })) as GuardsJson;
  }

  /** Which virtual key a secret is, or undefined when no key matches. The secret goes only to the local engine. */
  async identifyKey(secret: string): Promise<KeyIdentity | undefined> {
    try {
      return (await this.request('POST', '/api/keys/identify', { key: secret })) as KeyIdentity;
    } catch (err) {
      if (err instanceof EngineApiError && err.status === 404) return undefined;
      throw err;
    }
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown, okStatuses: readonly number[] = [200]): Promise<unknown> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    const text = await res.text();
    if (!okStatuses.includes(res.status)) {
      let message = text || `HTTP ${res.status}`;
      try {
        const parsed = JSON.parse(text) as { error?: { message?: unknown } };
        if (typeof parsed.error?.message === 'string') message = parsed.error.message;
      } catch {
        // not JSON: keep the raw text
      }
      throw new EngineApiError(res.status, `${method} ${path}: ${message}`);
    }
    return JSON.parse(text) as unknown;
  }
}
