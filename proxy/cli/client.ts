// How CLI commands reach a running gateway's management API: port, admin token, fetch.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ApiErrorJson, ApiResponses, ApiRoute } from '../api/wire/index.js';

export interface GatewayClient {
  readonly base: string;
  readonly token: string;
  /** GET a management route's JSON (typed by the wire contract); `search` is its query string without `?`. */
  get<R extends ApiRoute>(route: R, search?: string): Promise<ApiResponses[R]>;
  /** GET a route whose body the caller reads as it arrives; rejects on a non-2xx status with the API's message. */
  open(path: string): Promise<Response>;
}

/** An error the API answered, with its status (a 400 is the caller's input, not the gateway's failure). */
export class ApiAnswerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function connect(flags: { port?: string; 'data-dir'?: string; host?: string }): Promise<GatewayClient> {
  const port = flags.port ?? process.env.SPENDGATE_PORT ?? '8080';
  const host = flags.host ?? '127.0.0.1';
  const dataDir = flags['data-dir'] ?? process.env.SPENDGATE_HOME ?? join(homedir(), '.spendgate');
  let token: string;
  try {
    token = (await readFile(join(dataDir, 'admin-token'), 'utf8')).trim();
  } catch {
    throw new Error(`cannot read the admin token in ${dataDir} (is spendgate serve running with this --data-dir?)`);
  }
  const base = `http://${host}:${port}`;
  const request = async (path: string): Promise<Response> => {
    try {
      return await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    } catch (err) {
      throw new Error(`no gateway answers at ${base} (${(err as Error).message})`);
    }
  };
  return {
    base,
    token,
    async get<R extends ApiRoute>(route: R, search = ''): Promise<ApiResponses[R]> {
      const path = search === '' ? route : `${route}?${search}`;
      const res = await request(path);
      const body = (await res.json()) as ApiResponses[R] & Partial<ApiErrorJson>;
      if (!res.ok) throw new ApiAnswerError(res.status, `${path}: HTTP ${res.status}: ${body.error?.message ?? 'error'}`);
      return body;
    },
    async open(path: string): Promise<Response> {
      const res = await request(path);
      if (res.ok) return res;
      const text = await res.text();
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
      } catch {
        // not JSON: the raw text is the message
      }
      throw new ApiAnswerError(res.status, `${path.split('?')[0]}: HTTP ${res.status}: ${message}`);
    },
  };
}
