// How the dashboard writes money, shares, token counts and times (all formatting happens here, at the edge).

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const usdSmall = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 6 });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `$1,234.56`; amounts under a dollar keep up to six decimals so a $0.0042 request is not shown as $0.00. */
export function formatUsd(dollars: number): string {
  return Math.abs(dollars) < 1 && dollars !== 0 ? usdSmall.format(dollars) : usd.format(dollars);
}

/** Cost of a log record, or `no price` when the model had none (never a silent $0). */
export function formatCost(cost: { readonly total: number } | null): string {
  return cost === null ? 'no price' : formatUsd(cost.total);
}

/** A percent already in 0–100: `61.7%`. */
export function formatPercent(percent: number): string {
  return `${(Math.round(percent * 10) / 10).toFixed(1)}%`;
}

/** A fraction in 0–1 as a percent. */
export function formatShare(fraction: number): string {
  return formatPercent(fraction * 100);
}

export function formatTokens(tokens: number): string {
  return integer.format(tokens);
}

export function formatMs(ms: number | null): string {
  return ms === null ? '–' : `${integer.format(ms)} ms`;
}

/** `2025-12-01 00:00 UTC`. */
export function formatUtc(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** `14:03:07` (UTC) for a table of recent requests. */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(11, 19);
}

const TIER_LABEL = { customer: 'customer', team: 'team', virtual_key: 'key', provider_config: 'provider' } as const;

export function tierLabel(tier: keyof typeof TIER_LABEL): string {
  return TIER_LABEL[tier];
}
