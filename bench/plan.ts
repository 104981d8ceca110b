// What the bench measures: the workloads (fixed rates and maximum throughput, JSON and SSE, stream first byte)
// and the request every one of them sends.
import { BENCH_MODEL } from './seed-config.js';

export type WorkloadKind = 'load' | 'first-byte';

export interface Workload {
  /** Stable id used in the results, e.g. `json@2000`, `sse@max`, `sse-first-byte@500`. */
  readonly id: string;
  readonly kind: WorkloadKind;
  readonly stream: boolean;
  /** Requests per second; undefined for maximum throughput. */
  readonly rate?: number;
  readonly connections: number;
}

/** Concurrency per offered rate: enough connections to sustain it on loopback, the same for every target. */
function connectionsFor(rate: number | undefined): number {
  if (rate === undefined) return 32;
  if (rate <= 500) return 8;
  if (rate <= 2000) return 16;
  return 32;
}

export function loadWorkload(stream: boolean, rate?: number): Workload {
  return { id: `${stream ? 'sse' : 'json'}@${rate ?? 'max'}`, kind: 'load', stream, rate, connections: connectionsFor(rate) };
}

/**
 * JSON at every rate and at max; SSE at the rates up to 2000 and at max (a 50-event stream is ~10× the bytes);
 * plus time to first byte of SSE at 500 RPS.
 */
export function benchWorkloads(rates: readonly number[]): Workload[] {
  const json = [...rates.map((r) => loadWorkload(false, r)), loadWorkload(false)];
  const sse = [...rates.filter((r) => r <= 2000).map((r) => loadWorkload(true, r)), loadWorkload(true)];
  const firstByte: Workload = { id: 'sse-first-byte@500', kind: 'first-byte', stream: true, rate: 500, connections: 16 };
  return [...json, ...sse, firstByte];
}

/** A small Messages request, the same bytes for every target. */
export function requestBody(stream: boolean): string {
  return JSON.stringify({
    model: BENCH_MODEL,
    max_tokens: 256,
    stream,
    messages: [{ role: 'user', content: 'Say hello to the benchmark in one short sentence.' }],
  });
}
