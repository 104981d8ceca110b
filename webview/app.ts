// The dashboard shell: header, six tabs, initial loads from the API and live updates from the WebSocket.
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type { LiveMessage, StatusJson } from '../proxy/api/wire/index.js';
import { renderBudgets } from './budgets-tab.js';
import { renderCacheReport } from './cache-tab.js';
import { renderReconcile } from './reconcile-tab.js';
import type { DataSource } from './data-source.js';
import { el } from './element.js';
import { LiveRequests } from './live-tab.js';
import type { ConnectionState } from './protocol.js';
import { renderRouting } from './routing-tab.js';
import { SpendChart, type SpendGroup, type SpendInterval } from './spend-chart.js';
import type { SpendExportQuery } from './spend-export.js';

const TABS = [
  { id: 'budgets', title: 'Budgets' },
  { id: 'live', title: 'Live requests' },
  { id: 'routing', title: 'Routing' },
  { id: 'spend', title: 'Spend over time' },
  { id: 'cache', title: 'Prompt cache' },
  { id: 'reconcile', title: 'Reconciliation' },
] as const;

/** What each spend grouping asks `/api/logs/stats` for: per branch is the `branch` tag the extension sets. */
const GROUP_BY: Record<SpendGroup, string> = { model: 'model', team: 'team', branch: 'tag:branch' };
/** The prompt-cache report covers the last week. */
const CACHE_WINDOW_MS = 7 * 86_400_000;
/** The reconciliation covers the last seven UTC days, today included. */
const RECONCILE_DAYS = 7;

/** How far back the spend chart looks for each bucket size. */
const SPEND_WINDOW_MS: Record<SpendInterval, number> = { hour: 48 * 3_600_000, day: 30 * 86_400_000 };
const ROUTING_REFRESH_MS = 10_000;

/** `reason`: why the engine refused the login URL (expired, already used), shown above the general advice. */
export function renderSignedOut(root: HTMLElement, reason?: string): void {
  root.replaceChildren(
    el(
      'div',
      { class: 'signed-out', role: 'alert' },
      el('h1', {}, 'Not signed in'),
      ...(reason ? [el('p', { class: 'signed-out-reason' }, reason)] : []),
      el('p', {}, 'Open the login URL printed by ', el('code', {}, 'spendgate serve'), ' (the line starting with ', el('code', {}, 'dashboard:'), ') to sign in to this dashboard.'),
    ),
  );
}

export class Dashboard {
  private readonly panels = new Map<string, HTMLElement>(TABS.map((t) => [t.id, el('section', { class: 'tab-body', 'data-tab': t.id })]));
  private readonly connection = el('vscode-badge', { class: 'connection', variant: 'counter' }, 'connecting');
  private readonly banner = el('div', { class: 'banner', role: 'status' });
  private readonly meta = el('span', { class: 'meta' });
  private readonly live: LiveRequests;
  private readonly chart: SpendChart;
  private interval: SpendInterval = 'hour';
  private group: SpendGroup = 'model';
  /** Sequence number of the newest spend request; older answers are dropped. */
  private spendRequest = 0;
  /** The range and grouping the chart currently draws: what "Download CSV" exports. */
  private shownSpend: SpendExportQuery | undefined;
  private readonly downloadButton = el('vscode-button', { class: 'spend-download', secondary: true, disabled: true }, 'Download CSV');
  /** Where a failed download says why, beside the controls, so the chart stays on screen. */
  private readonly downloadStatus = el('span', { class: 'spend-download-status', role: 'status' });

