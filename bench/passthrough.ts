// The bare pass-through: node:http in, one undici Pool out (spendgate's pool settings), no logic at all —
// the physical limit for a Node proxy. Run: node --import tsx bench/passthrough.ts --upstream URL [--port N]
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

/** The same settings spendgate's UpstreamPools gives every upstream origin (proxy/providers/http/pools.ts). */
const POOL_OPTIONS = {
  connect: { timeout: 10_000 },
  keepAliveTimeout: 30_000,
  headersTimeout: 300_000,
  bodyTimeout: 300_000,
} as const;

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade', 'proxy-connection', 'te', 'trailer']);

export interface Passthrough {
  readonly url: string;
  close(): Promise<void>;
}

function forwardableHeaders(headers: http.IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

export async function startPassthrough(upstream: string, port = 0): Promise<Passthrough> {
  const pool = new Pool(upstream, POOL_OPTIONS);
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    pool
      .request({
        method: (req.method ?? 'GET') as 'GET',
        path: req.url ?? '/',
        headers: forwardableHeaders(req.headers),
        body: hasBody ? req : undefined,
      })
      .then(({ statusCode, headers, body }) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(headers)) {
          if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
        }
        res.writeHead(statusCode, out);
        body.on('error', (err: Error) => res.destroy(err));
        body.pipe(res);
      })
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        if (res.headersSent) {
          res.destroy();
          return;
        }
        res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message } }));
      });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    async close() {
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      server.closeAllConnections();
      await pool.close();
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { upstream: { type: 'string' }, port: { type: 'string' } } });
  if (values.upstream === undefined) throw new Error('passthrough: --upstream URL is required');
  const passthrough = await startPassthrough(values.upstream, Number(values.port ?? 0));
  process.stdout.write(`passthrough listening on ${passthrough.url}\n`);
  const stop = (): void => {
    passthrough.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`passthrough close failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
