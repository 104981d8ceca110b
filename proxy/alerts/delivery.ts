// The background deliverer: claims due outbox rows, sends them, retries with backoff, dead-letters after N attempts.
import type { Clock } from '../core/clock.js';
import { backoffDelay } from '../routing/backoff.js';
import type { Rng } from '../routing/weighted.js';
import type { AlertOutbox, DeliveryOutcome, OutboxItem } from '../store/alert-outbox.js';
import { destinationLabel, redact, type ResolvedDestination } from './destinations.js';
import type { AlertEvent } from './rules.js';

export interface DeliveryOptions {
  /** How often the outbox is looked at for due rows (a fired alert is also sent right away). */
  readonly pollMs: number;
  /** Ceiling of the first retry's delay; each further retry doubles it, up to `retryMaxMs`. */
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  /** Attempts before a row is dead. */
  readonly maxAttempts: number;
  /** One attempt's limit, connect to response. */
  readonly timeoutMs: number;
  /** How long a claimed row is withheld from other gateways; well above `timeoutMs`. */
  readonly claimMs: number;
  readonly batch: number;
}

/**
 * 8 attempts: retries after ~30 s, 1, 2, 4, 8, 16 and 30 minutes (each between half and all of that), so a row is
 * dead between ~30 minutes and an hour after it fired when its destination never answers 2xx.
 */
export const DEFAULT_DELIVERY: DeliveryOptions = {
  pollMs: 2_000,
  retryBaseMs: 30_000,
  retryMaxMs: 30 * 60_000,
  maxAttempts: 8,
  timeoutMs: 10_000,
  claimMs: 60_000,
  batch: 20,
};

/** Test-scale delivery: retries `baseMs` apart and growing, the outbox polled at least as often. */
export function deliveryOptions(overrides: { readonly retryBaseMs?: number; readonly maxAttempts?: number } = {}): DeliveryOptions {
  const retryBaseMs = overrides.retryBaseMs ?? DEFAULT_DELIVERY.retryBaseMs;
  return {
    ...DEFAULT_DELIVERY,
    retryBaseMs,
    retryMaxMs: Math.min(DEFAULT_DELIVERY.retryMaxMs, retryBaseMs * 60),
    pollMs: Math.min(DEFAULT_DELIVERY.pollMs, retryBaseMs),
    maxAttempts: overrides.maxAttempts ?? DEFAULT_DELIVERY.maxAttempts,
  };
}

/**
 * "Equal jitter": half the exponential ceiling plus a random share of the other half, built on the router's full-jitter
 * backoff. Gateways retrying one receiver spread out, and no retry comes back almost at once.
 */
export function retryDelay(retry: number, o: DeliveryOptions, rng: Rng): number {
  const ceiling = Math.min(o.retryMaxMs, o.retryBaseMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(ceiling / 2) + backoffDelay(retry, o.retryBaseMs / 2, o.retryMaxMs / 2, rng);
}

export interface DelivererDeps {
  readonly outbox: AlertOutbox;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly log: (event: Record<string, unknown>) => void;
  /** The configured destinations by name, as of now. */
  readonly destinations: () => ReadonlyMap<string, ResolvedDestination>;
}

/** What one HTTP attempt came to: undefined for a 2xx, else why not (never containing a secret). */
async function attempt(dest: ResolvedDestination & { ok: true }, item: OutboxItem, timeoutMs: number): Promise<string | undefined> {
  const { body, headers } = dest.request(item.payload, item.outboxId);
  try {
    // A redirect is not followed: the receiver should be configured with its final URL, and a 3xx is not delivery.
    const res = await fetch(dest.url, { method: 'POST', headers, body, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel().catch(() => undefined);
    return res.status >= 200 && res.status < 300 ? undefined : `HTTP ${res.status}`;
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (err as Error).message;
    return redact(`${(err as Error).name === 'TimeoutError' ? 'timed out' : 'request failed'}: ${detail}`, [...dest.secrets, dest.url]);
  }
}

export class AlertDeliverer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(
    private readonly deps: DelivererDeps,
    private readonly options: DeliveryOptions,
  ) {}

  start(): void {
    if (this.timer !== undefined || this.stopped) return;
    // unref'd: a pending alert never keeps the process alive on its own.
    this.timer = setInterval(() => this.kick(), this.options.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Look at the outbox now (an alert just fired); a round already running goes once more. */
  kick(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.running = this.rounds().finally(() => (this.running = undefined));
  }

  /** Stop polling and wait for the round in flight (its sends are bounded by the attempt timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private async rounds(): Promise<void> {
    do {
      this.again = false;
      try {
        const claimed = await this.deps.outbox.claim(this.deps.clock.now(), this.options.batch, this.options.claimMs);
        await Promise.all(claimed.map((item) => this.deliver(item)));
        if (claimed.length === this.options.batch) this.again = true;
      } catch (err) {
        this.deps.log({ level: 'warn', event: 'alert_outbox_failed', message: (err as Error).message });
        return;
      }
    } while (this.again && !this.stopped);
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const dest = this.deps.destinations().get(item.destination);
    const label = destinationLabel(item.destination);
    const failure =
      dest === undefined ? 'the destination is no longer configured' : !dest.ok ? dest.reason : await attempt(dest, item, this.options.timeoutMs);
    const attempts = item.attempts + 1;
    const now = this.deps.clock.now();
    const about = { delivery: item.outboxId, destination: label, attempts, ...alertFields(item.payload) };
    let outcome: DeliveryOutcome;
    if (failure === undefined) {
      outcome = { state: 'delivered', attempts, nextAttemptAt: now, lastError: null };
      this.deps.log({ level: 'info', event: 'alert_delivered', ...about });
    } else if (attempts >= this.options.maxAttempts || dest === undefined) {
      outcome = { state: 'dead', attempts, nextAttemptAt: now, lastError: failure };
      this.deps.log({ level: 'error', event: 'alert_dead', ...about, last_error: failure });
    } else {
      const delay = retryDelay(attempts, this.options, this.deps.rng);
      outcome = { state: 'pending', attempts, nextAttemptAt: now + delay, lastError: failure };
      this.deps.log({ level: 'warn', event: 'alert_retry', ...about, error: failure, retry_in_ms: delay });
    }
    await this.deps.outbox.settle(item.outboxId, outcome, now);
  }
}

/** Which alert a delivery carries; nothing when its payload cannot be read. */
export type AlertFields = Partial<Pick<AlertEvent, 'type' | 'tier' | 'id' | 'threshold'>>;

/** The alert a payload is about, for log lines and dead letters (the payload is the event JSON this gateway stored). */
export function alertFields(payload: string): AlertFields {
  try {
    const e = JSON.parse(payload) as AlertEvent;
    return { type: e.type, tier: e.tier, id: e.id, threshold: e.threshold };
  } catch {
    return {};
  }
}
