// Routing tab: per account, each provider config's configured weight against its actual traffic, and why it is excluded.
import type { ProviderRoutingJson, RoutingJson } from '../proxy/api/wire/index.js';
import { bar, el } from './element.js';
import { formatMs, formatShare, formatUtc } from './format.js';

function stateCell(p: ProviderRoutingJson): HTMLElement {
  const reason = p.state === 'cooldown' && p.cooldown_until ? `${p.reason ?? 'cooling down'} (until ${formatUtc(p.cooldown_until)})` : p.reason;
  return el('td', { class: `state state-${p.state}` }, el('vscode-badge', { variant: p.state === 'eligible' ? 'default' : 'counter' }, p.state), reason ? el('div', { class: 'reason' }, reason) : null);
}

function shareCell(fraction: number): HTMLElement {
  return el('td', { class: 'share' }, el('div', { class: 'share-cell' }, bar(fraction * 100, 'share-bar'), el('span', {}, formatShare(fraction))));
}

export function renderRouting(container: HTMLElement, routing: RoutingJson): void {
  if (routing.accounts.length === 0) {
    container.replaceChildren(el('p', { class: 'empty' }, 'No accounts configured.'));
    return;
  }
  container.replaceChildren(
    ...routing.accounts.map((account) =>
      el(
        'section',
        { class: 'account', 'data-account': account.id },
        el('h2', {}, `Account ${account.id}`),
        el(
          'table',
          { class: 'grid routing-table' },
          el(
            'thead',
            {},
            el('tr', {}, ...['Provider config', 'Model', 'Weight', 'Configured share', 'Actual (1 h)', 'Actual (today)', 'State', 'Error rate', 'Latency p50 / p95'].map((h) => el('th', { scope: 'col' }, h))),
          ),
          el(
            'tbody',
            {},
            ...account.providers.map((p) =>
              el(
                'tr',
                { 'data-id': p.id },
                el('td', {}, el('strong', {}, p.id), el('div', { class: 'sub' }, [p.type, p.region].filter(Boolean).join(' · '))),
                el('td', { class: 'model' }, p.model),
                el('td', { class: 'num' }, String(p.weight)),
                shareCell(p.configured_share),
                shareCell(p.actual_share_1h),
                shareCell(p.actual_share_today),
                stateCell(p),
                el('td', { class: 'num' }, formatShare(p.error_rate)),
                el('td', { class: 'num' }, `${formatMs(p.latency_p50_ms)} / ${formatMs(p.latency_p95_ms)}`),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}
