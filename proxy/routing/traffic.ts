// Recent traffic per provider config, for GET /api/routing: share, error rate, latency percentiles.
// Bounded memory: per-minute buckets for the last hour, a day counter, a ring of recent latencies.
import type { Clock } from '../core/clock.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const LATENCY_RING = 512;

interface ProviderTraffic {
  /** Requests per minute bucket, index = minute % 60, with the minute each slot holds. */
  readonly minuteCounts: number[];
  readonly minuteErrors: number[];
  readonly minuteOf: number[];
  day: number;
  dayCount: number;
  readonly latencies: number[];
  latencyNext: number;
}

export interface TrafficSummary {
  readonly lastHour: number;
  readonly today: number;
  readonly errorRate: number;
  readonly p50: number | null;
  readonly p95: number | null;
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[idx];
}

export class TrafficStats {
  private readonly byProvider = new Map<string, ProviderTraffic>();

  constructor(private readonly clock: Clock) {}

  private get(id: string): ProviderTraffic {
    let t = this.byProvider.get(id);
    if (!t) {
      t = {
        minuteCounts: new Array<number>(60).fill(0),
        minuteErrors: new Array<number>(60).fill(0),
        minuteOf: new Array<number>(60).fill(-1),
        day: -1,
        dayCount: 0,
        latencies: [],
        latencyNext: 0,
      };
      this.byProvider.set(id, t);
    }
    return t;
  }

  record(id: string, ok: boolean, latencyMs: number): void {
    const now = this.clock.now();
    const t = this.get(id);
    const minute = Math.floor(now / MINUTE);
    const slot = minute % 60;
    if (t.minuteOf[slot] !== minute) {
      t.minuteOf[slot] = minute;
      t.minuteCounts[slot] = 0;
      t.minuteErrors[slot] = 0;
    }
    t.minuteCounts[slot] += 1;
    if (!ok) t.minuteErrors[slot] += 1;
    const day = Math.floor(now / DAY);
    if (t.day !== day) {
      t.day = day;
      t.dayCount = 0;
    }
    t.dayCount += 1;
    if (t.latencies.length < LATENCY_RING) t.latencies.push(latencyMs);
    else t.latencies[t.latencyNext] = latencyMs;
    t.latencyNext = (t.latencyNext + 1) % LATENCY_RING;
  }

  summary(id: string): TrafficSummary {
    const t = this.byProvider.get(id);
    if (!t) return { lastHour: 0, today: 0, errorRate: 0, p50: null, p95: null };
    const now = this.clock.now();
    const minute = Math.floor(now / MINUTE);
    let lastHour = 0;
    let errors = 0;
    for (let slot = 0; slot < 60; slot++) {
      if (t.minuteOf[slot] > minute - 60) {
        lastHour += t.minuteCounts[slot];
        errors += t.minuteErrors[slot];
      }
    }
    const sorted = [...t.latencies].sort((a, b) => a - b);
    return {
      lastHour,
      today: t.day === Math.floor(now / DAY) ? t.dayCount : 0,
      errorRate: lastHour === 0 ? 0 : errors / lastHour,
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
    };
  }
}
