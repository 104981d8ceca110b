// The fixed-rate workloads: an open-loop client (undici Pool) that dispatches requests evenly in time and times
// each one from dispatch to its first body chunk and to its last byte. autocannon's `overallRate` is not a rate in
// that sense: each connection sends its share of a second's requests back to back as soon as the second starts,
// then idles, so "500 RPS" through it is a saturating burst of 500 requests followed by silence.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { sorted } from './stats.js';

export interface PacedSpec {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly rate: number;
  readonly durationS: number;
  readonly connections: number;
}

export interface PacedResult {
  /** Dispatch → first body chunk of 2xx answers, milliseconds, ascending. */
  readonly firstByteMs: Float64Array;
  /** Dispatch → last byte of 2xx answers, milliseconds, ascending. */
  readonly lastByteMs: Float64Array;
  readonly ok: number;
  readonly failed: number;
  /** The first non-2xx status seen, to say why a target failed. */
  readonly firstFailure?: number;
  /** Requests not sent because too many were already waiting (the target could not keep up). */
  readonly skipped: number;
}

/**
 * How often the schedule is checked. Node's shortest timer is 1 ms: at 500 RPS a request leaves on every other
 * tick, at 5,000 RPS five leave together, each as soon as its time has come (the count owed follows the clock, not
 * the number of ticks, so a late tick does not lower the rate).
 */
const TICK_MS = 1;

export async function runPaced(spec: PacedSpec): Promise<PacedResult> {
  const target = new URL(spec.url);
  const pool = new Pool(target.origin, { connections: spec.connections, keepAliveTimeout: 30_000 });
  // Encoded once: a 90 KB string body would be encoded again for every request, on the cores the targets share.
  const payload = Buffer.from(spec.body);
  const headers = { ...spec.headers };
  const maxWaiting = spec.connections * 4;
  const firstTimes: number[] = [];
  const lastTimes: number[] = [];
  let ok = 0;
  let failed = 0;
  let firstFailure: number | undefined;
  let skipped = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();

  const one = async (): Promise<void> => {
    const t0 = performance.now();
    let first = Number.NaN;
    try {
      const { statusCode, body } = await pool.request({
        method: 'POST',
        path: target.pathname + target.search,
        headers,
        body: payload,
      });
      for await (const chunk of body) {
        if (Number.isNaN(first) && (chunk as Buffer).length > 0) first = performance.now() - t0;
      }
      const last = performance.now() - t0;
      if (statusCode >= 200 && statusCode < 300 && !Number.isNaN(first)) {
        ok++;
        firstTimes.push(first);
        lastTimes.push(last);
      } else {
        failed++;
        firstFailure ??= statusCode;
      }
    } catch {
      failed++;
    }
  };

  const started = performance.now();
  const durationMs = spec.durationS * 1000;
  let dispatched = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - started;
      const due = Math.floor((Math.min(elapsed, durationMs) * spec.rate) / 1000);
      for (; dispatched < due; dispatched++) {
        if (inFlight >= maxWaiting) {
          skipped++;
          continue;
        }
        inFlight++;
        const p: Promise<void> = one().finally(() => {
          inFlight--;
          pending.delete(p);
        });
        pending.add(p);
      }
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, TICK_MS);
  });
  await Promise.all([...pending]);
  await pool.close();
  return { firstByteMs: sorted(firstTimes), lastByteMs: sorted(lastTimes), ok, failed, firstFailure, skipped };
}
