// Request and token rate limits per virtual key and per provider config, over sliding windows.
import type { Config, Period, RateLimitDef } from '../config/types.js';
import type { Clock } from '../core/clock.js';
import { GatewayError } from '../core/errors.js';
import { windowMs } from './periods.js';
import { SlidingWindow } from './window.js';

export type RateScope = 'virtual_key' | 'provider_config';
export type RateKind = 'requests' | 'tokens';

/** One limit's use at an instant (what `GET /api/rate-limits` reports, through api/rate-limits-view.ts). */
export interface RateLimitStatus {
  readonly scope: RateScope;
  readonly id: string;
  readonly kind: RateKind;
  readonly limit: number;
  readonly used: number;
  /** The window as configured: `1m`, `1h`, … */
  readonly duration: string;
  /** Milliseconds until the oldest counted use leaves the window (0 when nothing is counted). */
  readonly resetsInMs: number;
}

interface WindowedLimit {
  readonly scope: RateScope;
  readonly id: string;
  readonly kind: RateKind;
  readonly limit: number;
  readonly duration: Period;
  readonly window: SlidingWindow;
}

const SCOPE_LABEL: Record<RateScope, string> = { virtual_key: 'virtual key', provider_config: 'provider config' };

function limitKey(scope: RateScope, id: string, kind: RateKind): string {
  return `${scope}\u0000${id}\u0000${kind}`;
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

export class RateLimiter {
  private limits = new Map<string, WindowedLimit>();

  constructor(private readonly clock: Clock) {}

  /**
   * Apply a config. A surviving limit keeps its window; if its duration changed, what the old window
   * counted is carried into the new one as current use (errs towards limiting, never towards excess).
   */
  configure(config: Config): void {
    const now = this.clock.now();
    const next = new Map<string, WindowedLimit>();
    const define = (scope: RateScope, def: RateLimitDef, kind: RateKind) => {
      const spec = def[kind];
      if (spec === undefined) return;
      const key = limitKey(scope, def.id, kind);
      const existing = this.limits.get(key);
      const durationMs = windowMs(spec.duration);
      let window = existing?.window;
      if (window === undefined || window.durationMs !== durationMs) {
        const carried = window?.total(now) ?? 0;
        window = new SlidingWindow(durationMs, now);
        if (carried > 0) window.add(now, carried);
      }
      next.set(key, { scope, id: def.id, kind, limit: spec.limit, duration: spec.duration, window });
    };
    for (const def of config.rateLimits.virtualKey) {
      define('virtual_key', def, 'requests');
      define('virtual_key', def, 'tokens');
    }
    for (const def of config.rateLimits.providerConfig) {
      define('provider_config', def, 'requests');
      define('provider_config', def, 'tokens');
    }
    this.limits = next;
  }

  /**
   * Admit one request from a virtual key, counting it when admitted. Refused while the key's requests
   * in the window would exceed the limit, or while its tokens in the window have reached theirs.
   */
  admitKey(keyId: string): GatewayError | null {
    const now = this.clock.now();
    const tokens = this.limits.get(limitKey('virtual_key', keyId, 'tokens'));
    const requests = this.limits.get(limitKey('virtual_key', keyId, 'requests'));
    for (const limit of [tokens, requests]) {
      if (limit === undefined) continue;
      const used = limit.window.total(now);
      if (used < limit.limit) continue;
      const retryAfter = seconds(limit.window.msUntilBelow(now, limit.limit));
      return new GatewayError(limit.kind === 'tokens' ? 'token_limit' : 'request_limit', `${describe(limit, used)}; retry in ${retryAfter}s`, {
        retryAfter,
      });
    }
    requests?.window.add(now, 1);
    return null;
  }

  /** Why routing should skip this provider config (at its request or token limit), or null. Counts nothing. */
  providerExcluded(providerId: string): string | null {
    const now = this.clock.now();
    for (const kind of ['requests', 'tokens'] as const) {
      const limit = this.limits.get(limitKey('provider_config', providerId, kind));
      if (limit === undefined) continue;
      const used = limit.window.total(now);
      if (used >= limit.limit) {
        return `${describe(limit, used)}; frees up in ${seconds(limit.window.msUntilBelow(now, limit.limit))}s`;
      }
    }
    return null;
  }

  /** Count a request sent to a provider config (once per upstream attempt the router makes). */
  countProviderRequest(providerId: string): void {
    this.limits.get(limitKey('provider_config', providerId, 'requests'))?.window.add(this.clock.now(), 1);
  }

  /** Count the tokens a finished request used against the key's or provider's token limit. */
  recordTokens(scope: RateScope, id: string, tokens: number): void {
    if (tokens <= 0) return;
    this.limits.get(limitKey(scope, id, 'tokens'))?.window.add(this.clock.now(), tokens);
  }

  snapshot(): RateLimitStatus[] {
    const now = this.clock.now();
    return [...this.limits.values()].map((l) => ({
      scope: l.scope,
      id: l.id,
      kind: l.kind,
      limit: l.limit,
      used: l.window.total(now),
      duration: l.duration.text,
      resetsInMs: l.window.msUntilNextExpiry(now),
    }));
  }
}

function describe(limit: WindowedLimit, used: number): string {
  const what = limit.kind === 'tokens' ? 'token' : 'request';
  return (
    `${what} limit reached: ${SCOPE_LABEL[limit.scope]} "${limit.id}" used ${used.toLocaleString('en-US')} of ` +
    `${limit.limit.toLocaleString('en-US')} ${limit.kind} per ${limit.duration.text}`
  );
}