  constructor(
    private readonly root: HTMLElement,
    private readonly source: DataSource,
    private readonly now: () => number = Date.now,
  ) {
    const tabs = el('vscode-tabs', { panel: true, 'selected-index': 0 });
    for (const t of TABS) {
      tabs.append(el('vscode-tab-header', { slot: 'header', id: `tab-${t.id}` }, t.title));
      tabs.append(el('vscode-tab-panel', { 'aria-labelledby': `tab-${t.id}` }, this.panels.get(t.id) ?? null));
    }
    root.replaceChildren(el('header', { class: 'top' }, el('h1', {}, 'spendgate'), this.meta, this.connection), this.banner, tabs);
    for (const p of this.panels.values()) p.append(el('vscode-progress-ring', { class: 'loading' }));
    this.live = new LiveRequests(this.panel('live'));
    this.chart = new SpendChart(this.panel('spend'), this.spendControls());
    // Read when first opened (by click or keyboard): the report asks CloudWatch, which no other tab needs.
    const reconcileIndex = TABS.findIndex((t) => t.id === 'reconcile');
    const onSelect = (event: Event) => {
      if ((event as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex !== reconcileIndex) return;
      tabs.removeEventListener('vsc-tabs-select', onSelect);
      void this.loadReconcile();
    };
    tabs.addEventListener('vsc-tabs-select', onSelect);
  }

  /** Loads every tab and follows live updates. */
  async start(): Promise<void> {
    this.source.onConnection((state) => this.showConnection(state));
    this.source.onLive((message) => this.onLive(message));
    await Promise.all([this.loadStatus(), this.loadBudgets(), this.loadLogs(), this.loadRouting(), this.loadSpend(), this.loadCache()]);
    setInterval(() => void this.loadRouting(), ROUTING_REFRESH_MS);
  }

  private panel(id: (typeof TABS)[number]['id']): HTMLElement {
    const panel = this.panels.get(id);
    if (!panel) throw new Error(`no panel ${id}`);
    return panel;
  }

  private onLive(message: LiveMessage): void {
    switch (message.type) {
      case 'budgets':
        renderBudgets(this.panel('budgets'), message.payload.tiers);
        return;
      case 'log':
        this.live.apply(message.payload);
        return;
      case 'config':
        this.showConfig(message.payload);
        return;
    }
  }

  private showConnection(state: ConnectionState): void {
    this.connection.textContent = state === 'up' ? 'live' : state === 'down' ? 'offline' : 'connecting';
    this.connection.dataset.state = state;
  }

  private showConfig(config: StatusJson['config']): void {
    const errors = config.problems.filter((p) => p.severity === 'error');
    this.banner.replaceChildren(
      ...(config.ok
        ? []
        : [el('p', { class: 'error' }, `${config.path} has ${errors.length} error(s); the previous configuration keeps serving. `, errors[0] ? `Line ${errors[0].line}: ${errors[0].message}` : '')]),
    );
  }

  private async guarded(what: string, target: HTMLElement, load: () => Promise<void>): Promise<void> {
    try {
      await load();
    } catch (err) {
      target.replaceChildren(el('p', { class: 'error' }, `Could not load ${what}: ${(err as Error).message}`));
    }
  }

  private loadStatus(): Promise<void> {
    return this.guarded('status', this.banner, async () => {
      const status = await this.source.get('/api/status');
      this.meta.textContent = `v${status.version} · ${status.store} store`;
      this.showConfig(status.config);
      if (status.unpriced_models.length) {
        this.banner.append(el('p', { class: 'warning' }, `No price for ${status.unpriced_models.join(', ')}: their requests are logged without a cost.`));
      }
    });
  }

  private loadBudgets(): Promise<void> {
    const panel = this.panel('budgets');
    return this.guarded('budgets', panel, async () => renderBudgets(panel, (await this.source.get('/api/budgets')).tiers));
  }

  private loadLogs(): Promise<void> {
    return this.guarded('requests', this.panel('live'), async () => this.live.load(await this.source.get('/api/logs', { limit: '200', sort_by: 'timestamp', order: 'desc' })));
  }

  private loadRouting(): Promise<void> {
    const panel = this.panel('routing');
    return this.guarded('routing', panel, async () => renderRouting(panel, await this.source.get('/api/routing')));
  }

  private loadSpend(): Promise<void> {
    // A closed range, so the export can ask for exactly the records the chart was drawn from, even minutes later.
    const now = this.now();
    const { interval, group } = this;
    const range: SpendExportQuery = { from: new Date(now - SPEND_WINDOW_MS[interval]).toISOString(), to: new Date(now).toISOString(), group_by: GROUP_BY[group] };
    // Controls can change faster than answers arrive: only the newest request may draw the chart.
    const request = ++this.spendRequest;
    return this.guarded('spend', this.panel('spend'), async () => {
      const stats = await this.source.get('/api/logs/stats', { interval, group_by: range.group_by, start_time: range.from, end_time: range.to });
      if (request !== this.spendRequest) return;
      this.chart.render(stats);
      this.shownSpend = range;
      this.downloadButton.removeAttribute('disabled');
      // /api/export sums each group over the whole range; it has no time bucket, so the file cannot hold the per-hour/day points.
      this.downloadButton.title =
        `Spend per ${group} from ${range.from} to ${range.to} (UTC) as CSV from /api/export: one row of totals per ${group}. ` +
        `The export has no time column, so the per-${interval} points of the chart are not in the file.`;
    });
  }

  /** Exports what the chart shows; the button stays disabled until the file is saved or the download fails. */
  private async downloadSpend(): Promise<void> {
    const query = this.shownSpend;
    if (!query || this.downloadButton.hasAttribute('disabled')) return;
    this.downloadButton.setAttribute('disabled', '');
    this.downloadStatus.replaceChildren();
    try {
      await this.source.exportCsv(query);
    } catch (err) {
      this.downloadStatus.replaceChildren(el('span', { class: 'error' }, `Could not download the CSV: ${(err as Error).message}`));
    } finally {
      this.downloadButton.removeAttribute('disabled');
    }
  }

  private loadCache(): Promise<void> {
    const panel = this.panel('cache');
    const start = new Date(this.now() - CACHE_WINDOW_MS).toISOString();
    return this.guarded('the prompt-cache report', panel, async () => renderCacheReport(panel, await this.source.get('/api/insights/cache', { start_time: start })));
  }

  private loadReconcile(): Promise<void> {
    const panel = this.panel('reconcile');
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const now = this.now();
    const query = { from: day(now - (RECONCILE_DAYS - 1) * 86_400_000), to: day(now) };
    return this.guarded('the reconciliation with CloudWatch', panel, async () => renderReconcile(panel, await this.source.get('/api/reconcile', query), () => void this.loadReconcile()));
  }

  private spendControls(): HTMLElement {
    this.downloadButton.addEventListener('click', () => void this.downloadSpend());
    const select = <T extends string>(label: string, options: readonly T[], initial: T, onChange: (v: T) => void) => {
      const s = el('select', { 'aria-label': label, class: `spend-${label}` }, ...options.map((o) => el('option', { value: o, selected: o === initial }, o)));
      s.addEventListener('change', () => {
        onChange(s.value as T);
        void this.loadSpend();
      });
      return el('label', {}, `${label} `, s);
    };
    return el(
      'div',
      { class: 'toolbar' },
      el('span', {}, 'Cost per'),
      select<SpendInterval>('interval', ['hour', 'day'], this.interval, (v) => (this.interval = v)),
      select<SpendGroup>('group', ['model', 'team', 'branch'], this.group, (v) => (this.group = v)),
      this.downloadButton,
      this.downloadStatus,
    );
  }
}
