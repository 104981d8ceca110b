// The reconciliation itself, pure: spendgate's logged counts beside CloudWatch's per (UTC day, region, ModelId),
// the drift in tokens and in dollars at spendgate's own prices, and what the drift means (docs/reconcile.md).
import { isApplicationProfileArn } from '../core/model-id.js';
import type { PriceBook } from '../pricing/catalog.js';
import { costAtRates } from '../pricing/cost.js';
import { formatUsd } from '../pricing/money.js';
import type { ModelPrice } from '../pricing/rates.js';
import { modelKey, type BedrockMeters } from './cloudwatch.js';
import { ZERO_METER, type LoggedDay, type Meter } from './ledger.js';

/** What a row's drift means; see docs/reconcile.md. */
export type Verdict = 'match' | 'calls_only' | 'outside_traffic' | 'not_billed' | 'mixed' | 'cloudwatch_unavailable';

export interface ReconcileRow {
  /** Midnight UTC, ms since the epoch. */
  readonly day: number;
  readonly region: string;
  /** CloudWatch's ModelId: the id Bedrock was called with. */
  readonly modelId: string;
  /** The model the row is priced as (an application inference profile is priced as its provider config's model). */
  readonly pricedModel: string;
  readonly providerConfigIds: readonly string[];
  readonly spendgate: Meter;
  /** Null when CloudWatch could not be read for this model. */
  readonly cloudwatch: Meter | null;
  /** CloudWatch minus spendgate; null with `cloudwatch`. */
  readonly drift: Meter | null;
  /** Micro-dollars at spendgate's prices; null when the model has no price (or CloudWatch is unavailable). */
  readonly spendgateMicros: number | null;
  readonly cloudwatchMicros: number | null;
  readonly driftMicros: number | null;
  readonly verdict: Verdict;
  readonly explanation: string;
}

/** How spendgate's price of a model compares with the built-in AWS catalog's. */
export interface PricingCheck {
  readonly model: string;
  readonly spendgate: ModelPrice | null;
  readonly catalog: ModelPrice | null;
  /** Null when spendgate prices the model as the catalog does. */
  readonly problem: string | null;
}

/** What the report needs of the config: where each provider config's calls go. */
export interface ServedModel {
  readonly providerConfigId: string;
  readonly region: string;
  /** The provider config's model: what its application inference profiles are priced as. */
  readonly model: string;
  /** Every id this provider config calls Bedrock with: its model and its application inference profile ARNs. */
  readonly modelIds: readonly string[];
}

