// Management routes under /api (admin token or dashboard session required; checked by the caller).
import type { AlertStatus } from '../alerts/alerter.js';
import type { ConfigStatus } from '../config/types.js';
import { GatewayError } from '../core/errors.js';
import { parseLogFilter, parseLogQuery, LogFilterError } from '../logs/filters.js';
import { cacheReport } from '../insights/cache-report.js';
import { queryLogs } from '../logs/query.js';
import { rowToLogRecord } from '../store/log-columns.js';
import { logStats, parseStatsRequest } from '../logs/stats.js';
import { readBody } from '../server/body.js';
import { sendExport } from './export-response.js';
import { reconcileReport } from '../reconcile/report.js';
import { reconcileJson } from './reconcile-view.js';
import { redactedConfig } from './config-view.js';
import { routingView } from './routing-view.js';
import { sendApiError, sendJson, type AnyRequest, type AnyResponse } from './respond.js';
import type { Services } from './services.js';
import { budgetsJson } from './budgets-view.js';
import { guardsJson } from './guards-view.js';
import { cacheReportJson } from './insights-view.js';
import { logPageJson } from './log-json.js';
import { rateLimitsJson } from './rate-limits-view.js';
import { statsJson } from './stats-view.js';
import { alertStatusJson, configStatusJson } from './status-view.js';
import type { ApiPostResponses, ApiResponses, BudgetsJson } from './wire/index.js';

/** What management routes need beyond the pipeline's services. */
export interface ManagementContext {
  readonly services: Services;
  readonly version: string;
  readonly startedAt: number;
  configStatus(): ConfigStatus;
  reload(): Promise<ConfigStatus>;
  /** Alert outbox counts and dead deliveries, for /api/status. */
  alertStatus(): Promise<AlertStatus>;
}

/** A string field of a small JSON request body. */
async function readJsonField(req: AnyRequest, field: string): Promise<string> {
  const raw = await readBody(req, req.headers['content-length'], 64 * 1024);
  let value: unknown;
  try {
    value = (JSON.parse(raw.toString('utf8')) as Record<string, unknown>)[field];
  } catch {
    value = undefined;
  }
  if (typeof value !== 'string') throw new GatewayError('invalid_request', `body must be JSON {"${field}": "..."}`);
  return value;
}

/** GET /api/budgets and the WebSocket `budgets` message: every tier with its runway. */
export function budgetsPayload(s: Services): BudgetsJson {
  return budgetsJson(s.ledger.snapshot(), s.burn, s.clock.now());
}

type Handler = (m: ManagementContext, url: URL, req: AnyRequest, res: AnyResponse) => Promise<void> | void;

const ROUTES: Record<string, Handler> = {
  'GET /api/status': async (m, _url, _req, res) => {
    const s = m.services;
    const alerts = await m.alertStatus();
    sendJson<ApiResponses['/api/status']>(res, 200, {
      version: m.version,
      uptime_seconds: Math.floor((Date.now() - m.startedAt) / 1000),
      store: s.store.dialect === 'sqlite' ? 'sqlite' : 'postgres',
      config: configStatusJson(m.configStatus()),
      unpriced_models: [...s.unpricedModels].sort(),
      accounts: s.config.accounts.map((a) => ({ id: a.id, providers: a.providers.map((p) => p.id) })),
      virtual_keys: s.config.virtualKeys.map((k) => k.id),
      alerts: alertStatusJson(alerts),
    });
  },
  'GET /api/budgets': (m, _url, _req, res) => sendJson<ApiResponses['/api/budgets']>(res, 200, budgetsPayload(m.services)),
  'GET /api/guards': (m, _url, _req, res) => sendJson<ApiResponses['/api/guards']>(res, 200, guardsJson(m.services.guards.pausedKeys())),
  'POST /api/guards/resume': async (m, _url, req, res) => {
    const keyId = await readJsonField(req, 'virtual_key_id');
    m.services.guards.resume(keyId, 'resumed through the API');
    sendJson<ApiPostResponses['/api/guards/resume']>(res, 200, guardsJson(m.services.guards.pausedKeys()));
  },
  'GET /api/insights/cache': async (m, url, _req, res) => {
    const s = m.services;
    const now = s.clock.now();
    const filter = parseLogFilter(url.searchParams);
    const range = { start: filter.startTime ?? now - 7 * 86_400_000, end: filter.endTime ?? now };
    sendJson<ApiResponses['/api/insights/cache']>(res, 200, cacheReportJson(await cacheReport(s.store, s.prices, range, { now, filter })));
  },
  'GET /api/rate-limits': (m, _url, _req, res) => sendJson<ApiResponses['/api/rate-limits']>(res, 200, rateLimitsJson(m.services.limits.snapshot())),
  'GET /api/routing': (m, _url, _req, res) => sendJson<ApiResponses['/api/routing']>(res, 200, routingView(m.services)),
  'GET /api/logs': async (m, url, _req, res) => sendJson<ApiResponses['/api/logs']>(res, 200, logPageJson(await queryLogs(m.services.store, parseLogQuery(url.searchParams), rowToLogRecord))),
  'GET /api/logs/stats': async (m, url, _req, res) =>
    sendJson<ApiResponses['/api/logs/stats']>(res, 200, statsJson(await logStats(m.services.store, parseStatsRequest(url.searchParams)))),
  'GET /api/export': (m, url, _req, res) => sendExport(m.services.store, url.searchParams, res),
  'GET /api/reconcile': async (m, url, _req, res) => sendJson<ApiResponses['/api/reconcile']>(res, 200, reconcileJson(await reconcileReport(url.searchParams, m.services))),
  'GET /api/config': (m, _url, _req, res) => sendJson<ApiResponses['/api/config']>(res, 200, { path: m.configStatus().path, config: redactedConfig(m.services.config, (id) => m.services.metrics.keyLabel(id)) }),
  'POST /api/config/reload': async (m, _url, _req, res) => {
    const status = await m.reload();
    sendJson<ApiPostResponses['/api/config/reload']>(res, status.ok ? 200 : 422, configStatusJson(status));
  },
  'POST /api/keys/identify': async (m, _url, req, res) => {
    const presented = await readJsonField(req, 'key');
    const key = m.services.keys.authenticate(presented);
    if (!key) return sendApiError(res, 404, 'not_found', 'no virtual key matches');
    sendJson<ApiPostResponses['/api/keys/identify']>(res, 200, { id: key.id, team_id: key.teamId ?? null, customer_id: key.customerId ?? null });
  },
};

export async function handleManagement(m: ManagementContext, url: URL, req: AnyRequest, res: AnyResponse): Promise<void> {
  const handler = ROUTES[`${req.method} ${url.pathname}`];
  if (!handler) {
    const known = Object.keys(ROUTES).some((r) => r.endsWith(` ${url.pathname}`));
    return sendApiError(res, known ? 405 : 404, known ? 'method_not_allowed' : 'not_found', `no route ${req.method} ${url.pathname}`);
  }
  try {
    await handler(m, url, req, res);
  } catch (err) {
    if (err instanceof LogFilterError || (err instanceof GatewayError && err.status < 500)) {
      return sendApiError(res, (err as GatewayError).status, 'invalid_request', (err as Error).message);
    }
    m.services.log({ level: 'error', event: 'management_error', route: url.pathname, message: (err as Error).message });
    sendApiError(res, 500, 'api_error', (err as Error).message);
  }
}
