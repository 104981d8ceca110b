// Everything a pipeline stage may use, built once by the server; the config part is swapped whole on reload.
import type { Config, ProviderType } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { KeyRing } from '../governance/keys.js';
import type { BudgetLedger } from '../governance/ledger.js';
import type { RateLimiter } from '../governance/ratelimits.js';
import type { SpendGuard } from '../governance/guards.js';
import type { PriceBook } from '../pricing/catalog.js';
import type { Provider } from '../providers/types.js';
import type { CircuitBreakers } from '../routing/breaker.js';
import type { Router } from '../routing/router.js';
import type { TrafficStats } from '../routing/traffic.js';
import type { Rng } from '../routing/weighted.js';
import type { Store } from '../store/store.js';
import type { BurnTracker } from '../insights/burn.js';
import type { LiveHub } from '../logs/hub.js';
import type { GatewayMetrics } from '../logs/metrics.js';
import type { RequestTelemetry } from '../telemetry/export.js';
import type { ConfigSnapshot } from './snapshot.js';
import type { BudgetsJson } from './wire/index.js';

/** The WebSocket `budgets` message payload, the same document as GET /api/budgets. */
export type BudgetsPayload = BudgetsJson;

export type EventLog = (event: Record<string, unknown>) => void;

export interface Services {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly env: NodeJS.ProcessEnv;
  /**
   * The current config, keys and prices, replaced whole on reload. A request captures it at arrival and reads
   * only its own copy (`ctx.snapshot`), so a reload mid-request cannot mix old and new.
   */
  snapshot: ConfigSnapshot;
  /** The live values of the current snapshot, for management routes and background work (never a request's stages). */
  readonly config: Config;
  readonly keys: KeyRing;
  readonly prices: PriceBook;
  readonly ledger: BudgetLedger;
  /** Recent spend per tier, for burn rates and runway projections. */
  readonly burn: BurnTracker;
  readonly limits: RateLimiter;
  readonly guards: SpendGuard;
  readonly router: Router;
  readonly breakers: CircuitBreakers;
  readonly traffic: TrafficStats;
  readonly providers: Readonly<Record<ProviderType, Provider>>;
  readonly store: Store;
  readonly hub: LiveHub<BudgetsPayload>;
  readonly metrics: GatewayMetrics;
  /** OpenTelemetry export of each finished request; a no-op while `telemetry:` is absent. */
  readonly telemetry: RequestTelemetry;
  readonly log: EventLog;
  /** Aborted on shutdown: in-flight upstream calls give up. */
  readonly shutdown: AbortSignal;
  /** Models served without a price (listed by /api/status, warned about once each). */
  readonly unpricedModels: Set<string>;
  /** Default tags for every request (e.g. the workspace's git branch, set by the extension). */
  readonly defaultTags: Readonly<Record<string, string>>;
}
