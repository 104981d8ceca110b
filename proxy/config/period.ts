// Parsing of durations and budget periods written as `<n><unit>` (docs/configuration.md).
import type { Period, PeriodUnit } from './types.js';

const UNIT_NAMES: Readonly<Record<PeriodUnit, string>> = {
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  M: 'month',
  Y: 'year',
};

const ALLOWED = 'm (minute), h (hour), d (day), w (week), M (month) or Y (year)';

export type PeriodParse = { readonly ok: true; readonly period: Period } | { readonly ok: false; readonly message: string };

function isUnit(text: string): text is PeriodUnit {
  return Object.prototype.hasOwnProperty.call(UNIT_NAMES, text);
}

/** Reads `15m`, `1h`, `1M`, … into a Period; the message of a failure names the allowed units. */
export function parsePeriod(text: string): PeriodParse {
  const match = /^(\d+)([A-Za-z]+)$/.exec(text.trim());
  if (!match) {
    return { ok: false, message: `"${text}" is not a period: write <n><unit> such as 1h or 1M, with unit ${ALLOWED}` };
  }
  const [, digits, unit] = match;
  if (!isUnit(unit)) {
    return { ok: false, message: `"${text}" has unknown unit "${unit}": use ${ALLOWED}` };
  }
  const count = Number(digits);
  if (!Number.isSafeInteger(count) || count <= 0) {
    return { ok: false, message: `"${text}" must count at least one ${UNIT_NAMES[unit]}` };
  }
  return { ok: true, period: { count, unit, text: match[0] } };
}
