// The composition root: builds the engine's services from a config, serves them, reloads, shuts down.
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { Config, ConfigProblem, LoadResult, ProviderType } from '../config/types.js';
import { loadConfigFile } from '../config/load.js';
import { unsetApiKeyMessage, unsetApiKeyVariable } from '../config/secrets.js';
import { watchConfig } from '../config/watch.js';
import { systemClock, type Clock } from '../core/clock.js';
import { VERSION } from '../core/version.js';
import { KeyRing } from '../governance/keys.js';
import { BudgetLedger } from '../governance/ledger.js';
import { RateLimiter } from '../governance/ratelimits.js';
import { SpendGuard } from '../governance/guards.js';
import { LiveHub } from '../logs/hub.js';
import { LiveSocketServer } from '../logs/ws.js';
import { GatewayMetrics } from '../logs/metrics.js';
import { keyLabeller } from '../logs/key-labels.js';
import { LogRetention } from '../logs/retention.js';
import { buildPriceBook, type PriceBook } from '../pricing/catalog.js';
import { AnthropicProvider } from '../providers/anthropic/index.js';
import { OpenAIProvider } from '../providers/openai/index.js';
import { BedrockProvider } from '../providers/bedrock/index.js';
import type { Provider } from '../providers/types.js';
import { CircuitBreakers } from '../routing/breaker.js';
import { Router } from '../routing/router.js';
import { TrafficStats } from '../routing/traffic.js';
import type { Rng } from '../routing/weighted.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { periodStart } from '../governance/periods.js';
import { budgetsPayload, type ConfigStatus, type ManagementContext } from '../api/management.js';
import { BurnTracker } from '../insights/burn.js';
import { backfillBurn } from '../insights/burn-backfill.js';
import type { BudgetsPayload, EventLog, Services } from '../api/services.js';
import { Alerter } from '../alerts/alerter.js';
import { deliveryOptions } from '../alerts/delivery.js';
import { AdminAuth, DASHBOARD_PROTOCOL } from './admin-auth.js';
import { ensureDataDir, loadOrCreateAdminToken } from './admin-token.js';
import { Dispatcher } from './dispatch.js';
import { createDualServer, type DualServer } from './listen.js';
import type { ServeOptions } from './options.js';
import { OriginPolicy } from './origin.js';
import { DashboardUi } from './ui.js';
import { TelemetryExport } from '../telemetry/export.js';

const BUDGETS_PUSH_MS = 250;
/** How long shutdown waits for the last telemetry export after the drain. */
const TELEMETRY_FLUSH_MS = 5_000;

export interface GatewayDeps {
  readonly clock?: Clock;
  readonly rng?: Rng;
  readonly env?: NodeJS.ProcessEnv;
  readonly log: EventLog;
  readonly defaultTags?: Readonly<Record<string, string>>;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  readonly adminToken: string;
  readonly loginUrl: string | undefined;
  readonly services: Services;
  reload(): Promise<ConfigStatus>;
  /** Stop accepting, drain in-flight requests (up to the drain timeout), flush the store. */
  close(): Promise<void>;
}

/**
 * Claim this gateway's first lease on every shared tier (team ledger only), so the first request of
 * each tier is not refused while the claim is in flight. Later claims renew in the background.
 */
async function warmLeases(store: Store, config: Config, now: number): Promise<void> {
  if (!store.quota) return;
  const quota = store.quota;
  const shared = [
    ...config.budgets.customer.map((b) => ({ tier: 'customer' as const, b })),
    ...config.budgets.team.map((b) => ({ tier: 'team' as const, b })),
  ];
  await Promise.all(shared.map(({ tier, b }) => quota.ready({ tier, id: b.id, periodStart: periodStart(b.period, now), limitMicros: b.limitMicros })));
}

/** Problems that do not stop a config from loading but that a user must hear about. */
function reportConfigWarnings(s: Services, prices: PriceBook): void {
  for (const problem of s.keys.problems) s.log({ level: 'warn', event: 'virtual_key_problem', message: problem });
  for (const problem of prices.problems) s.log({ level: 'warn', event: 'price_file_problem', model: problem.key, message: problem.message });
  for (const p of s.config.accounts.flatMap((a) => a.providers)) {
    const variable = unsetApiKeyVariable(p.apiKey, s.env);
    if (variable !== undefined) s.log({ level: 'warn', event: 'provider_key_missing', provider_config: p.id, variable, message: unsetApiKeyMessage(p.id, variable) });
  }
}

