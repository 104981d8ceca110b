// The composition root: opens the store, builds the engine for the config, serves it, reloads, shuts down in order.
import type { ConfigStatus } from '../config/types.js';
import type { ConfigWatcher } from '../config/watch.js';
import { watchConfig } from '../config/watch.js';
import { systemClock } from '../core/clock.js';
import { VERSION } from '../core/version.js';
import { LiveSocketServer } from '../api/live-socket.js';
import { GatewayMetrics } from '../logs/metrics.js';
import { LogRetention } from '../logs/retention.js';
import { openStore } from '../store/open.js';
import type { ManagementContext } from '../api/management.js';
import { configStatusJson } from '../api/status-view.js';
import type { BudgetsPayload, Services } from '../api/services.js';
import { AdminAuth, DASHBOARD_PROTOCOL } from './admin-auth.js';
import { ensureDataDir, loadOrCreateAdminToken } from './admin-token.js';
import { BudgetsPush } from './budgets-push.js';
import { ConfigReloader, loadFirstConfig } from './config-reloader.js';
import { Dispatcher } from './dispatch.js';
import { Engine, type GatewayDeps } from './engine.js';
import { createDualServer, listenOn, type DualServer } from './listen.js';
import type { ServeOptions } from './options.js';
import { OriginPolicy } from './origin.js';
import { DashboardUi } from './ui.js';
import { liveFeedUpgrade } from './ws-upgrade.js';

export type { GatewayDeps } from './engine.js';

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

/** The HTTP side: one port for client and management routes, the live feed, and the reloads they trigger. */
interface FrontDoor {
  readonly server: DualServer;
  readonly sockets: LiveSocketServer<BudgetsPayload>;
  readonly auth: AdminAuth;
  readonly reloader: ConfigReloader;
}

function buildFrontDoor(engine: Engine, budgets: BudgetsPush, options: ServeOptions, adminToken: string, firstStatus: ConfigStatus): FrontDoor {
  const { services, alerter } = engine;
  const log = services.log;
  const sockets = new LiveSocketServer(services.hub, { protocols: [DASHBOARD_PROTOCOL], onClientError: (err) => log({ level: 'warn', event: 'ws_client_error', message: err.message }) });
  const reloader = new ConfigReloader({ path: options.configPath, engine, budgets, broadcast: (status) => sockets.broadcastConfig(configStatusJson(status)) }, firstStatus);
  const management: ManagementContext = {
    services,
    version: VERSION,
    startedAt: Date.now(),
    configStatus: () => reloader.current(),
    reload: () => reloader.reload(),
    alertStatus: () => alerter.status(),
  };
  const auth = new AdminAuth(adminToken, { clock: services.clock, onFailure: () => services.metrics.adminAuthFailed() });
  const origin = new OriginPolicy(options.host);
  const { maxBodyBytes, maxInFlight } = options;
  const dispatcher = new Dispatcher({ management, origin, auth, ui: new DashboardUi(auth), maxBodyBytes, maxInFlight, adminToken });
  return { server: createDualServer(dispatcher.handle, liveFeedUpgrade(origin, auth, sockets)), sockets, auth, reloader };
}

/** What shutdown stops, in the order it stops them. */
interface Stoppable {
  readonly watcher: ConfigWatcher;
  readonly retention: LogRetention;
  readonly front: FrontDoor;
  readonly budgets: BudgetsPush;
  readonly engine: Engine;
}

/** Stop watching and pruning, drain the listener (in-flight calls abort at the deadline), then close the engine. */
async function closeInOrder(p: Stoppable, drainMs: number): Promise<void> {
  p.watcher.close();
  await p.retention.stop();
  const drained = p.front.server.close(drainMs);
  const deadline = setTimeout(() => p.engine.abortInFlight(), drainMs);
  deadline.unref();
  await drained;
  clearTimeout(deadline);
  p.budgets.close();
  await p.front.sockets.close();
  await p.engine.close();
}

/** Bind the port; if it cannot be bound, nothing was served: release the engine so the caller can exit cleanly. */
async function listenOrRelease(front: FrontDoor, engine: Engine, options: ServeOptions): Promise<number> {
  try {
    return await listenOn(front.server, options.port, options.host);
  } catch (err) {
    await engine.release();
    throw err;
  }
}

export async function startGateway(options: ServeOptions, deps: GatewayDeps): Promise<RunningGateway> {
  const first = await loadFirstConfig(options.configPath, deps.log);
  await ensureDataDir(options.dataDir);
  const adminToken = await loadOrCreateAdminToken(options.dataDir);
  // Made before the store, whose journal reports each write(2) to it.
  const metrics = new GatewayMetrics();
  let engine: Engine | undefined;
  const store = await openStore({
    url: options.storeUrl ?? first.config.store.url,
    dataDir: options.dataDir,
    clock: deps.clock ?? systemClock,
    log: deps.log,
    journal: { sync: first.config.store.journalFsync, onWrite: (seconds) => metrics.journalWritten(seconds) },
    // The cap follows reloads: read from the config the engine serves now.
    maxLogRecords: () => (engine?.services.snapshot.config ?? first.config).logging.maxRecords,
  });
  engine = await Engine.build(first.config, store, deps, options, adminToken, metrics);
  await engine.start();
  const budgets = new BudgetsPush(engine.services);
  const front = buildFrontDoor(engine, budgets, options, adminToken, first.status);
  const port = await listenOrRelease(front, engine, options);

  const { services } = engine;
  const watcher = watchConfig(options.configPath, (result) => void front.reloader.apply(result));
  const retention = new LogRetention(store, {
    retentionDays: () => services.config.logging.retentionDays,
    clock: services.clock,
    onError: (err: unknown) => services.log({ level: 'warn', event: 'retention_failed', message: String(err) }),
  });
  let closing: Promise<void> | undefined;
  const hostForUrl = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  const url = `http://${hostForUrl}:${port}`;
  const login = front.auth.pendingLoginToken;
  return {
    url,
    port,
    adminToken,
    loginUrl: login ? `${url}/ui#token=${login}` : undefined,
    services,
    reload: () => front.reloader.reload(),
    close: () => (closing ??= closeInOrder({ watcher, retention, front, budgets, engine }, options.drainMs)),
  };
}
