// Circuit breaker per provider config: closed → open after N consecutive failures → half-open probe.
import type { Clock } from '../core/clock.js';

export type BreakerState =
  | { readonly state: 'closed' }
  | { readonly state: 'open'; readonly until: number }
  | { readonly state: 'half_open' };

interface Entry {
  failures: number;
  openUntil: number;
  probing: boolean;
}

export class CircuitBreakers {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private settings: { failures: number; cooldownMs: number },
  ) {}

  configure(settings: { failures: number; cooldownMs: number }): void {
    this.settings = settings;
  }

  private entry(id: string): Entry {
    let e = this.entries.get(id);
    if (!e) {
      e = { failures: 0, openUntil: 0, probing: false };
      this.entries.set(id, e);
    }
    return e;
  }

  state(id: string): BreakerState {
    const e = this.entries.get(id);
    if (!e || e.openUntil === 0) return { state: 'closed' };
    if (this.clock.now() < e.openUntil) return { state: 'open', until: e.openUntil };
    return { state: 'half_open' };
  }

  /** Why the provider may not take a request now, or null. In half-open state, one probe is let through. */
  excluded(id: string): string | null {
    const s = this.state(id);
    if (s.state === 'open') return `circuit open after repeated failures until ${new Date(s.until).toISOString()}`;
    if (s.state === 'half_open' && this.entry(id).probing) return 'circuit half-open: a probe request is in flight';
    return null;
  }

  /** Mark the start of an attempt; in half-open state it becomes the probe. */
  begin(id: string): void {
    if (this.state(id).state === 'half_open') this.entry(id).probing = true;
  }

  success(id: string): void {
    const e = this.entry(id);
    e.failures = 0;
    e.openUntil = 0;
    e.probing = false;
  }

  /**
   * The attempt ended without telling anything about the provider (the gateway's own code failed): a half-open
   * probe is given back so another request can probe, and the failure count is left as it was.
   */
  release(id: string): void {
    const e = this.entries.get(id);
    if (e) e.probing = false;
  }

  failure(id: string): void {
    const e = this.entry(id);
    const wasProbe = e.probing;
    e.probing = false;
    e.failures += 1;
    if (wasProbe || e.failures >= this.settings.failures) {
      e.openUntil = this.clock.now() + this.settings.cooldownMs;
      e.failures = 0;
    }
  }
}
