// The engine's long-lived parts — providers, counters, router, alerts — built once, fed each config, closed in order.
import { setMaxListeners } from 'node:events';
import type { Config, ProviderType } from '../config/types.js';
import { unsetApiKeyMessage, unsetApiKeyVariable } from '../config/secrets.js';
import { systemClock, type Clock } from '../core/clock.js';
import { VERSION } from '../core/version.js';
import { KeyRing } from '../governance/keys.js';
import { BudgetLedger } from '../governance/ledger.js';
import { RateLimiter } from '../governance/ratelimits.js';
import { SpendGuard } from '../governance/guards.js';
import { periodStart } from '../governance/periods.js';
import { LiveHub } from '../logs/hub.js';
import { GatewayMetrics } from '../logs/metrics.js';
import { keyLabeller } from '../logs/key-labels.js';
import { buildPriceBook } from '../pricing/catalog.js';
import { AnthropicProvider } from '../providers/anthropic/index.js';
import { OpenAIProvider } from '../providers/openai/index.js';
import { BedrockProvider } from '../providers/bedrock/index.js';
import type { Provider } from '../providers/types.js';
import { CircuitBreakers } from '../routing/breaker.js';
import { Router } from '../routing/router.js';
import { TrafficStats } from '../routing/traffic.js';
import type { Rng } from '../routing/weighted.js';
import type { Store } from '../store/store.js';
import { BurnTracker } from '../insights/burn.js';
import { backfillBurn } from '../insights/burn-backfill.js';
import type { BudgetsPayload, EventLog, Services } from '../api/services.js';
import type { ConfigSnapshot } from '../api/snapshot.js';
import { Alerter } from '../alerts/alerter.js';
import { deliveryOptions } from '../alerts/delivery.js';
import { TelemetryExport } from '../telemetry/export.js';
import type { ServeOptions } from './options.js';

/** How long shutdown waits for the last telemetry export after the drain. */
const TELEMETRY_FLUSH_MS = 5_000;

/** What the caller of `startGateway` provides besides the options: the clock, randomness and where events go. */
export interface GatewayDeps {
  readonly clock?: Clock;
  readonly rng?: Rng;
  readonly env?: NodeJS.ProcessEnv;
  readonly log: EventLog;
  readonly defaultTags?: Readonly<Record<string, string>>;
}

interface ProviderSet extends Record<ProviderType, Provider> {
  readonly bedrock: BedrockProvider;
}

function createProviders(env: NodeJS.ProcessEnv, log: EventLog): ProviderSet {
  const providerLog = (event: Record<string, unknown>) => log({ component: 'provider', ...event });
  return { anthropic: new AnthropicProvider(), openai: new OpenAIProvider(), bedrock: new BedrockProvider({ env, log: providerLog }) };
}

interface Resolved {
  readonly clock: Clock;
  readonly env: NodeJS.ProcessEnv;
  readonly rng: Rng;
  readonly log: EventLog;
  readonly defaultTags: Readonly<Record<string, string>>;
}

/** The services bag for the first config: counters and views that outlive reloads, plus the swappable snapshot. */
async function createServices(config: Config, store: Store, d: Resolved, parts: Pick<Services, 'providers' | 'metrics' | 'telemetry' | 'shutdown'>): Promise<Services> {
  const { clock, env, rng, log } = d;
  const services: Services = {
    clock,
    rng,
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
    ledger: new BudgetLedger(clock, store.quota),
    burn: new BurnTracker(clock.now()),
    limits: new RateLimiter(clock),
    guards: new SpendGuard(clock),
    router: new Router(rng),
    breakers: new CircuitBreakers(clock, config.routing.breaker),
    traffic: new TrafficStats(clock),
    ...parts,
    store,
    hub: new LiveHub<BudgetsPayload>({ onListenerError: (err) => log({ level: 'warn', event: 'live_listener_failed', message: String(err) }) }),
    log,
    unpricedModels: new Set(),
    defaultTags: d.defaultTags,
  };
  return services;
}

export class Engine {
  readonly services: Services;
  readonly alerter: Alerter;
  private readonly providers: ProviderSet;
  /** The same object as `services.telemetry`, with the controls requests do not get. */
  private readonly telemetry: TelemetryExport;
  /** Aborted when the drain deadline passes: in-flight upstream calls give up. */
  private readonly shutdown: AbortController;

  private constructor(services: Services, parts: { providers: ProviderSet; telemetry: TelemetryExport; alerter: Alerter; shutdown: AbortController }) {
    this.services = services;
    this.providers = parts.providers;
    this.telemetry = parts.telemetry;
    this.alerter = parts.alerter;
    this.shutdown = parts.shutdown;
  }

