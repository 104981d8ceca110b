// Who holds a loopback port: nobody, a spendgate engine (reuse it), or another program (offer the next free port).
import { createServer } from 'node:net';

export type PortOwner = { readonly kind: 'free' } | { readonly kind: 'spendgate'; readonly version: string } | { readonly kind: 'other' };

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export async function probePort(port: number, host = '127.0.0.1'): Promise<PortOwner> {
  if (await canListen(port, host)) return { kind: 'free' };
  try {
    const res = await fetch(`http://${host}:${port}/health`, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json()) as { status?: unknown; version?: unknown; service?: unknown };
    // spendgate's /health answers {"status":"ok","service":"spendgate","version":"x"}.
    if (res.ok && body.status === 'ok' && body.service === 'spendgate' && typeof body.version === 'string') {
      return { kind: 'spendgate', version: body.version };
    }
  } catch {
    // not HTTP, or not JSON: someone else's program
  }
  return { kind: 'other' };
}

/** The first port after `from` that nothing listens on. */
export async function nextFreePort(from: number, host = '127.0.0.1', tries = 50): Promise<number | undefined> {
  for (let port = from + 1; port < from + 1 + tries && port < 65536; port++) {
    if (await canListen(port, host)) return port;
  }
  return undefined;
}
