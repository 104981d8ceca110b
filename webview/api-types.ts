// The engine's management API as the dashboard and the extension read it (DESIGN §4): JSON wire shapes only.
import type { CacheReportJson } from './cache-types.js';

export type { CacheReportJson, CacheUsageJson } from './cache-types.js';

// The wire types the engine itself declares are imported as types only (erased from the bundle): the
// dashboard still reaches the engine only over HTTP and WebSocket, but cannot drift from its shapes.
import type { TierStatus } from '../proxy/governance/ledger.js';
import type { Runway } from '../proxy/insights/runway.js';
import type { ProviderRoutingView } from '../proxy/api/routing-view.js';
import type { CostJson, LogRecordJson } from '../proxy/logs/json.js';
import type { LogSummary } from '../proxy/logs/query.js';

export type { TierKind } from '../proxy/config/types.js';

/** How fast a tier burns and whether it runs out before its reset (the engine's insights/runway). */
export type RunwayJson = Runway;

/** One budget tier; money in decimal US dollars, times ISO 8601 UTC, percent 0–100 (GET /api/budgets). */
export type BudgetTierJson = TierStatus & { readonly runway: RunwayJson };

export interface BudgetsJson {
  readonly tiers: readonly BudgetTierJson[];
}

export interface ConfigProblemJson {
  readonly severity: 'error' | 'warning';
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  readonly message: string;
}

export interface ConfigStatusJson {
  readonly path: string;
  readonly loaded_at: string;
  readonly ok: boolean;
  readonly problems: readonly ConfigProblemJson[];
}

export interface StatusJson {
  readonly version: string;
  readonly uptime_seconds: number;
  readonly store: 'sqlite' | 'postgres';
  readonly config: ConfigStatusJson;
  readonly unpriced_models: readonly string[];
}

export type ProviderRoutingJson = ProviderRoutingView;

export interface RoutingJson {
  readonly accounts: readonly { readonly id: string; readonly providers: readonly ProviderRoutingJson[] }[];
}

export type { CostJson };

export type LogJson = LogRecordJson;

export type LogSummaryJson = LogSummary;

export interface LogPageJson {
  readonly logs: readonly LogJson[];
  readonly pagination: { readonly total_count: number; readonly limit: number; readonly offset: number };
  readonly stats: LogSummaryJson;
  /** Records the embedded store's logging.max_records dropped: how many, and the time before which none are listed. */
  readonly dropped?: { readonly count: number; readonly before: string };
}

export interface StatsPointJson {
  /** Bucket start, ISO 8601 UTC. */
  readonly time: string;
  readonly requests: number;
  readonly tokens: number;
  /** Decimal US dollars. */
  readonly cost: number;
  readonly latency_p50: number | null;
  readonly latency_p95: number | null;
}

export interface StatsSeriesJson {
  readonly group: string | null;
  readonly points: readonly StatsPointJson[];
}

export interface StatsJson {
  readonly interval: 'minute' | 'hour' | 'day';
  readonly group_by: string | null;
  readonly series: readonly StatsSeriesJson[];
}

/** `GET /api/guards`: virtual keys the runaway-agent guard has paused (`since` in epoch milliseconds). */
export interface GuardsJson {
  readonly paused: readonly { readonly keyId: string; readonly reason: string; readonly since: number }[];
}

/** A message on `GET /ws`. */
export type LiveMessage =
  | { readonly type: 'log'; readonly operation: 'create' | 'update'; readonly payload: LogJson }
  | { readonly type: 'budgets'; readonly payload: BudgetsJson }
  | { readonly type: 'config'; readonly payload: ConfigStatusJson };

/** The GET routes the dashboard reads, and what each answers. */
export interface ApiResponses {
  readonly '/api/status': StatusJson;
  readonly '/api/budgets': BudgetsJson;
  readonly '/api/routing': RoutingJson;
  readonly '/api/logs': LogPageJson;
  readonly '/api/logs/stats': StatsJson;
  readonly '/api/guards': GuardsJson;
  readonly '/api/insights/cache': CacheReportJson;
}

export type ApiRoute = keyof ApiResponses;

export const API_ROUTES: readonly ApiRoute[] = ['/api/status', '/api/budgets', '/api/routing', '/api/logs', '/api/logs/stats', '/api/guards', '/api/insights/cache'];

export function isApiRoute(path: unknown): path is ApiRoute {
  return typeof path === 'string' && (API_ROUTES as readonly string[]).includes(path);
}

/** Recognises the WebSocket messages the dashboard uses; others (subscribed, error) are ignored. */
export function parseLiveMessage(text: string): LiveMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const type = (value as { type?: unknown }).type;
  const payload = (value as { payload?: unknown }).payload;
  if (typeof payload !== 'object' || payload === null) return undefined;
  if (type === 'log' || type === 'budgets' || type === 'config') return value as LiveMessage;
  return undefined;
}
