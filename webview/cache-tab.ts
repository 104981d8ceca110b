// Prompt cache tab: per model and per key, the share of prompt read from cache, money saved, and money spent on
// cache writes nobody read back, with the report's plain-language hints.
import type { CacheReportJson, CacheUsageJson } from '../proxy/api/wire/index.js';
import { bar, el } from './element.js';
import { formatShare, formatTokens, formatUsd, formatUtc } from './format.js';

const unreadCost = (u: CacheUsageJson) => Math.round((u.unread_write_5m_cost + u.unread_write_1h_cost) * 1e6) / 1e6;
const writeCost = (u: CacheUsageJson) => Math.round((u.cache_write_5m_cost + u.cache_write_1h_cost) * 1e6) / 1e6;

function figure(label: string, value: string, cls: string, note?: string): HTMLElement {
  return el('div', { class: `cache-figure ${cls}` }, el('div', { class: 'figure-label' }, label), el('div', { class: 'figure-value' }, value), note ? el('div', { class: 'sub' }, note) : null);
}

function ratioCell(u: CacheUsageJson): HTMLElement {
  return el('td', { class: 'share' }, el('div', { class: 'share-cell' }, bar(u.cache_read_ratio * 100, 'share-bar'), el('span', {}, formatShare(u.cache_read_ratio))));
}

function usageTable(title: string, first: string, rows: readonly { readonly name: string; readonly usage: CacheUsageJson }[], cls: string): HTMLElement {
  const heads = [first, 'Requests', 'Cache read ratio', 'Cache read tokens', 'Saved', 'Writes cost', 'Never-read writes', 'Net saving'];
  return el(
    'section',
    { class: cls },
    el('h2', {}, title),
    rows.length
      ? el(
          'table',
          { class: 'grid cache-table' },
          el('thead', {}, el('tr', {}, ...heads.map((h, i) => el('th', { scope: 'col', class: i === 0 || i === 2 ? undefined : 'num' }, h)))),
          el(
            'tbody',
            {},
            ...rows.map(({ name, usage: u }) =>
              el(
                'tr',
                { 'data-name': name },
                el('td', { class: cls === 'cache-models' ? 'model' : '' }, name),
                el('td', { class: 'num' }, formatTokens(u.requests)),
                ratioCell(u),
                el('td', { class: 'num' }, formatTokens(u.cache_read_tokens)),
                el('td', { class: 'num saved' }, formatUsd(u.saved)),
                el('td', { class: 'num' }, formatUsd(writeCost(u))),
                el('td', { class: `num unread${unreadCost(u) > 0 ? ' warning' : ''}` }, formatUsd(unreadCost(u))),
                el('td', { class: `num net${u.net_saving < 0 ? ' error' : ''}` }, formatUsd(u.net_saving)),
              ),
            ),
          ),
        )
      : el('p', { class: 'empty' }, 'No requests in this window.'),
  );
}

export function renderCacheReport(container: HTMLElement, report: CacheReportJson): void {
  const t = report.total;
  container.replaceChildren(
    el('p', { class: 'sub cache-window' }, `${formatUtc(report.start)} – ${formatUtc(report.end)}`),
    el(
      'div',
      { class: 'cache-figures' },
      figure('Prompt read from cache', formatShare(t.cache_read_ratio), 'ratio', `${formatTokens(t.cache_read_tokens)} tokens`),
      figure('Saved by cache reads', formatUsd(t.saved), 'saved', 'against the plain input price'),
      figure('Spent on never-read writes', formatUsd(unreadCost(t)), 'unread', `of ${formatUsd(writeCost(t))} on cache writes`),
      figure('Net saving', formatUsd(t.net_saving), 'net', 'saved minus the write premium'),
    ),
    report.hints.length ? el('ul', { class: 'cache-hints', 'aria-label': 'hints' }, ...report.hints.map((h) => el('li', {}, h))) : el('p', { class: 'empty cache-hints' }, 'No advice: caching pays its way here.'),
    usageTable('Per model', 'Model', report.by_model.map((u) => ({ name: u.model, usage: u })), 'cache-models'),
    usageTable('Per key', 'Key', report.by_key.map((u) => ({ name: u.virtual_key_id ?? '(no key)', usage: u })), 'cache-keys'),
    el('p', { class: 'sub' }, `Never-read writes: ${report.never_read.method}.${report.never_read.truncated ? ` Only the latest ${formatTokens(report.never_read.scanned_rows)} cache events were examined.` : ''}`),
  );
}
