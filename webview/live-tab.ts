// Live requests tab: a table that streams in, a filter box, and a detail pane with the routing decision.
import type { LogJson, LogPageJson } from '../proxy/api/wire/index.js';
import { el } from './element.js';
import { formatClock, formatCost, formatMs, formatTokens, formatUsd, formatUtc } from './format.js';

const MAX_ROWS = 500;

const totalTokens = (r: LogJson) => r.input_tokens + r.output_tokens + r.cache_read_tokens + r.cache_write_5m_tokens + r.cache_write_1h_tokens;

function modelCell(r: LogJson): string {
  return r.model_served && r.model_served !== r.model_requested ? `${r.model_requested} → ${r.model_served}` : r.model_requested;
}

function searchable(r: LogJson): string {
  return [r.virtual_key_id, r.team_id, r.model_requested, r.model_served, r.provider_config_id, r.provider_type, String(r.status), r.error_type, r.request_id]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}

export class LiveRequests {
  private records: LogJson[] = [];
  private filter = '';
  private selected: string | undefined;
  private readonly body = el('tbody');
  private readonly detail = el('section', { class: 'log-detail', 'aria-label': 'request details' });
  private readonly count = el('span', { class: 'live-count' });
  /** Says when the engine's record cap (logging.max_records) has dropped older records; hidden otherwise. */
  private readonly dropped = el('p', { class: 'live-dropped', hidden: true });

  constructor(private readonly container: HTMLElement) {
    const input = el('vscode-textfield', { placeholder: 'Filter by key, model, provider, status…', class: 'live-filter', 'aria-label': 'filter requests' }) as HTMLElement & { value: string };
    input.addEventListener('input', () => {
      this.filter = input.value.trim().toLowerCase();
      this.renderRows();
    });
    const head = el(
      'thead',
      {},
      el('tr', {}, ...['Time (UTC)', 'Key', 'Model requested → served', 'Provider', 'Status', 'Tokens', 'Cost', 'Latency'].map((h) => el('th', { scope: 'col' }, h))),
    );
    container.replaceChildren(
      el('div', { class: 'toolbar' }, input, this.count),
      this.dropped,
      el('div', { class: 'live-layout' }, el('table', { class: 'grid live-table' }, head, this.body), this.detail),
    );
    this.renderDetail();
  }

  /** Replaces the list with a page from /api/logs (newest first). */
  load(page: Pick<LogPageJson, 'logs' | 'dropped'>): void {
    this.records = page.logs.slice(0, MAX_ROWS);
    const dropped = page.dropped;
    this.dropped.hidden = dropped === undefined;
    this.dropped.textContent =
      dropped === undefined
        ? ''
        : `${dropped.count.toLocaleString('en-US')} older requests were dropped from the log (logging.max_records); records before ${formatUtc(dropped.before)} are no longer listed. Totals and budgets still count them.`;
    this.renderRows();
  }

  /** A WebSocket `log` message (create or update): a new record goes on top, a known one is replaced in place. */
  apply(record: LogJson): void {
    const at = this.records.findIndex((r) => r.id === record.id);
    // An update for a record this page never saw is still worth showing.
    if (at !== -1) this.records[at] = record;
    else this.records.unshift(record);
    if (this.records.length > MAX_ROWS) this.records.length = MAX_ROWS;
    this.renderRows();
    if (record.id === this.selected) this.renderDetail();
  }

  private visible(): LogJson[] {
    return this.filter ? this.records.filter((r) => searchable(r).includes(this.filter)) : this.records;
  }

  private renderRows(): void {
    const rows = this.visible();
    this.count.textContent = `${rows.length} of ${this.records.length} requests`;
    this.body.replaceChildren(
      ...rows.map((r) => {
        const ok = r.status < 400;
        const row = el(
          'tr',
          { 'data-id': r.id, class: `${ok ? 'ok' : 'failed'}${r.id === this.selected ? ' selected' : ''}`, tabindex: 0 },
          el('td', {}, formatClock(r.timestamp)),
          el('td', {}, r.virtual_key_id ?? '–'),
          el('td', { class: 'model' }, modelCell(r)),
          el('td', {}, r.provider_config_id ?? r.provider_type ?? '–'),
          el('td', { class: 'status' }, ok ? String(r.status) : `${r.status} ${r.error_type ?? ''}`.trim()),
          el('td', { class: 'num' }, formatTokens(totalTokens(r))),
          el('td', { class: `num${r.cost === null ? ' missing' : ''}` }, formatCost(r.cost)),
          el('td', { class: 'num' }, formatMs(r.latency_ms)),
        );
        const select = () => {
          this.selected = r.id;
          this.renderRows();
          this.renderDetail();
        };
        row.addEventListener('click', select);
        row.addEventListener('keydown', (e) => {
          if (e.key === 'Enter' || e.key === ' ') select();
        });
        return row;
      }),
    );
  }

  private renderDetail(): void {
    const r = this.records.find((x) => x.id === this.selected);
    if (!r) {
      this.detail.replaceChildren(el('p', { class: 'empty' }, 'Select a request to see its details and routing decision.'));
      return;
    }
    const field = (name: string, value: string) => [el('dt', {}, name), el('dd', {}, value)];
    const routing = r.routing;
    this.detail.replaceChildren(
      el('h3', {}, `Request ${r.request_id}`, r.attempt > 1 ? ` (attempt ${r.attempt})` : ''),
      el(
        'dl',
        {},
        ...field('Time', r.timestamp),
        ...field('Key / team / customer', [r.virtual_key_id, r.team_id, r.customer_id].map((v) => v ?? '–').join(' / ')),
        ...field('Route', `${r.route}${r.operation ? ` ${r.operation}` : ''}${r.stream ? ' (stream)' : ''}`),
        ...field('Model', modelCell(r)),
        ...field('Provider', `${r.provider_config_id ?? '–'} (${r.provider_type ?? '–'})`),
        ...field('Status', r.error_type ? `${r.status} ${r.error_type}${r.error_message ? `: ${r.error_message}` : ''}` : String(r.status)),
        ...field('Tokens', `in ${formatTokens(r.input_tokens)}, out ${formatTokens(r.output_tokens)}, cache read ${formatTokens(r.cache_read_tokens)}, cache write ${formatTokens(r.cache_write_5m_tokens + r.cache_write_1h_tokens)}`),
        ...field('Cost', r.cost ? `${formatUsd(r.cost.total)} (input ${formatUsd(r.cost.input)}, output ${formatUsd(r.cost.output)}, cache ${formatUsd(r.cost.cache_read + r.cost.cache_write)})` : 'no price for this model'),
        ...field('Latency', `${formatMs(r.latency_ms)}${r.ttft_ms !== null ? `, first token ${formatMs(r.ttft_ms)}` : ''}`),
        ...field('Stop reason', r.stop_reason ?? '–'),
      ),
      el('h4', {}, 'Routing decision'),
      routing
        ? el(
            'div',
            { class: 'routing-decision' },
            el('p', {}, 'Candidates: ', routing.candidates.join(', ') || '–'),
            el('p', {}, 'Chosen: ', el('strong', {}, routing.chosen ?? '–')),
            routing.excluded.length
              ? el('ul', { class: 'excluded' }, ...routing.excluded.map((x) => el('li', {}, el('strong', {}, x.id), `: ${x.reason}`)))
              : el('p', {}, 'Nothing excluded.'),
          )
        : el('p', { class: 'empty' }, 'Not routed (refused before routing).'),
    );
  }
}
