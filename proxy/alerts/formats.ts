// What a destination receives: the signed webhook request and the Slack incoming-webhook message.
import { createHmac } from 'node:crypto';
import { tierLabel } from '../insights/wording.js';
import { dollarsToMicros, formatUsd } from '../pricing/money.js';
import type { AlertEvent } from './rules.js';

export const SIGNATURE_HEADER = 'x-spendgate-signature';
/** Names the outbox row, so a receiver can drop the duplicate of a retried delivery it already handled. */
export const DELIVERY_HEADER = 'x-spendgate-delivery';

/** `sha256=HEX`: HMAC-SHA256 of the exact body bytes with the destination's secret. */
export function signature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export interface OutgoingRequest {
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
}

/** The webhook request for a stored event: the stored JSON is the body as is, so the signature covers those bytes. */
export function webhookRequest(payload: string, deliveryId: string, secret: string | undefined): OutgoingRequest {
  return {
    body: payload,
    headers: {
      'content-type': 'application/json',
      [DELIVERY_HEADER]: deliveryId,
      ...(secret !== undefined && { [SIGNATURE_HEADER]: signature(payload, secret) }),
    },
  };
}

export function slackRequest(payload: string): OutgoingRequest {
  return { body: JSON.stringify({ text: slackText(JSON.parse(payload) as AlertEvent) }), headers: { 'content-type': 'application/json' } };
}

const UNIT_ADJECTIVE: Record<string, string> = { m: 'per-minute', h: 'hourly', d: 'daily', w: 'weekly', M: 'monthly', Y: 'yearly' };
const UNIT_NOUN: Record<string, string> = { m: 'minute', h: 'hour', d: 'day', w: 'week', M: 'month', Y: 'year' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `1M` → "monthly", `2w` → "2-week". */
export function periodAdjective(period: string): string {
  const m = /^(\d+)([mhdwMY])$/.exec(period);
  if (m === null) return period;
  return m[1] === '1' ? UNIT_ADJECTIVE[m[2]] : `${m[1]}-${UNIT_NOUN[m[2]]}`;
}

/** `2026-01-01T00:00:00Z` → "Jan 1 00:00 UTC". */
export function utcMoment(iso: string): string {
  const d = new Date(iso);
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${d.toISOString().slice(11, 16)} UTC`;
}

function money(dollars: number): string {
  return formatUsd(dollarsToMicros(dollars));
}

/** The budget a sentence is about: "its $2,000.00 monthly budget". */
function budgetPhrase(e: AlertEvent): string {
  return e.limit === null || e.period === null ? 'its budget' : `its ${money(e.limit)} ${periodAdjective(e.period)} budget`;
}

function spentPhrase(e: AlertEvent): string {
  const parts = [e.spent !== null ? `${money(e.spent)} spent` : undefined, e.resets_at !== null ? `resets ${utcMoment(e.resets_at)}` : undefined];
  const inner = parts.filter((p) => p !== undefined).join(', ');
  return inner === '' ? '' : ` (${inner})`;
}

/** One readable line, e.g. `:warning: team ml-engineering reached 80% of its $2,000.00 monthly budget ($1,612.40 spent, resets Jan 1 00:00 UTC)`. */
export function slackText(e: AlertEvent): string {
  const who = tierLabel(e.tier, e.id);
  switch (e.type) {
    case 'budget_threshold': {
      const icon = (e.threshold ?? 0) >= 100 ? ':rotating_light:' : ':warning:';
      return `${icon} ${who} reached ${e.threshold}% of ${budgetPhrase(e)}${spentPhrase(e)}`;
    }
    case 'runway': {
      const when = e.runway?.projected_exhaustion ? ` around ${utcMoment(e.runway.projected_exhaustion)}` : '';
      return `:hourglass_flowing_sand: ${who} is on pace to run out of ${budgetPhrase(e)}${when}, before it resets${spentPhrase(e)}`;
    }
    case 'guard_paused':
      return `:octagonal_sign: ${who} was paused by the runaway-agent guard: ${e.reason ?? 'no reason given'}`;
  }
}
