// Reconciliation tab: per UTC day and Bedrock model, spendgate's log beside Bedrock's CloudWatch meters, the day's
// drift in tokens and dollars, and what each drift means (docs/reconcile.md).
import type { ReconcileJson, ReconcileRowJson } from '../proxy/api/wire/index.js';
import { el } from './element.js';
import { formatTokens, formatUsd } from './format.js';

const VERDICT: Record<ReconcileRowJson['verdict'], { readonly label: string; readonly cls: string }> = {
  match: { label: 'match', cls: 'ok' },
  calls_only: { label: 'calls only', cls: 'ok' },
  outside_traffic: { label: 'outside traffic', cls: 'warning' },
  not_billed: { label: 'not billed', cls: 'warning' },
  mixed: { label: 'mixed', cls: 'error' },
  cloudwatch_unavailable: { label: 'no CloudWatch', cls: 'empty' },
};

function signedTokens(n: number): string {
  return n > 0 ? `+${formatTokens(n)}` : formatTokens(n);
}

function signedUsd(usd: number | null): string {
  if (usd === null) return 'unpriced';
  return usd > 0 ? `+${formatUsd(usd)}` : formatUsd(usd);
}

function figure(label: string, value: string, cls: string, note: string): HTMLElement {
  return el('div', { class: `cache-figure ${cls}` }, el('div', { class: 'figure-label' }, label), el('div', { class: 'figure-value' }, value), el('div', { class: 'sub' }, note));
}

function pair(spendgate: number, cloudwatch: number | undefined): HTMLElement {
  return el('td', { class: 'num' }, formatTokens(spendgate), el('span', { class: 'sub' }, ' / '), cloudwatch === undefined ? '–' : formatTokens(cloudwatch));
}

function rowOf(r: ReconcileRowJson): HTMLElement {
  const verdict = VERDICT[r.verdict];
  const drifting = r.drift !== null && r.verdict !== 'match';
  return el(
    'tr',
    { 'data-day': r.day, 'data-model': r.model_id, 'data-verdict': r.verdict, title: r.explanation },
    el('td', {}, r.day),
    el('td', {}, r.region),
    el('td', { class: 'model' }, r.model_id, r.priced_as !== r.model_id ? el('div', { class: 'sub' }, `priced as ${r.priced_as}`) : null),
    pair(r.spendgate.invocations, r.cloudwatch?.invocations),
    pair(r.spendgate.total_tokens, r.cloudwatch?.total_tokens),
    el('td', { class: `num drift-tokens${drifting ? ' warning' : ''}` }, r.drift === null ? '–' : signedTokens(r.drift.total_tokens)),
    el('td', { class: `num drift-usd${drifting ? ' warning' : ''}` }, r.drift === null ? '–' : signedUsd(r.drift.cost.usd)),
    el('td', { class: `verdict ${verdict.cls}` }, verdict.label),
  );
}

/** `refresh` reads the report again (CloudWatch publishes the day's last minutes a little late). */
export function renderReconcile(container: HTMLElement, report: ReconcileJson, refresh: () => void): void {
  const t = report.totals;
  const explained = report.rows.filter((r) => r.verdict !== 'match');
  const problems = report.pricing.filter((p) => p.problem !== null);
  const heads = ['Day (UTC)', 'Region', 'Model id', 'Calls spendgate / CloudWatch', 'Tokens spendgate / CloudWatch', 'Drift tokens', 'Drift $', 'Verdict'];
  const again = el('vscode-button', { class: 'reconcile-refresh', secondary: true }, 'Refresh');
  again.addEventListener('click', refresh, { once: true });
  container.replaceChildren(
    el(
      'div',
      { class: 'toolbar' },
      el('span', { class: 'sub reconcile-window' }, `spendgate's log vs Bedrock's CloudWatch meters, ${report.from} – ${report.to}, ${report.regions.join(', ')}. Drift is CloudWatch minus spendgate.`),
      again,
    ),
    el(
      'div',
      { class: 'cache-figures reconcile-figures' },
      figure('Drift in dollars', signedUsd(t.drift_cost.usd), t.drift_cost.micros === 0 ? 'ok' : 'unread', "at spendgate's prices"),
      figure('Drift in tokens', signedTokens(t.drift_tokens), t.drift_tokens === 0 ? 'ok' : 'unread', `${t.drift_invocations > 0 ? '+' : ''}${t.drift_invocations} invocations`),
      figure('Days × models drifting', `${t.rows_with_drift} of ${t.rows}`, t.rows_with_drift === 0 ? 'ok' : 'unread', t.rows_without_cloudwatch > 0 ? `${t.rows_without_cloudwatch} without CloudWatch figures` : 'every row compared'),
    ),
    report.rows.length === 0
      ? el('p', { class: 'empty' }, 'No Bedrock traffic on either side in this range.')
      : el(
          'table',
          { class: 'grid reconcile-table' },
          el('thead', {}, el('tr', {}, ...heads.map((h, i) => el('th', { scope: 'col', class: i >= 3 && i <= 6 ? 'num' : undefined }, h)))),
          el('tbody', {}, ...report.rows.map(rowOf)),
        ),
    ...(explained.length > 0
      ? [el('section', { class: 'reconcile-explained' }, el('h2', {}, 'What the drift means'), el('ul', {}, ...explained.map((r) => el('li', { 'data-model': r.model_id }, el('strong', {}, `${r.day} ${r.model_id}: `), r.explanation))))]
      : []),
    ...(problems.length > 0 ? [el('section', { class: 'reconcile-pricing' }, el('h2', {}, 'Pricing'), el('ul', {}, ...problems.map((p) => el('li', { class: 'warning' }, p.problem))))] : []),
  );
}
