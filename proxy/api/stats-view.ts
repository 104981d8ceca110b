// GET /api/logs/stats: the log statistics (sums in micro-dollars and milliseconds, epoch ms) on the wire.
import type { LatencyPercentiles, StatsGroupBy, StatsPoint, StatsReport, StatsTotals } from '../logs/stats.js';
import type { LogSums } from '../logs/summary.js';
import { microsToDollars } from '../pricing/money.js';
import type { LatencyPercentilesJson, LogSummaryJson, StatsJson, StatsPointJson, StatsTotalsJson } from './wire/index.js';

/** Totals over a set of records: the success rate as a percentage and the mean latency, both 0 for an empty set. */
export function logSummaryJson(s: LogSums): LogSummaryJson {
  const n = s.requests;
  return {
    total_requests: n,
    success_rate: n === 0 ? 0 : (s.successes / n) * 100,
    average_latency: n === 0 ? 0 : s.latencySumMs / n,
    total_tokens: s.tokens,
    total_cost: microsToDollars(s.costMicros),
  };
}

function percentilesJson(p: LatencyPercentiles): LatencyPercentilesJson {
  return { latency_p50: p.p50Ms, latency_p95: p.p95Ms, latency_p99: p.p99Ms };
}

function totalsJson(t: StatsTotals): StatsTotalsJson {
  return { ...logSummaryJson(t), ...percentilesJson(t) };
}

function pointJson(p: StatsPoint): StatsPointJson {
  return {
    time: new Date(p.start).toISOString(),
    requests: p.requests,
    errors: p.requests - p.successes,
    tokens: p.tokens,
    cost: microsToDollars(p.costMicros),
    ...percentilesJson(p),
  };
}

/** The `group_by` parameter as the request spelled it (`model`, `tag:branch`, …), null when ungrouped. */
function groupByText(g: StatsGroupBy | undefined): string | null {
  return g === undefined ? null : g.kind === 'tag' ? `tag:${g.tag}` : g.kind;
}

export function statsJson(r: StatsReport): StatsJson {
  return {
    interval: r.interval,
    group_by: groupByText(r.groupBy),
    totals: totalsJson(r.totals),
    series: r.series.map((s) => ({ group: s.group, totals: totalsJson(s.totals), points: s.points.map(pointJson) })),
  };
}
