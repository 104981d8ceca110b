// GET /api/routing: per account, each provider config's weight, share, state and health.
import type { IsoTime } from './common.js';

export interface ProviderRoutingJson {
  readonly id: string;
  readonly type: string;
  readonly model: string;
  readonly region: string | null;
  readonly weight: number;
  /** Shares are fractions 0–1 (four decimals). */
  readonly configured_share: number;
  readonly actual_share_1h: number;
  readonly actual_share_today: number;
  readonly state: 'eligible' | 'excluded' | 'cooldown';
  readonly reason: string | null;
  readonly cooldown_until: IsoTime | null;
  readonly requests_1h: number;
  readonly requests_today: number;
  readonly error_rate: number;
  readonly latency_p50_ms: number | null;
  readonly latency_p95_ms: number | null;
  /** What the gateway learned at run time to make this provider's model accept requests (self-healed refusals). */
  readonly learned: readonly { readonly change: string; readonly reason: string; readonly learned_at: IsoTime }[];
}

export interface RoutingJson {
  readonly accounts: readonly { readonly id: string; readonly providers: readonly ProviderRoutingJson[] }[];
}
