// The state of one client request as it moves through the pipeline.
import type { ProviderConfig } from '../config/types.js';
import type { GatewayError } from '../core/errors.js';
import type { Usage } from '../core/usage.js';
import type { ResolvedKey } from '../governance/keys.js';
import type { Reservation, SettledCharge, TierRef } from '../governance/ledger.js';
import type { CostMicros } from '../logs/record.js';
import type { Exclusion, RoutePlan } from '../routing/router.js';
import type { ClientProtocol, ClientRequest, UpstreamOutcome } from '../providers/types.js';
import type { PendingBody } from '../server/body.js';
import type { HttpSink } from '../server/sink.js';
import type { ClientRoute } from './client-request.js';
import type { ConfigSnapshot } from './snapshot.js';

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

/** What every client lifecycle carries (messages, count_tokens, models): who asked, how to answer, the key. */
export interface LifecycleContext {
  readonly requestId: string;
  readonly protocol: ClientProtocol;
  /** The config, keys and prices at arrival; every stage reads these, never the live ones. */
  readonly snapshot: ConfigSnapshot;
  /** The client's body, read by the body stage once the key is known to be genuine. */
  readonly pendingBody: PendingBody;
  readonly sink: HttpSink;
  readonly presentedKey: string | undefined;
  /** Set by the authenticate stage; the stages after it receive a `Keyed` context. */
  key?: ResolvedKey;
  error?: GatewayError;
}

/** A context past the authenticate stage. */
export type Keyed<C extends LifecycleContext> = C & { key: ResolvedKey };

/** What a request answered without an upstream attempt (count_tokens: forwarded for free, or estimated). */
export interface FreeReply {
  readonly status: number;
  /** The provider config that counted, when one did. */
  readonly target?: ProviderConfig;
}

export interface RequestContext extends LifecycleContext {
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
  readonly tags: Readonly<Record<string, string>>;
  keyTiers: TierRef[];
  /** Set by the route stage; the stages after it receive a `Routed` context. */
  plan?: RoutePlan;
  readonly excluded: Exclusion[];
  readonly attempts: Attempt[];
  reply?: FreeReply;
  /** Settled charges of every attempt, journaled with the log records. */
  charges: SettledCharge[];
}

/** A request past the route stage: key and plan known. */
export type Routed = Keyed<RequestContext> & { plan: RoutePlan };
