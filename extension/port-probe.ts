// Who holds a loopback port: nobody, a spendgate engine that proved it holds one of our admin tokens (reuse it), or
// another program (offer the next free port). No secret leaves this module before the proof checks out.
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { proofMatches } from '../proxy/api/wire/identity.js';

export type PortOwner =
  | { readonly kind: 'free' }
  /** A spendgate that answered the challenge with `adminToken`'s proof: the only token this window may send it. */
  | { readonly kind: 'spendgate'; readonly version: string; readonly adminToken: string }
  | { readonly kind: 'other' };

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** The admin tokens this user can read from `files` (missing or unreadable files are skipped). */
async function readTokens(files: readonly string[]): Promise<string[]> {
  const tokens: string[] = [];
  for (const file of files) {
    try {
      const token = (await readFile(file, 'utf8')).trim();
      if (token) tokens.push(token);
    } catch {
      // not there, or not ours to read: that engine cannot be proven
    }
  }
  return tokens;
}

/**
 * Probe `port`. Anything answering there gets only a fresh random nonce; it counts as spendgate only when its proof is
 * HMAC-SHA256 of one of the tokens in `tokenFiles` (files in this user's data dirs, mode 0600) over this port and
 * nonce. Any process can imitate /health, so a plain `"service":"spendgate"` is worth nothing.
 */
export async function probePort(port: number, host: string, tokenFiles: readonly string[]): Promise<PortOwner> {
  if (await canListen(port, host)) return { kind: 'free' };
  try {
    const nonce = randomBytes(32).toString('base64url');
    const res = await fetch(`http://${host}:${port}/health?challenge=${nonce}`, { signal: AbortSignal.timeout(2_000), redirect: 'error' });
    const body = (await res.json()) as { status?: unknown; version?: unknown; service?: unknown; proof?: unknown };
    if (res.ok && body.status === 'ok' && body.service === 'spendgate' && typeof body.version === 'string') {
      const adminToken = (await readTokens(tokenFiles)).find((token) => proofMatches(body.proof, token, port, nonce));
      if (adminToken !== undefined) return { kind: 'spendgate', version: body.version, adminToken };
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
