// Exponential backoff for restarting the engine and reconnecting the WebSocket.

export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** Delay before retry number `attempt` (0-based): initial × 2^attempt, capped. */
export function backoffDelay(attempt: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, Math.min(attempt, 30)));
}

export const ENGINE_RESTART: BackoffPolicy = { initialMs: 1_000, maxMs: 60_000 };
export const LIVE_RECONNECT: BackoffPolicy = { initialMs: 500, maxMs: 15_000 };
