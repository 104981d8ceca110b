// GET /api/reconcile: the reconciliation report converted to its wire JSON (wire/reconcile.ts).
import type { ModelPrice } from '../pricing/rates.js';
import { microsToDollars } from '../pricing/money.js';
import { meterTokens, type PricingCheck, type ReconcileRow } from '../reconcile/compare.js';
import type { Meter } from '../reconcile/ledger.js';
import { DAY_MS } from '../reconcile/request.js';
import type { ReconcileReport } from '../reconcile/report.js';
import type { MeterJson, MoneyJson, RatesJson, ReconcileJson, ReconcileRowJson } from './wire/index.js';

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function meterJson(m: Meter): MeterJson {
  return {
    invocations: m.invocations,
    input_tokens: m.inputTokens,
    output_tokens: m.outputTokens,
    cache_read_tokens: m.cacheReadTokens,
    cache_write_tokens: m.cacheWriteTokens,
    total_tokens: meterTokens(m),
  };
}

function money(micros: number | null): MoneyJson {
  return { usd: micros === null ? null : microsToDollars(micros), micros };
}

function rowJson(r: ReconcileRow): ReconcileRowJson {
  return {
    day: day(r.day),
    region: r.region,
    model_id: r.modelId,
    priced_as: r.pricedModel,
    provider_configs: r.providerConfigIds,
    spendgate: { ...meterJson(r.spendgate), cost: money(r.spendgateMicros) },
    cloudwatch: r.cloudwatch === null ? null : { ...meterJson(r.cloudwatch), cost: money(r.cloudwatchMicros) },
    drift: r.drift === null ? null : { ...meterJson(r.drift), cost: money(r.driftMicros) },
    verdict: r.verdict,
    explanation: r.explanation,
  };
}

/** $/million tokens, the unit prices are written in. */
function ratesJson(p: ModelPrice | null): RatesJson | null {
  if (p === null) return null;
  const perMillion = (pico: number) => pico / 1e6;
  return {
    source: p.origin,
    input: perMillion(p.standard.input),
    output: perMillion(p.standard.output),
    cache_read: perMillion(p.standard.cacheRead),
    cache_write_5m: perMillion(p.standard.cacheWrite5m),
    cache_write_1h: perMillion(p.standard.cacheWrite1h),
  };
}

function pricingJson(c: PricingCheck): ReconcileJson['pricing'][number] {
  return { model: c.model, spendgate: ratesJson(c.spendgate), catalog: ratesJson(c.catalog), problem: c.problem };
}

/** Sums over rows CloudWatch answered for; money only over priced rows. */
function totals(rows: readonly ReconcileRow[]): ReconcileJson['totals'] {
  const compared = rows.filter((r) => r.drift !== null);
  const sum = (pick: (r: ReconcileRow) => number | null) => compared.reduce((n, r) => n + (pick(r) ?? 0), 0);
  const drifting = compared.filter((r) => r.verdict !== 'match');
  return {
    rows: rows.length,
    rows_with_drift: drifting.length,
    rows_without_cloudwatch: rows.length - compared.length,
    drift_invocations: sum((r) => r.drift?.invocations ?? 0),
    drift_tokens: sum((r) => (r.drift === null ? 0 : meterTokens(r.drift))),
    spendgate_cost: money(sum((r) => r.spendgateMicros)),
    cloudwatch_cost: money(sum((r) => r.cloudwatchMicros)),
    drift_cost: money(sum((r) => r.driftMicros)),
  };
}

export function reconcileJson(report: ReconcileReport): ReconcileJson {
  const { request } = report;
  return {
    from: day(request.from),
    to: day(request.toExclusive - DAY_MS),
    regions: request.regions,
    rows: report.rows.map(rowJson),
    pricing: report.pricing.map(pricingJson),
    totals: totals(report.rows),
  };
}
