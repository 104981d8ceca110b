// The state of one client request as it moves through the pipeline.
import type { ProviderConfig } from '../config/types.js';
import type { GatewayError } from '../core/errors.js';
import type { Usage } from '../core/usage.js';
import type { ResolvedKey } from '../governance/keys.js';
import type { Reservation, SettledCharge, TierRef } from '../governance/ledger.js';
import type { CostMicros } from '../logs/record.js';
import type { Exclusion, RoutePlan } from '../routing/router.js';
import type { ClientRequest, UpstreamOutcome } from '../providers/types.js';
import type { PendingBody } from '../server/body.js';
import type { HttpSink } from '../server/sink.js';
import type { ClientRoute } from './client-request.js';

/** One call to one provider config. */
export interface Attempt {
  readonly number: number;
  readonly target: ProviderConfig;
  readonly reservation: Reservation;
  readonly startedAt: number;
  /** Milliseconds from the call to the first upstream byte. */
  ttfbMs?: number;
  /** Milliseconds spent waiting on the upstream. */
  upstreamMs?: number;
  outcome?: UpstreamOutcome;
  error?: GatewayError;
  /** Usage reported so far (streams report it in pieces). */
  usage?: Usage;
  /** Itemised cost of the usage; null when the served model has no price. */
  cost?: CostMicros | null;
  /** What was charged to the budgets: the priced cost, or a conservative estimate for an unpriced model. */
  chargedMicros?: number;
}

export interface RequestContext {
  readonly requestId: string;
  /** Wall-clock arrival, ms since the epoch (from the gateway's clock). */
  readonly receivedAt: number;
  /** performance.now() at arrival, for latency. */
  readonly t0: number;
  readonly route: ClientRoute;
  /**
   * Route, headers and query only (empty body, model from the path or '') until the body stage reads and
   * validates the body; the stages before it must not look at the body.
   */
  request: ClientRequest;
  /** The client's body, read by the body stage once the key is known to be genuine. */
  readonly pendingBody: PendingBody;
  readonly sink: HttpSink;
  readonly presentedKey: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  key?: ResolvedKey;
  keyTiers: TierRef[];
  plan?: RoutePlan;
  readonly excluded: Exclusion[];
  readonly attempts: Attempt[];
  error?: GatewayError;
  /** Settled charges of every attempt, journaled with the log records. */
  charges: SettledCharge[];
}
