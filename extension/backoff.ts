// When to restart the engine and reconnect the WebSocket after failures: a doubling delay, capped.
// Deliberately not the engine's routing/backoff.ts: the extension may import nothing of the engine but its wire
// contract, and it wants no jitter — one window retries one local process and one loopback socket, so there is no
// crowd of clients to spread out, and the crash report (onCrash) can state the exact delay before the restart.

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** Delay before retry number `attempt` (0-based): initial × 2^attempt, capped. */
export function doublingDelay(attempt: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, Math.min(attempt, 30)));
}

export const ENGINE_RESTART: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000 };
export const LIVE_RECONNECT: BackoffPolicy = { initialMs: 500, maxMs: 15_000 };
