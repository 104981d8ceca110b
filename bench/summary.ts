// Turns per-round samples into the report's numbers: medians across rounds, added latency over "direct"
// (same round), the target ratios, and spendgate's in-process overhead estimate.
import { lowestBucketShare, quantile, type HistogramSnapshot } from './overhead-metrics.js';
import type { RunSample } from './rounds.js';
import { median, ratio } from './stats.js';
import type { TargetName } from './targets.js';

export interface SummaryRow {
  readonly workload: string;
  readonly target: TargetName;
  readonly rounds: number;
  readonly p50: number;
  readonly p99: number;
  /** Median over rounds of (this target − direct) in the same round, milliseconds; NaN for direct. */
  readonly addedP50: number;
  readonly addedP99: number;
  readonly throughput: number;
  readonly failed: number;
}

export interface WorkloadRatios {
  readonly workload: string;
  /** spendgate's added p50 ÷ the pass-through's (target ≤ 1.3). */
  readonly spendgateOverPassthroughAdded: number;
  /** Portkey's added p50 ÷ spendgate's (target ≥ 5). */
  readonly portkeyOverSpendgateAdded: number;
  /** spendgate's throughput ÷ the pass-through's (meaningful at max; target ≥ 0.8). */
  readonly spendgateOverPassthroughThroughput: number;
  /** The same two for the `--baseline` build (NaN without one): before and after, same rounds. */
  readonly baselineOverPassthroughAdded: number;
  readonly baselineOverPassthroughThroughput: number;
}

export interface OverheadEstimate {
  readonly workload: string;
  readonly count: number;
  readonly p50Us: number;
  readonly p99Us: number;
  readonly meanUs: number;
  /** Share of requests in the lowest bucket (≤ its bound): near 1 means the p50 is bounded, not resolved. */
  readonly lowestBucketShare: number;
  readonly lowestBoundUs: number;
}

function cell(samples: readonly RunSample[], workload: string, target: TargetName, round: number): RunSample | undefined {
  return samples.find((s) => s.workload === workload && s.target === target && s.round === round);
}

export function summarise(samples: readonly RunSample[]): SummaryRow[] {
  const keys = [...new Set(samples.map((s) => `${s.workload}\u0000${s.target}`))];
  return keys.map((key) => {
    const [workload, target] = key.split('\u0000') as [string, TargetName];
    const mine = samples.filter((s) => s.workload === workload && s.target === target);
    const added = (pick: (s: RunSample) => number): number =>
      target === 'direct'
        ? Number.NaN
        : median(
            mine.map((s) => {
              const direct = cell(samples, workload, 'direct', s.round);
              return direct === undefined ? Number.NaN : pick(s) - pick(direct);
            }),
          );
    return {
      workload,
      target,
      rounds: mine.length,
      p50: median(mine.map((s) => s.p50)),
      p99: median(mine.map((s) => s.p99)),
      addedP50: added((s) => s.p50),
      addedP99: added((s) => s.p99),
      throughput: median(mine.map((s) => s.throughput)),
      failed: mine.reduce((n, s) => n + s.failed, 0),
    };
  });
}

export function ratios(rows: readonly SummaryRow[]): WorkloadRatios[] {
  const workloads = [...new Set(rows.map((r) => r.workload))];
  const get = (w: string, t: TargetName): SummaryRow | undefined => rows.find((r) => r.workload === w && r.target === t);
  return workloads.map((w) => {
    const sg = get(w, 'spendgate');
    const pt = get(w, 'passthrough');
    const pk = get(w, 'portkey');
    const bl = get(w, 'baseline');
    return {
      workload: w,
      spendgateOverPassthroughAdded: ratio(sg?.addedP50 ?? Number.NaN, pt?.addedP50 ?? Number.NaN),
      portkeyOverSpendgateAdded: ratio(pk?.addedP50 ?? Number.NaN, sg?.addedP50 ?? Number.NaN),
      spendgateOverPassthroughThroughput: ratio(sg?.throughput ?? Number.NaN, pt?.throughput ?? Number.NaN),
      baselineOverPassthroughAdded: ratio(bl?.addedP50 ?? Number.NaN, pt?.addedP50 ?? Number.NaN),
      baselineOverPassthroughThroughput: ratio(bl?.throughput ?? Number.NaN, pt?.throughput ?? Number.NaN),
    };
  });
}

export function overheadEstimates(histograms: Readonly<Record<string, HistogramSnapshot>>): OverheadEstimate[] {
  return Object.entries(histograms).map(([workload, h]) => ({
    workload,
    count: h.count,
    p50Us: quantile(h, 0.5) * 1e6,
    p99Us: quantile(h, 0.99) * 1e6,
    meanUs: h.count > 0 ? (h.sum / h.count) * 1e6 : Number.NaN,
    lowestBucketShare: lowestBucketShare(h),
    lowestBoundUs: h.bounds[0] * 1e6,
  }));
}
