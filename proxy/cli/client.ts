// How CLI commands reach a running gateway's management API: port, admin token, fetch.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface GatewayClient {
  readonly base: string;
  readonly token: string;
  get<T>(path: string): Promise<T>;
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
  return {
    base,
    token,
    async get<T>(path: string): Promise<T> {
      let res: Response;
      try {
        res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      } catch (err) {
        throw new Error(`no gateway answers at ${base} (${(err as Error).message})`);
      }
      const body = (await res.json()) as T & { error?: { message?: string } };
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}: ${body.error?.message ?? 'error'}`);
      return body;
    },
  };
}