const COUNTS: readonly (keyof Meter)[] = ['invocations', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens'];

/** `a + sign × b`, count by count. */
function combine(a: Meter, b: Meter, sign: 1 | -1): Meter {
  return {
    invocations: a.invocations + sign * b.invocations,
    inputTokens: a.inputTokens + sign * b.inputTokens,
    outputTokens: a.outputTokens + sign * b.outputTokens,
    cacheReadTokens: a.cacheReadTokens + sign * b.cacheReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + sign * b.cacheWriteTokens,
  };
}

export function meterTokens(m: Meter): number {
  return m.inputTokens + m.outputTokens + m.cacheReadTokens + m.cacheWriteTokens;
}

/** A day's tokens at the model's standard rates; `write1h` of the cache writes at the 1-hour rate. */
function micros(price: ModelPrice, m: Meter, write1h: number): number {
  const oneHour = Math.min(write1h, m.cacheWriteTokens);
  return costAtRates(price.standard, {
    inputTokens: m.inputTokens,
    outputTokens: m.outputTokens,
    cacheReadTokens: m.cacheReadTokens,
    cacheWrite5mTokens: m.cacheWriteTokens - oneHour,
    cacheWrite1hTokens: oneHour,
  }).total;
}

function explain(drift: Meter, driftMicros: number | null): { verdict: Verdict; explanation: string } {
  const tokens = meterTokens(drift);
  const money = driftMicros === null ? ' (unpriced model: no dollar figure)' : ` (${formatUsd(Math.abs(driftMicros))} at spendgate's prices)`;
  if (COUNTS.every((c) => drift[c] === 0)) return { verdict: 'match', explanation: "spendgate's log and Bedrock's CloudWatch meters agree" };
  if (drift.inputTokens === 0 && drift.outputTokens === 0 && drift.cacheReadTokens === 0 && drift.cacheWriteTokens === 0) {
    return {
      verdict: 'calls_only',
      explanation:
        `the tokens and dollars agree; only the number of calls differs by ${drift.invocations}: ` +
        'CloudWatch may count a call Bedrock accepted and then failed, which spendgate logs as a failed attempt; neither side bills it',
    };
  }
  if (COUNTS.every((c) => drift[c] >= 0)) {
    return {
      verdict: 'outside_traffic',
      explanation:
        `Bedrock metered ${drift.invocations} more invocations and ${tokens} more tokens${money} than went through spendgate: ` +
        'another client (a script, a teammate, another gateway) calls this model with the same AWS account and region',
    };
  }
  if (COUNTS.every((c) => drift[c] <= 0)) {
    return {
      verdict: 'not_billed',
      explanation:
        `spendgate counted ${-drift.invocations} invocations and ${-tokens} tokens${money} that Bedrock did not meter: ` +
        'requests spendgate charged but Bedrock did not bill (an upstream failure counted as served), or CloudWatch has not yet published the last minutes of the day',
    };
  }
  return {
    verdict: 'mixed',
    explanation:
      'the counts differ in both directions: the same requests are counted differently (for example cache reads counted as input, or cache writes counted twice); ' +
      "compare the usage in this model's responses with spendgate's log records",
  };
}

interface Collected {
  region: string;
  modelId: string;
  day: number;
  spendgate: Meter;
  write1h: number;
  providerConfigIds: Set<string>;
}

/**
 * One row per (day, region, ModelId) that either side saw. Logged days of provider configs the config no longer has,
 * or of regions not asked for, are left out; `served` names what the config calls.
 */
export function compare(logged: readonly LoggedDay[], meters: BedrockMeters, served: readonly ServedModel[], regions: readonly string[], prices: PriceBook): ReconcileRow[] {
  const byConfig = new Map(served.map((s) => [s.providerConfigId, s]));
  const pricedAs = new Map<string, string>();
  for (const s of served) for (const id of s.modelIds) if (id !== s.model) pricedAs.set(modelKey(s.region, id), s.model);
  const rows = new Map<string, Collected>();
  const collected = (region: string, modelId: string, day: number): Collected => {
    const key = `${day}|${region}|${modelId}`;
    let row = rows.get(key);
    if (row === undefined) rows.set(key, (row = { region, modelId, day, spendgate: ZERO_METER, write1h: 0, providerConfigIds: new Set() }));
    return row;
  };
  for (const l of logged) {
    const config = byConfig.get(l.providerConfigId);
    if (config === undefined || !regions.includes(config.region)) continue;
    const row = collected(config.region, l.modelId, l.day);
    row.spendgate = combine(row.spendgate, l.meter, 1);
    row.write1h += l.cacheWrite1hTokens;
    row.providerConfigIds.add(l.providerConfigId);
    if (l.modelId !== config.model && !pricedAs.has(modelKey(config.region, l.modelId)) && isApplicationProfileArn(l.modelId)) {
      pricedAs.set(modelKey(config.region, l.modelId), config.model);
    }
  }
  for (const [key, days] of meters.days) {
    const [region, modelId] = [key.slice(0, key.indexOf('|')), key.slice(key.indexOf('|') + 1)];
    for (const day of days.keys()) collected(region, modelId, day);
  }
  const out: ReconcileRow[] = [];
  for (const row of rows.values()) {
    const key = modelKey(row.region, row.modelId);
    const pricedModel = pricedAs.get(key) ?? row.modelId;
    const price = prices.lookup(pricedModel) ?? null;
    const reason = meters.unavailable.get(key);
    const cloudwatch = reason === undefined ? (meters.days.get(key)?.get(row.day) ?? ZERO_METER) : null;
    const spendgateMicros = price === null ? null : micros(price, row.spendgate, row.write1h);
    const cloudwatchMicros = price === null || cloudwatch === null ? null : micros(price, cloudwatch, row.write1h);
    const driftMicros = spendgateMicros === null || cloudwatchMicros === null ? null : cloudwatchMicros - spendgateMicros;
    const drift = cloudwatch === null ? null : combine(cloudwatch, row.spendgate, -1);
    const verdict =
      drift === null
        ? { verdict: 'cloudwatch_unavailable' as const, explanation: `no CloudWatch figures: ${reason ?? 'unknown reason'}` }
        : explain(drift, driftMicros);
    out.push({
      day: row.day,
      region: row.region,
      modelId: row.modelId,
      pricedModel,
      providerConfigIds: [...row.providerConfigIds].sort(),
      spendgate: row.spendgate,
      cloudwatch,
      drift,
      spendgateMicros,
      cloudwatchMicros,
      driftMicros,
      ...verdict,
    });
  }
  return out.sort((a, b) => a.day - b.day || a.region.localeCompare(b.region) || a.modelId.localeCompare(b.modelId));
}

function sameRates(a: ModelPrice, b: ModelPrice): boolean {
  const x = a.standard;
  const y = b.standard;
  return x.input === y.input && x.output === y.output && x.cacheRead === y.cacheRead && x.cacheWrite5m === y.cacheWrite5m && x.cacheWrite1h === y.cacheWrite1h;
}

function perMillion(pico: number): string {
  return `$${pico / 1e6}`;
}

/**
 * For each model the rows are priced as: spendgate's price beside the built-in AWS catalog's. Tokens that match
 * still make dollars that do not when spendgate's price (a `pricing:` entry or a price file) differs from AWS's,
 * or when the model has no price at all.
 */
export function pricingChecks(models: readonly string[], prices: PriceBook, catalog: PriceBook): PricingCheck[] {
  return [...new Set(models)].sort().map((model) => {
    const spendgate = prices.lookup(model) ?? null;
    const aws = catalog.lookup(model) ?? null;
    let problem: string | null = null;
    if (spendgate === null) {
      problem = `spendgate has no price for ${model}: its requests are logged with cost null, so no dollar drift can be stated; add it under pricing:`;
    } else if (aws === null) {
      problem = `the built-in catalog has no AWS price for ${model} to compare spendgate's (${spendgate.origin}) price with`;
    } else if (!sameRates(spendgate, aws)) {
      const s = spendgate.standard;
      const c = aws.standard;
      problem =
        `pricing mismatch: spendgate prices ${model} from its ${spendgate.origin} at ${perMillion(s.input)}/${perMillion(s.output)} per million input/output tokens ` +
        `(cache read ${perMillion(s.cacheRead)}, write ${perMillion(s.cacheWrite5m)}), AWS's catalog at ${perMillion(c.input)}/${perMillion(c.output)} ` +
        `(cache read ${perMillion(c.cacheRead)}, write ${perMillion(c.cacheWrite5m)}): spendgate's dollars will not match the bill even where tokens do`;
    }
    return { model, spendgate, catalog: aws, problem };
  });
}