export async function startGateway(options: ServeOptions, deps: GatewayDeps): Promise<RunningGateway> {
  const clock = deps.clock ?? systemClock;
  const env = deps.env ?? process.env;
  const log = deps.log;
  const startedAt = Date.now();

  const first = await loadConfigFile(options.configPath);
  if (!first.ok) {
    const detail = first.problems.map((p) => `${options.configPath}:${p.line}:${p.col}: ${p.message}`).join('\n');
    throw new Error(`config is invalid:\n${detail}`);
  }
  let config: Config = first.config;
  for (const w of first.warnings) log({ level: 'warn', event: 'config_warning', line: w.line, col: w.col, message: w.message });
  let status: ConfigStatus = { path: options.configPath, loaded_at: new Date().toISOString(), ok: true, problems: first.warnings };

  await ensureDataDir(options.dataDir);
  const adminToken = await loadOrCreateAdminToken(options.dataDir);
  const metrics = new GatewayMetrics();
  const store = await openStore({
    url: options.storeUrl ?? config.store.url,
    dataDir: options.dataDir,
    clock,
    log,
    journal: { sync: config.store.journalFsync, onWrite: (seconds) => metrics.journalWritten(seconds) },
    maxLogRecords: () => config.logging.maxRecords,
  });

  const shutdown = new AbortController();
  const hub = new LiveHub<BudgetsPayload>({ onListenerError: (err) => log({ level: 'warn', event: 'live_listener_failed', message: String(err) }) });
  const providerLog = (event: Record<string, unknown>) => log({ component: 'provider', ...event });
  const providers: Record<ProviderType, Provider> = {
    anthropic: new AnthropicProvider(),
    openai: new OpenAIProvider(),
    bedrock: new BedrockProvider({ env, log: providerLog }),
  };
  const ledger = new BudgetLedger(clock, store.quota);
  const limits = new RateLimiter(clock);
  const guards = new SpendGuard(clock);
  const router = new Router(deps.rng ?? Math.random);
  // Spans and OTLP metrics label keys exactly as /metrics does (the labeller is set below, before any request).
  const telemetry = new TelemetryExport({ env, log, keyLabel: (id) => metrics.keyLabel(id), serviceVersion: VERSION });
  const breakers = new CircuitBreakers(clock, config.routing.breaker);
  const services: Services = {
    clock,
    rng: deps.rng ?? Math.random,
    env,
    snapshot: { config, keys: new KeyRing(config, env), prices: await buildPriceBook(config.pricing) },
    get config() {
      return services.snapshot.config;
    },
    get keys() {
      return services.snapshot.keys;
    },
    get prices() {
      return services.snapshot.prices;
    },
    ledger,
    burn: new BurnTracker(clock.now()),
    limits,
    guards,
    router,
    breakers,
    traffic: new TrafficStats(clock),
    providers,
    store,
    hub,
    metrics,
    telemetry,
    log,
    shutdown: shutdown.signal,
    unpricedModels: new Set(),
    defaultTags: deps.defaultTags ?? {},
  };

  services.metrics.labelKeysWith(keyLabeller((id) => services.keys.presentsOwnId(id), adminToken));

  const alerter = new Alerter({
    ledger,
    burn: services.burn,
    guards,
    outbox: store.alerts,
    clock,
    rng: services.rng,
    env,
    log,
    delivery: deliveryOptions(options.alertDelivery),
  });
  const apply = (next: Config) => {
    ledger.configure(next);
    limits.configure(next);
    guards.configure(next);
    router.configure(next);
    breakers.configure(next.routing.breaker);
    alerter.configure(next);
  };
  apply(config);
  await telemetry.configure(config.telemetry);
  await warmLeases(store, config, clock.now());
  reportConfigWarnings(services, services.prices);
  ledger.restore(await store.loadSpend());
  await backfillBurn(store, services.burn, config, clock.now());
  // After the restore: thresholds already crossed this period are found fired in the store, not sent again.
  alerter.start();
  // The snapshot is O(tiers): never built per request, only when a live client listens, at most every 250 ms,
  // and less often when building it takes long (10,000 keys), so it never takes more than ~5% of the event loop.
  let budgetsPush: NodeJS.Timeout | undefined;
  let budgetsBuildMs = 0;
  const budgetsSnapshot = (): BudgetsPayload => {
    const started = performance.now();
    const payload = budgetsPayload(services);
    budgetsBuildMs = performance.now() - started;
    return payload;
  };
  ledger.onChange(() => {
    budgetsPush ??= setTimeout(() => {
      budgetsPush = undefined;
      hub.publishBudgets(budgetsSnapshot);
    }, Math.max(BUDGETS_PUSH_MS, budgetsBuildMs * 20));
    budgetsPush.unref();
  });
  guards.onEvent((e) => log({ level: 'warn', event: `guard_${e.type}`, virtual_key: e.keyId, reason: e.reason }));
  const credentialWarnings = await (providers.bedrock as BedrockProvider).checkCredentials(config.accounts.flatMap((a) => a.providers));
  for (const message of credentialWarnings) log({ level: 'warn', event: 'credentials', message });

  /** Apply a load result: a valid config swaps in atomically (counters kept); an invalid one is reported and ignored. */
  const applyResult = async (result: LoadResult): Promise<ConfigStatus> => {
    let prices: PriceBook | undefined;
    let problems: readonly ConfigProblem[] = result.ok ? result.warnings : result.problems;
    if (result.ok) {
      try {
        prices = await buildPriceBook(result.config.pricing);
      } catch (err) {
        problems = [{ severity: 'error', line: 1, col: 1, message: (err as Error).message }];
      }
    }
    if (!result.ok || !prices) {
      status = { path: options.configPath, loaded_at: status.loaded_at, ok: false, problems };
      log({ level: 'error', event: 'config_rejected', path: options.configPath, problems });
    } else {
      config = result.config;
      // One assignment: a request that arrived before keeps the whole old snapshot, one after gets the whole new one.
      services.snapshot = { config, keys: new KeyRing(config, env), prices };
      apply(config);
      // Not awaited: a collector that is slow to flush must not hold up the reload; swaps still apply in order.
      void telemetry.configure(config.telemetry);
      await warmLeases(store, config, clock.now());
      reportConfigWarnings(services, prices);
      status = { path: options.configPath, loaded_at: new Date().toISOString(), ok: true, problems };
      log({ level: 'info', event: 'config_reloaded', path: options.configPath });
      hub.publishBudgets(budgetsSnapshot);
    }
    sockets.broadcastConfig(status);
    return status;
  };
  const reload = async (): Promise<ConfigStatus> => applyResult(await loadConfigFile(options.configPath));

  const management: ManagementContext = { services, version: VERSION, startedAt, configStatus: () => status, reload, alertStatus: () => alerter.status() };
  const auth = new AdminAuth(adminToken, { clock, onFailure: () => services.metrics.adminAuthFailed() });
  const origin = new OriginPolicy(options.host);
  const dispatcher = new Dispatcher({
    management,
    origin,
    auth,
    ui: new DashboardUi(auth),
    maxBodyBytes: options.maxBodyBytes,
    maxInFlight: options.maxInFlight,
    adminToken,
  });
  const sockets = new LiveSocketServer(hub, { protocols: [DASHBOARD_PROTOCOL], onClientError: (err) => log({ level: 'warn', event: 'ws_client_error', message: err.message }) });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const refuse = (status: number, retryAfterSeconds?: number): void => {
      const retry = retryAfterSeconds === undefined ? '' : `retry-after: ${retryAfterSeconds}\r\n`;
      socket.end(`HTTP/1.1 ${status} Refused\r\nconnection: close\r\nx-content-type-options: nosniff\r\n${retry}content-length: 0\r\n\r\n`);
    };
    if (origin.refusal(req.headers)) return refuse(403);
    if (url.pathname !== '/ws') return refuse(404);
    const verdict = auth.authorize({ headers: req.headers, queryToken: url.searchParams.get('token'), sameOrigin: origin.provesSameOrigin(req.headers) });
    if (!verdict.ok) return refuse(verdict.status, verdict.retryAfterSeconds);
    sockets.handleUpgrade(req, socket, head);
  };
  const server: DualServer = createDualServer(dispatcher.handle, onUpgrade);
  try {
    await new Promise<void>((resolve, reject) => {
      server.tcp.once('error', reject);
      server.tcp.listen(options.port, options.host, () => {
        server.tcp.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // Nothing was served: release the store (its journal and snapshot timer) so the caller can exit cleanly.
    await Promise.all(Object.values(providers).map((p) => p.close()));
    await store.close();
    throw err;
  }
  const port = (server.tcp.address() as AddressInfo).port;
  const hostForUrl = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  const url = `http://${hostForUrl}:${port}`;

  const watcher = watchConfig(options.configPath, (result) => void applyResult(result));
  const retention = new LogRetention(store, {
    retentionDays: () => services.config.logging.retentionDays,
    clock,
    onError: (err: unknown) => log({ level: 'warn', event: 'retention_failed', message: String(err) }),
  });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      watcher.close();
      await retention.stop();
      const drained = server.close(options.drainMs);
      const deadline = setTimeout(() => shutdown.abort(), options.drainMs);
      deadline.unref();
      await drained;
      clearTimeout(deadline);
      clearTimeout(budgetsPush);
      await sockets.close();
      hub.close();
      // Every drained request has recorded its span: flush them (bounded) before the process exits.
      await telemetry.close(TELEMETRY_FLUSH_MS);
      await Promise.all(Object.values(providers).map((p) => p.close()));
      await alerter.close();
      await store.close();
    })());

  return {
    url,
    port,
    adminToken,
    loginUrl: auth.pendingLoginToken ? `${url}/ui#token=${auth.pendingLoginToken}` : undefined,
    services,
    reload,
    close,
  };
}
