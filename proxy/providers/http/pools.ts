// Keep-alive undici pools for HTTP upstreams: one pool per origin (and connect timeout), reused for every request.
import { Pool } from 'undici';

const KEEP_ALIVE_MS = 30_000;

export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();
  private closed = false;

  /** The pool for an origin such as `https://api.anthropic.com`; created on first use. */
  get(origin: string, connectMs: number): Pool {
    if (this.closed) throw new Error('upstream pools are closed');
    const key = `${origin}|${connectMs}`;
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connect: { timeout: connectMs },
        keepAliveTimeout: KEEP_ALIVE_MS,
        // Per-request headers/body timeouts are passed with each request; these are only fallbacks.
        headersTimeout: 300_000,
        bodyTimeout: 300_000,
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  /** Close every pool, letting in-flight requests finish. */
  async close(): Promise<void> {
    this.closed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.close()));
  }
}
