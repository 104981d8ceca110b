// What the status bar says about budgets: the developer's key spend and the tightest tier on its path (pure).
import type { BudgetTierJson, KeyIdentityJson } from '../proxy/api/wire/index.js';

/** Who the developer is, as `POST /api/keys/identify` answered for the key in secret storage. */
export type KeyIdentity = KeyIdentityJson;

export type SummaryLevel = 'ok' | 'warning' | 'error' | 'blocked';

export interface BudgetSummary {
  /** e.g. `$12.40 · team 62%`. */
  readonly text: string;
  readonly level: SummaryLevel;
  /** Markdown: every tier with spent, limit, remaining and reset time, then each tier's runway sentence. */
  readonly tooltip: string;
  readonly tightest: BudgetTierJson | undefined;
}

const LABEL: Record<BudgetTierJson['tier'], string> = { customer: 'customer', team: 'team', virtual_key: 'key', provider_config: 'provider' };
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

export const WARNING_PERCENT = 80;
export const ERROR_PERCENT = 90;

function levelOf(percent: number): SummaryLevel {
  return percent >= 100 ? 'blocked' : percent >= ERROR_PERCENT ? 'error' : percent >= WARNING_PERCENT ? 'warning' : 'ok';
}

/**
 * The tiers a request with this key passes: key → team → customer, plus every provider config (any of them may
 * serve it). Without a key: every team and customer.
 */
export function tiersOnPath(tiers: readonly BudgetTierJson[], key: KeyIdentity | undefined): BudgetTierJson[] {
  const providers = tiers.filter((t) => t.tier === 'provider_config');
  if (!key) return [...tiers.filter((t) => t.tier === 'team' || t.tier === 'customer'), ...providers];
  const find = (tier: BudgetTierJson['tier'], id: string | null) => (id === null ? undefined : tiers.find((t) => t.tier === tier && t.id === id));
  const keyTier = find('virtual_key', key.id);
  const team = find('team', key.team_id ?? keyTier?.parent ?? null);
  const customer = find('customer', key.customer_id ?? team?.parent ?? null);
  return [keyTier, team, customer, ...providers].filter((t): t is BudgetTierJson => t !== undefined);
}

/** The tier with the highest percent used (ties go to the narrower tier, listed first). */
export function tightestTier(tiers: readonly BudgetTierJson[]): BudgetTierJson | undefined {
  return tiers.reduce<BudgetTierJson | undefined>((worst, t) => (worst === undefined || t.percent > worst.percent ? t : worst), undefined);
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function tooltip(tiers: readonly BudgetTierJson[], key: KeyIdentity | undefined): string {
  const rows = tiers.map(
    (t) =>
      `| ${LABEL[t.tier]} ${escapeMarkdown(t.id)} | ${usd.format(t.spent)} of ${usd.format(t.limit)} | ${Math.round(t.percent * 10) / 10}% | ${usd.format(t.remaining)} | ${t.resets_at.slice(0, 16).replace('T', ' ')} UTC |`,
  );
  const head = key ? `**spendgate** — key \`${key.id}\`` : '**spendgate** — no virtual key set (run *spendgate: Set Virtual Key*)';
  const runway = tiers.map((t) => `- ${t.runway.runs_out_before_reset ? '$(warning) ' : ''}${escapeMarkdown(t.runway.summary)}`);
  return [head, '', '| tier | spent | used | remaining | resets |', '|---|---:|---:|---:|---|', ...rows, '', '**Runway**', '', ...runway, '', 'Click to open the dashboard.'].join('\n');
}

export function summarizeBudgets(tiers: readonly BudgetTierJson[], key: KeyIdentity | undefined): BudgetSummary {
  const path = tiersOnPath(tiers, key);
  const tightest = tightestTier(path);
  const level = tightest ? levelOf(tightest.percent) : 'ok';
  const keyTier = key ? tiers.find((t) => t.tier === 'virtual_key' && t.id === key.id) : undefined;
  const tight = tightest ? `${LABEL[tightest.tier]} ${Math.round(tightest.percent)}%` : 'no budgets';
  const lead = key ? (keyTier ? usd.format(keyTier.spent) : key.id) : 'set key';
  const text = level === 'blocked' && tightest ? `${lead} · ${LABEL[tightest.tier]} ${tightest.id} blocked` : `${lead} · ${tight}`;
  return { text, level, tooltip: tooltip(path, key), tightest };
}
