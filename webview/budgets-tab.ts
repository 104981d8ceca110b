// Budgets tab: every tier with a bar, spent of limit, remaining, in-flight reservations and reset time.
import type { BudgetTierJson } from './api-types.js';
import { budgetForest, type BudgetNode } from './budget-tree.js';
import { bar, el } from './element.js';
import { formatPercent, formatUsd, formatUtc, tierLabel } from './format.js';

function tierRow(t: BudgetTierJson): HTMLElement {
  return el(
    'div',
    { class: 'tier-row', 'data-tier': t.tier, 'data-id': t.id },
    el('span', { class: 'tier-name' }, el('vscode-badge', { variant: 'counter', class: `kind kind-${t.tier}` }, tierLabel(t.tier)), ' ', el('strong', {}, t.id)),
    bar(t.percent),
    el('span', { class: 'tier-spent' }, `${formatUsd(t.spent)} of ${formatUsd(t.limit)}`),
    el('span', { class: 'tier-percent' }, formatPercent(t.percent)),
    el('span', { class: 'tier-remaining' }, `${formatUsd(t.remaining)} left`),
    el('span', { class: 'tier-reserved', title: 'held by requests in flight' }, t.reserved > 0 ? `${formatUsd(t.reserved)} reserved` : ''),
    el('span', { class: 'tier-reset', title: `period ${t.period} from ${formatUtc(t.period_start)}` }, `resets ${formatUtc(t.resets_at)}`),
  );
}

function treeItem(node: BudgetNode): HTMLElement {
  return el(
    'li',
    { role: 'treeitem', 'aria-expanded': node.children.length ? 'true' : undefined },
    tierRow(node.tier),
    node.children.length ? el('ul', { role: 'group' }, ...node.children.map(treeItem)) : null,
  );
}

export function renderBudgets(container: HTMLElement, tiers: readonly BudgetTierJson[]): void {
  const forest = budgetForest(tiers);
  container.replaceChildren(
    el('h2', {}, 'Customers, teams and keys'),
    forest.roots.length ? el('ul', { class: 'budget-tree', role: 'tree' }, ...forest.roots.map(treeItem)) : el('p', { class: 'empty' }, 'No budgets configured.'),
    el('h2', {}, 'Provider configs'),
    forest.providers.length ? el('ul', { class: 'budget-tree', role: 'tree' }, ...forest.providers.map((tier) => treeItem({ tier, children: [] }))) : el('p', { class: 'empty' }, 'No provider budgets.'),
  );
}
