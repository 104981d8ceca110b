// spendgate's own in-process overhead from GET /metrics: the `spendgate_overhead_seconds` histogram, differenced
// between two scrapes so warm-up is excluded, with a Prometheus-style (histogram_quantile) p50 estimate.
import { requestOnce } from './http-once.js';

export interface HistogramSnapshot {
  /** Upper bounds in seconds, ascending, ending with +Infinity. */
  readonly bounds: readonly number[];
  /** Cumulative counts per bound. */
  readonly cumulative: readonly number[];
  readonly sum: number;
  readonly count: number;
}

export const OVERHEAD_METRIC = 'spendgate_overhead_seconds';
/** The overhead's two parts: the wait for the journal write, and everything else (the figure comparable to Bifrost's). */
export const PROCESSING_METRIC = 'spendgate_processing_seconds';
export const JOURNAL_WAIT_METRIC = 'spendgate_journal_wait_seconds';
/** The journal write(2) itself (absent in builds before the per-turn journal: a baseline may not have it). */
export const JOURNAL_WRITE_METRIC = 'spendgate_journal_write_seconds';
export const GATEWAY_HISTOGRAMS = [OVERHEAD_METRIC, PROCESSING_METRIC, JOURNAL_WAIT_METRIC, JOURNAL_WRITE_METRIC] as const;
export type GatewayHistogram = (typeof GATEWAY_HISTOGRAMS)[number];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Reads one unlabelled histogram family out of Prometheus text; throws when it is absent. */
export function parseHistogram(text: string, name: string): HistogramSnapshot {
  const n = escapeRegExp(name);
  const bucket = new RegExp(`^${n}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm');
  const pairs: [number, number][] = [];
  for (const m of text.matchAll(bucket)) pairs.push([m[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(m[1]), Number(m[2])]);
  const sum = new RegExp(`^${n}_sum (\\S+)$`, 'm').exec(text);
  const count = new RegExp(`^${n}_count (\\S+)$`, 'm').exec(text);
  if (pairs.length === 0 || !sum || !count) throw new Error(`metric ${name} not found in /metrics`);
  pairs.sort((a, b) => a[0] - b[0]);
  return { bounds: pairs.map((p) => p[0]), cumulative: pairs.map((p) => p[1]), sum: Number(sum[1]), count: Number(count[1]) };
}

/** after − before, bucket by bucket. */
export function difference(after: HistogramSnapshot, before: HistogramSnapshot): HistogramSnapshot {
  if (after.bounds.join() !== before.bounds.join()) throw new Error('histogram bounds changed between scrapes');
  return {
    bounds: after.bounds,
    cumulative: after.cumulative.map((c, i) => c - before.cumulative[i]),
    sum: after.sum - before.sum,
    count: after.count - before.count,
  };
}

/** Linear interpolation inside the bucket holding rank q·count (the first bucket starts at 0), in seconds. */
export function quantile(h: HistogramSnapshot, q: number): number {
  if (h.count <= 0) return Number.NaN;
  const rank = q * h.count;
  let lower = 0;
  let below = 0;
  for (let i = 0; i < h.bounds.length; i++) {
    if (h.cumulative[i] >= rank) {
      const upper = h.bounds[i];
      if (!Number.isFinite(upper)) return lower;
      const inBucket = h.cumulative[i] - below;
      return inBucket === 0 ? upper : lower + ((upper - lower) * (rank - below)) / inBucket;
    }
    lower = h.bounds[i];
    below = h.cumulative[i];
  }
  return lower;
}

/** Share of observations at or below the lowest bound — when it is ~1 the histogram cannot resolve the median. */
export function lowestBucketShare(h: HistogramSnapshot): number {
  return h.count > 0 ? h.cumulative[0] / h.count : Number.NaN;
}

/** The gateway-time histograms one scrape of /metrics has (a baseline build may lack the newer ones). */
export async function scrapeOverhead(baseUrl: string): Promise<Partial<Record<GatewayHistogram, HistogramSnapshot>>> {
  const res = await requestOnce(`${baseUrl}/metrics`);
  if (res.status !== 200) throw new Error(`GET /metrics: HTTP ${res.status}`);
  const found: Partial<Record<GatewayHistogram, HistogramSnapshot>> = {};
  for (const metric of GATEWAY_HISTOGRAMS) {
    if (res.text.includes(`# TYPE ${metric} histogram`)) found[metric] = parseHistogram(res.text, metric);
  }
  return found;
}
