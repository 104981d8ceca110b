// Budgets tab: every tier with a bar, spent of limit, remaining, reservations, burn rate, projected exhaustion and reset.
import type { BudgetTierJson, RunwayJson } from '../proxy/api/wire/index.js';
import { budgetForest, type BudgetNode } from './budget-tree.js';
import { bar, el } from './element.js';
import { formatPercent, formatUsd, formatUtc, tierLabel } from './format.js';

const COLUMNS = ['Tier', 'Used', 'Spent of limit', '%', 'Remaining', 'Burn rate', 'Runs out', 'Resets'] as const;

/** The pace the projection uses: the last hour's rate, or the last 24 hours' when the last hour was idle. */
export function burnRate(r: RunwayJson): number {
  return r.pace_basis === 'last_24h' ? r.burn_rate_24h_per_hour : r.burn_rate_per_hour;
}

function burnCell(t: BudgetTierJson): HTMLElement {
  const r = t.runway;
  // Without a pace the tier may still have spent (this minute, or before the last 24 hours): say "no spend" only when true.
  const idle = t.spent > 0 ? 'not enough recent spend to project a pace' : 'no spend in the last 24 hours';
  const basis = r.pace_basis === 'last_24h' ? 'over the last 24 hours' : r.pace_basis === 'last_hour' ? 'over the last hour' : idle;
  return el(
    'span',
    { class: 'tier-burn', title: `${basis}; ${formatUsd(r.burn_rate_period_per_hour)}/h on average this period` },
    `${formatUsd(burnRate(r))}/h`,
  );
}

function runsOutCell(r: RunwayJson): HTMLElement {
  const text = r.exhausted ? 'exhausted' : r.projected_exhaustion ? formatUtc(r.projected_exhaustion) : 'not before reset';
  const level = r.exhausted || r.runs_out_before_reset ? 'runs-out' : 'lasts';
  return el('span', { class: `tier-runout ${level}`, title: r.summary }, text);
}

function tierRow(t: BudgetTierJson, depth: number): HTMLElement {
  const name = el('span', { class: 'tier-name' }, el('vscode-badge', { variant: 'counter', class: `kind kind-${t.tier}` }, tierLabel(t.tier)), ' ', el('strong', { title: t.id }, t.id));
  // Only the name cell is indented, so every column lines up across depths.
  name.style.paddingLeft = `${depth * 20}px`;
  return el(
    'div',
    { class: 'tier-row', 'data-tier': t.tier, 'data-id': t.id, 'data-depth': depth },
    name,
    bar(t.percent),
    el('span', { class: 'tier-spent' }, `${formatUsd(t.spent)} of ${formatUsd(t.limit)}`),
    el('span', { class: 'tier-percent' }, formatPercent(t.percent)),
    el(
      'span',
      { class: 'tier-money' },
      el('span', { class: 'tier-remaining' }, `${formatUsd(t.remaining)} left`),
      el('span', { class: 'tier-reserved', title: 'held by requests in flight' }, t.reserved > 0 ? `${formatUsd(t.reserved)} reserved` : ''),
    ),
    burnCell(t),
    runsOutCell(t.runway),
    el('span', { class: 'tier-reset', title: `period ${t.period} from ${formatUtc(t.period_start)}` }, `resets ${formatUtc(t.resets_at)}`),
  );
}

function treeItem(node: BudgetNode, depth: number): HTMLElement {
  return el(
    'li',
    { role: 'treeitem', 'aria-expanded': node.children.length ? 'true' : undefined },
    tierRow(node.tier, depth),
    node.children.length ? el('ul', { role: 'group' }, ...node.children.map((c) => treeItem(c, depth + 1))) : null,
  );
}

function header(): HTMLElement {
  return el('div', { class: 'tier-row tier-head', 'aria-hidden': 'true' }, ...COLUMNS.map((c, i) => el('span', { class: `head-${i}` }, c)));
}

/** The runway sentences of tiers that run out before they reset, most urgent first. */
function runwayNotes(tiers: readonly BudgetTierJson[]): HTMLElement | null {
  const urgent = tiers
    .filter((t) => t.runway.runs_out_before_reset)
    .sort((a, b) => Date.parse(a.runway.projected_exhaustion ?? '') - Date.parse(b.runway.projected_exhaustion ?? ''));
  return urgent.length ? el('ul', { class: 'runway-notes', 'aria-label': 'runway warnings' }, ...urgent.map((t) => el('li', { 'data-id': t.id }, t.runway.summary))) : null;
}

export function renderBudgets(container: HTMLElement, tiers: readonly BudgetTierJson[]): void {
  const forest = budgetForest(tiers);
  container.replaceChildren(
    ...[runwayNotes(tiers)].filter((n): n is HTMLElement => n !== null),
    el('h2', {}, 'Customers, teams and keys'),
    forest.roots.length ? el('div', { class: 'budget-table' }, header(), el('ul', { class: 'budget-tree', role: 'tree' }, ...forest.roots.map((n) => treeItem(n, 0)))) : el('p', { class: 'empty' }, 'No budgets configured.'),
    el('h2', {}, 'Provider configs'),
    forest.providers.length
      ? el('div', { class: 'budget-table' }, header(), el('ul', { class: 'budget-tree', role: 'tree' }, ...forest.providers.map((tier) => treeItem({ tier, children: [] }, 0))))
      : el('p', { class: 'empty' }, 'No provider budgets.'),
  );
}
