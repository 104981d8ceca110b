// Calendar arithmetic for budget periods and rate-limit windows: UTC-aligned boundaries (docs/configuration.md).
import type { Period } from '../config/types.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** Monday 1970-01-05 00:00 UTC: the first Monday after the epoch, origin of week periods. */
const FIRST_MONDAY = 4 * DAY;

const FIXED_UNIT_MS = { m: MINUTE, h: HOUR, d: DAY, w: WEEK } as const;

function floorTo(value: number, multiple: number): number {
  return Math.floor(value / multiple) * multiple;
}

/** Whole months from January 1970 to the month containing `t`. */
function monthsSinceEpoch(t: number): number {
  const d = new Date(t);
  return (d.getUTCFullYear() - 1970) * 12 + d.getUTCMonth();
}

function monthStart(months: number): number {
  return Date.UTC(1970, months, 1);
}

/**
 * Start of the period containing instant `t` (ms since the epoch). `1d` is 00:00 UTC, `1w` Monday
 * 00:00 UTC, `1M` the 1st, `1Y` January 1st. Longer counts align to the epoch: `2M` starts at
 * months since January 1970 floored to a multiple of 2, `2w` at weeks since Monday 1970-01-05;
 * `m`/`h`/`d` at multiples of the period since the epoch.
 */
export function periodStart(period: Period, t: number): number {
  const { count, unit } = period;
  switch (unit) {
    case 'm':
    case 'h':
    case 'd':
      return floorTo(t, count * FIXED_UNIT_MS[unit]);
    case 'w':
      return FIRST_MONDAY + floorTo(t - FIRST_MONDAY, count * WEEK);
    case 'M':
      return monthStart(floorTo(monthsSinceEpoch(t), count));
    case 'Y':
      return monthStart(12 * floorTo(Math.floor(monthsSinceEpoch(t) / 12), count));
  }
}

/** Start of the next period: the instant the period containing `t` resets. */
export function periodEnd(period: Period, t: number): number {
  const start = periodStart(period, t);
  const { count, unit } = period;
  switch (unit) {
    case 'm':
    case 'h':
    case 'd':
    case 'w':
      return start + count * FIXED_UNIT_MS[unit];
    case 'M':
      return monthStart(monthsSinceEpoch(start) + count);
    case 'Y':
      return monthStart(monthsSinceEpoch(start) + 12 * count);
  }
}

/**
 * Length of a sliding window in milliseconds. Calendar units have no fixed length, so a window of
 * `M` counts 30 days and `Y` 365 days; rate limits are normally written in minutes or hours.
 */
export function windowMs(duration: Period): number {
  const { count, unit } = duration;
  switch (unit) {
    case 'm':
    case 'h':
    case 'd':
    case 'w':
      return count * FIXED_UNIT_MS[unit];
    case 'M':
      return count * 30 * DAY;
    case 'Y':
      return count * 365 * DAY;
  }
}

/** An ISO 8601 UTC instant without milliseconds, e.g. `2026-12-01T00:00:00Z`. */
export function isoSeconds(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