  /** Build every part for the first config; nothing runs until `start`. */
  static async build(
    config: Config,
    store: Store,
    deps: GatewayDeps,
    options: Pick<ServeOptions, 'alertDelivery'>,
    adminToken: string,
    metrics: GatewayMetrics,
  ): Promise<Engine> {
    const d: Resolved = { clock: deps.clock ?? systemClock, env: deps.env ?? process.env, rng: deps.rng ?? Math.random, log: deps.log, defaultTags: deps.defaultTags ?? {} };
    const providers = createProviders(d.env, d.log);
    const shutdown = new AbortController();
    // Every upstream call in flight listens on this signal until it ends, so its listener count is the number of calls
    // in flight: past Node's default of 10 it would log a false "possible memory leak" warning.
    setMaxListeners(0, shutdown.signal);
    // Spans and OTLP metrics label keys exactly as /metrics does (the labeller is set below, before any request).
    const telemetry = new TelemetryExport({ env: d.env, log: d.log, keyLabel: (id) => metrics.keyLabel(id), serviceVersion: VERSION });
    const services = await createServices(config, store, d, { providers, metrics, telemetry, shutdown: shutdown.signal });
    metrics.labelKeysWith(keyLabeller((id) => services.keys.presentsOwnId(id), adminToken));
    const { ledger, burn, guards } = services;
    const delivery = deliveryOptions(options.alertDelivery);
    const alerter = new Alerter({ ledger, burn, guards, outbox: store.alerts, clock: d.clock, rng: d.rng, env: d.env, log: d.log, delivery });
    return new Engine(services, { providers, telemetry, alerter, shutdown });
  }

  /**
   * Bring the parts to the state the first request expects: configured, leases claimed, spend restored from the
   * store, alerts running (after the restore, so thresholds already crossed this period are found fired, not sent
   * again), and the config's warnings and credential problems reported.
   */
  async start(): Promise<void> {
    const s = this.services;
    this.configure(s.config);
    await this.telemetry.configure(s.config.telemetry);
    await this.warmLeases();
    this.reportWarnings();
    s.ledger.restore(await s.store.loadSpend());
    await backfillBurn(s.store, s.burn, s.config, s.clock.now());
    this.alerter.start();
    s.guards.onEvent((e) => s.log({ level: 'warn', event: `guard_${e.type}`, virtual_key: e.keyId, reason: e.reason }));
    const credentialWarnings = await this.providers.bedrock.checkCredentials(s.config.accounts.flatMap((a) => a.providers));
    for (const message of credentialWarnings) s.log({ level: 'warn', event: 'credentials', message });
  }

  /** Swap in a reloaded config: one assignment, so a request that arrived before keeps the whole old snapshot. */
  async adopt(snapshot: ConfigSnapshot): Promise<void> {
    const s = this.services;
    s.snapshot = snapshot;
    this.configure(snapshot.config);
    // Not awaited: a collector that is slow to flush must not hold up the reload; swaps still apply in order.
    void this.telemetry.configure(snapshot.config.telemetry);
    await this.warmLeases();
    this.reportWarnings();
  }

  /** Give up on in-flight upstream calls (the drain deadline passed). */
  abortInFlight(): void {
    this.shutdown.abort();
  }

  /** After the listener drained: flush the last spans (bounded), then close providers, alerts and the store. */
  async close(): Promise<void> {
    this.services.hub.close();
    await this.telemetry.close(TELEMETRY_FLUSH_MS);
    await this.closeProviders();
    await this.alerter.close();
    await this.services.store.close();
  }

  /** Nothing was served (the port could not be bound): release the providers and the store so the caller can exit. */
  async release(): Promise<void> {
    await this.closeProviders();
    await this.services.store.close();
  }

  /** Hand a config to every part that keeps one; their counters are kept. */
  private configure(next: Config): void {
    const s = this.services;
    s.ledger.configure(next);
    s.limits.configure(next);
    s.guards.configure(next);
    s.router.configure(next);
    s.breakers.configure(next.routing.breaker);
    this.alerter.configure(next);
  }

  /**
   * Claim this gateway's first lease on every shared tier (team ledger only), so the first request of each tier
   * is not refused while the claim is in flight. Later claims renew in the background.
   */
  private async warmLeases(): Promise<void> {
    const { store, config, clock } = this.services;
    const quota = store.quota;
    if (!quota) return;
    const now = clock.now();
    const shared = [
      ...config.budgets.customer.map((b) => ({ tier: 'customer' as const, b })),
      ...config.budgets.team.map((b) => ({ tier: 'team' as const, b })),
    ];
    await Promise.all(shared.map(({ tier, b }) => quota.ready({ tier, id: b.id, periodStart: periodStart(b.period, now), limitMicros: b.limitMicros })));
  }

  /** Problems that do not stop a config from loading but that a user must hear about. */
  private reportWarnings(): void {
    const s = this.services;
    for (const problem of s.keys.problems) s.log({ level: 'warn', event: 'virtual_key_problem', message: problem });
    for (const problem of s.prices.problems) s.log({ level: 'warn', event: 'price_file_problem', model: problem.key, message: problem.message });
    for (const p of s.config.accounts.flatMap((a) => a.providers)) {
      const variable = unsetApiKeyVariable(p.apiKey, s.env);
      if (variable !== undefined) s.log({ level: 'warn', event: 'provider_key_missing', provider_config: p.id, variable, message: unsetApiKeyMessage(p.id, variable) });
    }
  }

  private async closeProviders(): Promise<void> {
    await Promise.all(Object.values(this.providers).map((p) => p.close()));
  }
}
