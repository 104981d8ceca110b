// GET /api/rate-limits: every windowed limit and how much of it is used.

export interface RateLimitJson {
  readonly scope: 'virtual_key' | 'provider_config';
  readonly id: string;
  readonly kind: 'requests' | 'tokens';
  readonly limit: number;
  readonly used: number;
  /** The window as configured: `1m`, `1h`, … */
  readonly duration: string;
  /** Seconds until the oldest counted use leaves the window (0 when nothing is counted). */
  readonly resets_in_seconds: number;
}

export interface RateLimitsJson {
  readonly limits: readonly RateLimitJson[];
}
