// Time to first byte of streamed answers: an open-loop client at a fixed request rate (undici Pool) that times
// each request from dispatch to the first body chunk — autocannon only times whole responses.
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { sorted } from './stats.js';

export interface FirstByteSpec {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly rate: number;
  readonly durationS: number;
  readonly connections: number;
}

export interface FirstByteResult {
  /** Dispatch → first body chunk of 2xx answers, milliseconds, ascending. */
  readonly firstByteMs: Float64Array;
  readonly ok: number;
  readonly failed: number;
  /** Requests not sent because too many were already waiting (the target could not keep up). */
  readonly skipped: number;
}

const TICK_MS = 5;

export async function runFirstByte(spec: FirstByteSpec): Promise<FirstByteResult> {
  const target = new URL(spec.url);
  const pool = new Pool(target.origin, { connections: spec.connections, keepAliveTimeout: 30_000 });
  const maxWaiting = spec.connections * 4;
  const times: number[] = [];
  let ok = 0;
  let failed = 0;
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
        headers: { ...spec.headers },
        body: spec.body,
      });
      for await (const chunk of body) {
        if (Number.isNaN(first) && (chunk as Buffer).length > 0) first = performance.now() - t0;
      }
      if (statusCode >= 200 && statusCode < 300 && !Number.isNaN(first)) {
        ok++;
        times.push(first);
      } else failed++;
    } catch {
      failed++;
    }
  };

  const started = performance.now();
  let owed = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (performance.now() - started >= spec.durationS * 1000) {
        clearInterval(timer);
        resolve();
        return;
      }
      owed += (spec.rate * TICK_MS) / 1000;
      for (; owed >= 1; owed--) {
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
    }, TICK_MS);
  });
  await Promise.all([...pending]);
  await pool.close();
  return { firstByteMs: sorted(times), ok, failed, skipped };
}
