// The engine's HTTP/WebSocket contract: every JSON shape the API answers and its route map (the identity proof of
// /health is ./identity.ts, kept out of this index because it needs node:crypto and the dashboard runs in a browser).
// It imports nothing from the engine (the layering lint enforces it): api/ converts domain values to these shapes,
// and the extension, the dashboard and the CLI read them. One convention: snake_case keys, money in decimal US
// dollars exact to the micro-dollar, instants as ISO 8601 UTC.
export type { CacheStatus, ClientOperation, ClientProtocol, Dollars, IsoTime, ProviderType, TierKind } from './common.js';
export type { BudgetsJson, BudgetTierJson, PaceBasis, RunwayJson } from './budgets.js';
export type { ApiErrorJson } from './errors.js';
export type { GuardPauseJson, GuardResumeJson, GuardsJson } from './guards.js';
export type { HealthJson } from './health.js';
export type { CacheReportJson, CacheUsageJson, PolicyChangeJson, PolicyChangeKind, PolicyPreviewJson, PolicySeverity } from './insights.js';
export type { KeyIdentifyJson, KeyIdentityJson } from './keys.js';
export { parseLiveMessage, type LiveMessage, type LogOperation, type ServerMessage, type SubscriptionReply } from './live.js';
export type {
  CostJson,
  LatencyPercentilesJson,
  LogJson,
  LogPageJson,
  LogSummaryJson,
  StatsInterval,
  StatsJson,
  StatsPointJson,
  StatsSeriesJson,
  StatsTotalsJson,
} from './logs.js';
export type { RateLimitJson, RateLimitsJson } from './rate-limits.js';
export type { MeterJson, MoneyJson, RatesJson, ReconcileJson, ReconcileRowJson } from './reconcile.js';
export type { DashboardSessionJson, ServiceIndexJson } from './open.js';
export { API_ROUTES, isApiRoute, type ApiPostResponses, type ApiResponses, type ApiRoute, type WireBody } from './routes.js';
export type { ProviderRoutingJson, RoutingJson } from './routing.js';
export type { AlertStatusJson, ConfigJson, ConfigProblemJson, ConfigStatusJson, DeadLetterJson, StatusJson } from './status.js';
