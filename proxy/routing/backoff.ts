// Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter").
import type { Rng } from './weighted.js';

/** Delay before retry number `retry` (1-based): uniform in [0, min(max, base · 2^(retry-1))]. */
export function backoffDelay(retry: number, baseMs: number, maxMs: number, rng: Rng): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(rng() * ceiling);
}
