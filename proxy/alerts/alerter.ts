// Alerting's owner: watches settled spend and guard pauses, fires each alert once through the store, runs delivery.
import { randomUUID } from 'node:crypto';
import type { AlertSettings, Config, TierKind } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import type { SpendGuard } from '../governance/guards.js';
import type { BudgetLedger, SettledCharge, TierStatus } from '../governance/ledger.js';
import { runway, type BurnTracker } from '../insights/runway.js';
import type { Rng } from '../routing/weighted.js';
import type { AlertOutbox } from '../store/alert-outbox.js';
import { AlertDeliverer, alertFields, type AlertFields, type DeliveryOptions } from './delivery.js';
import { destinationLabel, resolveDestinations, type ResolvedDestination } from './destinations.js';
import { guardFiring, keyText, reachedThresholds, runwayFiring, thresholdFiring, type AlertFiring } from './rules.js';

/**
 * How often every tier is looked at besides the tiers a request just charged: a shared tier's spend also moves when
 * another gateway's usage reaches this one, and a runway projection changes with time alone.
 */
const SWEEP_MS = 30_000;
/** Dead deliveries /api/status lists. */
const DEAD_LISTED = 50;

export interface AlerterDeps {
  readonly ledger: BudgetLedger;
  readonly burn: BurnTracker;
  readonly guards: SpendGuard;
  readonly outbox: AlertOutbox;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly env: NodeJS.ProcessEnv;
  readonly log: (event: Record<string, unknown>) => void;
  readonly delivery: DeliveryOptions;
}

/** A delivery that gave up: which alert, where to, and why. */
export interface DeadLetter {
  readonly deliveryId: string;
  /** The alert's type, tier, id and threshold, read back from its payload. */
  readonly alert: AlertFields;
  readonly destination: string;
  readonly attempts: number;
  readonly lastError: string | null;
  /** When the delivery was queued and when it died, ms since the epoch. */
  readonly createdAt: number;
  readonly deadAt: number;
}

/** The outbox's counts and its dead letters (the `alerts` of GET /api/status; api/status-view.ts converts). */
export interface AlertStatus {
  readonly enabled: boolean;
  readonly pending: number;
  readonly delivered: number;
  readonly dead: number;
  /** The newest dead delivery's error, or null. */
  readonly lastError: string | null;
  /** Newest first. */
  readonly deadLetters: readonly DeadLetter[];
}

