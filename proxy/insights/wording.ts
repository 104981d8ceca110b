// Plain-language pieces the insight sentences share: how a tier is named, how money and instants read.
import type { TierKind } from '../config/types.js';
import { formatUsd } from '../pricing/money.js';

const TIER_NOUN: Record<TierKind, string> = {
  customer: 'customer',
  team: 'team',
  virtual_key: 'key',
  provider_config: 'provider',
};

/** "team ml-engineering", "key staging-key", "provider bedrock-claude". */
export function tierLabel(tier: TierKind, id: string): string {
  return `${TIER_NOUN[tier]} ${id}`;
}

/** "$2,000" for whole dollars, otherwise exact with cents: "$1,620.50", "$0.0125". */
export function usd(micros: number): string {
  const text = formatUsd(micros);
  return text.endsWith('.00') ? text.slice(0, -3) : text;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const DAY_MS = 86_400_000;

/** "Dec 1" (UTC). */
export function dayOfMonth(t: number): string {
  const d = new Date(t);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}`;
}

/** "14:05" (UTC). */
export function clockTime(t: number): string {
  return new Date(t).toISOString().slice(11, 16);
}

/** A reset instant: "Dec 1" at midnight UTC, "Dec 1 15:00 UTC" otherwise. */
export function resetMoment(t: number): string {
  return t % DAY_MS === 0 ? dayOfMonth(t) : `${dayOfMonth(t)} ${clockTime(t)} UTC`;
}

/**
 * A future instant relative to `now`, rounded to five minutes: "in ~25 minutes" within the hour,
 * then "today ~14:00 UTC", "tomorrow ~09:30 UTC", a weekday within the week, else "on Dec 12 ~14:00 UTC".
 */
export function relativeMoment(t: number, now: number): string {
  const ahead = t - now;
  if (ahead < 60 * 60_000) return `in ~${Math.max(1, Math.round(ahead / 60_000))} minutes`;
  const rounded = Math.round(t / 300_000) * 300_000;
  const days = Math.floor(rounded / DAY_MS) - Math.floor(now / DAY_MS);
  const time = `~${clockTime(rounded)} UTC`;
  if (days === 0) return `today ${time}`;
  if (days === 1) return `tomorrow ${time}`;
  if (days < 7) return `${WEEKDAYS[new Date(rounded).getUTCDay()]} ${time}`;
  return `on ${dayOfMonth(rounded)} ${time}`;
}

/** A ratio as a whole percentage for sentences: 0.695 → "70%". */
export function percentText(ratio: number): string {
  return `${Math.round(ratio * 100)}%`;
}
