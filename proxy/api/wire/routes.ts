// Which JSON every management route answers: the map a client types its reads with.
import type { BudgetsJson } from './budgets.js';
import type { ApiErrorJson } from './errors.js';
import type { HealthJson } from './health.js';
import type { DashboardSessionJson, ServiceIndexJson } from './open.js';
import type { GuardsJson } from './guards.js';
import type { CacheReportJson } from './insights.js';
import type { KeyIdentityJson } from './keys.js';
import type { LogPageJson, StatsJson } from './logs.js';
import type { RateLimitsJson } from './rate-limits.js';
import type { ReconcileJson } from './reconcile.js';
import type { RoutingJson } from './routing.js';
import type { ConfigJson, ConfigStatusJson, StatusJson } from './status.js';

/** The GET routes whose answer is one JSON document, and what each answers. */
export interface ApiResponses {
  readonly '/api/status': StatusJson;
  readonly '/api/budgets': BudgetsJson;
  readonly '/api/rate-limits': RateLimitsJson;
  readonly '/api/routing': RoutingJson;
  readonly '/api/logs': LogPageJson;
  readonly '/api/logs/stats': StatsJson;
  readonly '/api/guards': GuardsJson;
  readonly '/api/insights/cache': CacheReportJson;
  readonly '/api/reconcile': ReconcileJson;
  readonly '/api/config': ConfigJson;
}

/** The POST routes, and what each answers. */
export interface ApiPostResponses {
  readonly '/api/config/reload': ConfigStatusJson;
  readonly '/api/guards/resume': GuardsJson;
  readonly '/api/keys/identify': KeyIdentityJson;
}

export type ApiRoute = keyof ApiResponses;

/** The routes the dashboard reads: the only ones the extension relays for its webview. */
export const API_ROUTES: readonly ApiRoute[] = ['/api/status', '/api/budgets', '/api/routing', '/api/logs', '/api/logs/stats', '/api/guards', '/api/insights/cache', '/api/reconcile'];

/** One of the dashboard's routes (API_ROUTES). */
export function isApiRoute(path: unknown): path is ApiRoute {
  return typeof path === 'string' && (API_ROUTES as readonly string[]).includes(path);
}

/** Every JSON document the engine answers an HTTP request with (client routes answer in their own protocol). */
export type WireBody =
  | ApiResponses[ApiRoute]
  | ApiPostResponses[keyof ApiPostResponses]
  | HealthJson
  | ServiceIndexJson
  | DashboardSessionJson
  | ApiErrorJson;