export class Alerter {
  private settings: AlertSettings | undefined;
  private destinations = new Map<string, ResolvedDestination>();
  /** Keys fired or being fired by this gateway, per tier, for the current period only (so the set stays small). */
  private readonly seen = new Map<string, { periodStart: number; keys: Set<string> }>();
  private readonly deliverer: AlertDeliverer;
  private readonly unsubscribe: (() => void)[] = [];
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly deps: AlerterDeps) {
    this.deliverer = new AlertDeliverer(
      { outbox: deps.outbox, clock: deps.clock, rng: deps.rng, log: deps.log, destinations: () => this.destinations },
      deps.delivery,
    );
  }

  /** Apply a config (initial or reloaded). Without an `alerts` section nothing fires and nothing is sent. */
  configure(config: Config): void {
    this.settings = config.alerts;
    this.destinations = resolveDestinations(config.alerts?.destinations ?? [], this.deps.env);
    for (const [name, d] of this.destinations) {
      if (!d.ok) this.deps.log({ level: 'warn', event: 'alert_destination_problem', destination: destinationLabel(name), message: d.reason });
    }
    if (this.settings === undefined || this.closed) return;
    this.deliverer.start();
    this.sweep();
  }

  /** Subscribe to settled charges and guard pauses and start the periodic sweep. */
  start(): void {
    this.unsubscribe.push(
      this.deps.ledger.onSettle((charges) => this.onCharges(charges)),
      this.deps.guards.onEvent((e) => {
        if (e.type === 'paused') this.track(this.fire([guardFiring(e.keyId, e.reason, e.at, this.deps.ledger.status('virtual_key', e.keyId))]));
      }),
    );
    this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
    this.sweep();
  }

  async status(): Promise<AlertStatus> {
    const s = await this.deps.outbox.summary(DEAD_LISTED);
    return {
      enabled: this.settings !== undefined,
      pending: s.pending,
      delivered: s.delivered,
      dead: s.dead,
      lastError: s.deadItems[0]?.lastError ?? null,
      deadLetters: s.deadItems.map((d) => ({
        deliveryId: d.outboxId,
        alert: alertFields(d.payload),
        destination: destinationLabel(d.destination),
        attempts: d.attempts,
        lastError: d.lastError,
        createdAt: d.createdAt,
        deadAt: d.updatedAt,
      })),
    };
  }

  /** Stop watching, let fires in flight reach the store, and finish the delivery round in flight. */
  async close(): Promise<void> {
    this.closed = true;
    for (const off of this.unsubscribe) off();
    clearInterval(this.sweepTimer);
    await Promise.all([...this.inFlight]);
    await this.deliverer.stop();
  }

  /** Thresholds of the tiers a request just charged; runway projections wait for the sweep (they move slowly). */
  private onCharges(charges: readonly SettledCharge[]): void {
    // Without `alerts:` there is nothing to evaluate; a tier status (dates, dollars) per charged tier per request
    // cost about 4% of the gateway's CPU at full load for nothing (bench/findings.md, round 3).
    if (this.settings === undefined || this.closed) return;
    const tiers = new Map<string, { tier: TierKind; id: string }>();
    for (const c of charges) tiers.set(`${c.tier}\u0000${c.id}`, c);
    const statuses: TierStatus[] = [];
    for (const { tier, id } of tiers.values()) {
      const status = this.deps.ledger.status(tier, id);
      if (status !== undefined) statuses.push(status);
    }
    this.evaluate(statuses, false);
  }

  private sweep(): void {
    this.evaluate(this.deps.ledger.snapshot(), true);
  }

  private evaluate(statuses: readonly TierStatus[], withRunway: boolean): void {
    const settings = this.settings;
    if (settings === undefined || this.closed) return;
    const now = this.deps.clock.now();
    const firings: AlertFiring[] = [];
    for (const status of statuses) {
      const reached = reachedThresholds(status, settings.thresholds).map((t) => thresholdFiring(status, t, now));
      firings.push(...reached.filter((f) => this.claimLocally(f)));
      if (!withRunway) continue;
      const projection = runway(status, this.deps.burn, now);
      const observed = this.deps.burn.spent(status.tier, status.id, 60, now).observedMs;
      const due = runwayFiring(status, projection, observed, now);
      if (due !== undefined && this.claimLocally(due)) firings.push(due);
    }
    if (firings.length > 0) this.track(this.fire(firings));
  }

  /** True the first time this gateway sees the key in the tier's current period (the store decides across gateways). */
  private claimLocally(f: AlertFiring): boolean {
    const tierKey = `${f.key.tier}\u0000${f.key.id}`;
    let entry = this.seen.get(tierKey);
    const periodStart = f.key.periodStart;
    if (entry === undefined || entry.periodStart !== periodStart) {
      entry = { periodStart, keys: new Set() };
      this.seen.set(tierKey, entry);
    }
    const text = keyText(f.key);
    if (entry.keys.has(text)) return false;
    entry.keys.add(text);
    return true;
  }

  private forget(f: AlertFiring): void {
    this.seen.get(`${f.key.tier}\u0000${f.key.id}`)?.keys.delete(keyText(f.key));
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /**
   * Record each firing in the store; only a firing whose key was new here and on every other gateway queues
   * deliveries. When one request carries a tier past several thresholds at once, only the highest is sent: the
   * lower ones are recorded as fired (so they never arrive late) but would only repeat the news.
   */
  private async fire(firings: readonly AlertFiring[]): Promise<void> {
    const highest = new Map<string, number>();
    for (const f of firings) {
      if (f.key.type !== 'budget_threshold') continue;
      const tierKey = `${f.key.tier}\u0000${f.key.id}`;
      highest.set(tierKey, Math.max(highest.get(tierKey) ?? 0, f.key.threshold));
    }
    const names = [...this.destinations.keys()];
    for (const f of firings) {
      const superseded = f.key.type === 'budget_threshold' && f.key.threshold < (highest.get(`${f.key.tier}\u0000${f.key.id}`) ?? 0);
      const payload = JSON.stringify(f.event);
      const deliveries = superseded ? [] : names.map((destination) => ({ outboxId: randomUUID(), destination, payload }));
      let won: boolean;
      try {
        won = await this.deps.outbox.fire(f.key, deliveries, this.deps.clock.now());
      } catch (err) {
        // Not recorded, so a later evaluation tries again.
        this.forget(f);
        this.deps.log({ level: 'warn', event: 'alert_fire_failed', type: f.event.type, tier: f.event.tier, id: f.event.id, message: (err as Error).message });
        continue;
      }
      if (!won) continue;
      this.deps.log({
        level: 'info',
        event: 'alert_fired',
        type: f.event.type,
        tier: f.event.tier,
        id: f.event.id,
        threshold: f.event.threshold,
        period_start: f.event.period_start,
        ...(superseded ? { sent: false, superseded_by: (highest.get(`${f.key.tier}\u0000${f.key.id}`) ?? 0) / 100 } : { destinations: deliveries.map((d) => destinationLabel(d.destination)) }),
      });
    }
    if (!this.closed) this.deliverer.kick();
  }
}
