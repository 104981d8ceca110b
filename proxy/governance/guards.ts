// Runaway-agent guard: pause a virtual key that spends or requests faster than its guard allows.
import type { Config, GuardDef } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { GatewayError } from '../core/errors.js';
import { formatUsd } from '../pricing/money.js';
import { windowMs } from './periods.js';
import { SlidingWindow } from './window.js';

export type GuardEvent =
  | { readonly type: 'paused'; readonly keyId: string; readonly reason: string; readonly at: number }
  | { readonly type: 'resumed'; readonly keyId: string; readonly reason: string; readonly at: number };

/** A key the guard paused: why, and since when (epoch ms). */
export interface GuardPause {
  readonly keyId: string;
  readonly reason: string;
  readonly since: number;
}

interface Watch {
  readonly def: GuardDef;
  readonly spend: SlidingWindow;
  readonly requests: SlidingWindow;
}

/**
 * A paused key stays paused until `resume` (an operator decision: an agent stuck in a loop would
 * simply resume its loop if the pause lifted on its own). Pauses survive reloads while the key
 * still has a guard.
 */
export class SpendGuard {
  private watches = new Map<string, Watch>();
  private readonly paused = new Map<string, { reason: string; since: number }>();
  private readonly listeners = new Set<(event: GuardEvent) => void>();

  constructor(private readonly clock: Clock) {}

  configure(config: Config): void {
    const now = this.clock.now();
    const next = new Map<string, Watch>();
    for (const def of config.guards) {
      const existing = this.watches.get(def.virtualKeyId);
      const ms = windowMs(def.window);
      next.set(
        def.virtualKeyId,
        existing !== undefined && existing.spend.durationMs === ms
          ? { ...existing, def }
          : { def, spend: new SlidingWindow(ms, now), requests: new SlidingWindow(ms, now) },
      );
    }
    this.watches = next;
    for (const keyId of [...this.paused.keys()]) {
      if (!next.has(keyId)) this.resume(keyId, 'guard removed from the config');
    }
  }

  /** Account one settled request of the key; pauses the key when it crosses its guard's threshold. */
  observe(keyId: string, micros: number): void {
    const watch = this.watches.get(keyId);
    if (watch === undefined) return;
    const now = this.clock.now();
    watch.spend.add(now, micros);
    watch.requests.add(now, 1);
    if (this.paused.has(keyId)) return;
    const { maxSpendMicros, maxRequests, window } = watch.def;
    const spent = watch.spend.total(now);
    const requests = watch.requests.total(now);
    let reason: string | undefined;
    if (maxSpendMicros !== undefined && spent >= maxSpendMicros) {
      reason = `spent ${formatUsd(spent)} within ${window.text} (guard: ${formatUsd(maxSpendMicros)})`;
    } else if (maxRequests !== undefined && requests >= maxRequests) {
      reason = `made ${requests} requests within ${window.text} (guard: ${maxRequests})`;
    }
    if (reason === undefined) return;
    this.paused.set(keyId, { reason, since: now });
    this.emit({ type: 'paused', keyId, reason, at: now });
  }

  /** Refusal for a paused key, or null. */
  check(keyId: string): GatewayError | null {
    const pause = this.paused.get(keyId);
    if (pause === undefined) return null;
    return new GatewayError('guard_paused', `virtual key "${keyId}" is paused by the runaway-agent guard: ${pause.reason}`);
  }

  /** Lift a pause; the key's windows start empty so it is not re-paused by the spend that tripped it. */
  resume(keyId: string, reason = 'resumed by operator'): boolean {
    if (!this.paused.delete(keyId)) return false;
    const now = this.clock.now();
    const watch = this.watches.get(keyId);
    if (watch !== undefined) {
      const ms = watch.spend.durationMs;
      this.watches.set(keyId, { def: watch.def, spend: new SlidingWindow(ms, now), requests: new SlidingWindow(ms, now) });
    }
    this.emit({ type: 'resumed', keyId, reason, at: now });
    return true;
  }

  pausedKeys(): GuardPause[] {
    return [...this.paused].map(([keyId, p]) => ({ keyId, ...p }));
  }

  /** Subscribe to pause/resume events; returns an unsubscribe. */
  onEvent(listener: (event: GuardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: GuardEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }
}
