// What `GET /api/reconcile` and `spendgate reconcile` ask for: whole UTC days and the regions to compare, validated once for both.
import { utcDay } from '../export/request.js';
import { LogFilterError } from '../logs/filters.js';

export interface ReconcileRequest {
  /** Midnight UTC of the first day, ms since the epoch. */
  readonly from: number;
  /** Midnight UTC after the last day (exclusive), ms since the epoch. */
  readonly toExclusive: number;
  /** The regions to compare, sorted; every region the config's Bedrock provider configs serve when none is named. */
  readonly regions: readonly string[];
}

export const DAY_MS = 86_400_000;
/** A quarter and a bit: CloudWatch keeps daily sums for 455 days, but one report of a year would be an unreadable table. */
export const MAX_DAYS = 93;

const KNOWN = new Set(['from', 'to', 'region']);

function day(name: 'from' | 'to', text: string | null): number {
  if (text === null || text.trim() === '') throw new LogFilterError(name, 'required: a UTC date YYYY-MM-DD');
  const ms = utcDay(text.trim());
  if (ms === undefined) throw new LogFilterError(name, `"${text}" is not a UTC date YYYY-MM-DD (CloudWatch sums whole UTC days)`);
  return ms;
}

/**
 * Parses the query: `from` and `to` are whole UTC days, `to` included; `region` may repeat or list regions
 * separated by commas. `servedRegions` are the regions of the config's Bedrock provider configs.
 * @throws LogFilterError naming the parameter (the API answers 400 `invalid_request`).
 */
export function parseReconcileRequest(params: URLSearchParams, servedRegions: readonly string[]): ReconcileRequest {
  for (const key of params.keys()) {
    if (!KNOWN.has(key)) throw new LogFilterError(key, `unknown parameter (expected ${[...KNOWN].join(', ')})`);
  }
  const from = day('from', params.get('from'));
  const to = day('to', params.get('to'));
  if (to < from) throw new LogFilterError('to', 'the range ends before it starts');
  const days = (to - from) / DAY_MS + 1;
  if (days > MAX_DAYS) throw new LogFilterError('to', `the range covers ${days} days; at most ${MAX_DAYS} days per report`);
  const named = params.getAll('region').flatMap((r) => r.split(',')).map((r) => r.trim()).filter((r) => r !== '');
  const served = [...new Set(servedRegions)].sort();
  if (served.length === 0) throw new LogFilterError('region', 'the config has no Bedrock provider config with a region to reconcile');
  for (const region of named) {
    if (!served.includes(region)) throw new LogFilterError('region', `no Bedrock provider config serves region "${region}" (the config serves ${served.join(', ')})`);
  }
  return { from, toExclusive: to + DAY_MS, regions: named.length > 0 ? [...new Set(named)].sort() : served };
}
