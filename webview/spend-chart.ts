// Spend over time: cost per hour or day, one line per model, team or git branch (uPlot).
import uPlot from 'uplot';
import type { StatsJson } from '../proxy/api/wire/index.js';
import { el } from './element.js';
import { formatUsd } from './format.js';

export type SpendInterval = 'hour' | 'day';
/** `branch`: the `branch` tag (spend per git branch). */
export type SpendGroup = 'model' | 'team' | 'branch';

/** Distinct hues that read on dark and light themes. */
const PALETTE = ['#3794ff', '#f14c4c', '#89d185', '#cca700', '#b180d7', '#4ec9b0', '#e0823d', '#d16d9e'];

/** uPlot's columnar data: shared x (seconds) and one y array per group, null where a group had no bucket. */
export function spendColumns(stats: StatsJson): { readonly groups: string[]; readonly data: uPlot.AlignedData } {
  const times = [...new Set(stats.series.flatMap((s) => s.points.map((p) => Date.parse(p.time) / 1000)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const none = stats.group_by?.startsWith('tag:') ? '(untagged)' : '(none)';
  const groups = stats.series.map((s) => s.group ?? none);
  const ys = stats.series.map((s) => {
    const y: (number | null)[] = times.map(() => null);
    for (const p of s.points) y[index.get(Date.parse(p.time) / 1000) ?? 0] = p.cost;
    return y;
  });
  return { groups, data: [times, ...ys] };
}

export class SpendChart {
  private plot: uPlot | undefined;
  private readonly holder = el('div', { class: 'chart' });
  private readonly totals = el('ul', { class: 'spend-totals' });

  constructor(container: HTMLElement, controls: HTMLElement) {
    container.replaceChildren(controls, this.holder, this.totals);
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(this.holder);
  }

  render(stats: StatsJson): void {
    const { groups, data } = spendColumns(stats);
    this.plot?.destroy();
    const styles = getComputedStyle(document.body);
    const axisColour = styles.getPropertyValue('--sg-fg').trim() || '#cccccc';
    const gridColour = styles.getPropertyValue('--sg-border').trim() || '#3c3c3c';
    const axis = { stroke: axisColour, grid: { stroke: gridColour, width: 1 }, ticks: { stroke: gridColour } };
    this.plot = new uPlot(
      {
        ...this.size(),
        series: [
          { label: stats.interval === 'day' ? 'Day (UTC)' : 'Hour (UTC)' },
          ...groups.map((g, i) => ({
            label: g,
            stroke: PALETTE[i % PALETTE.length],
            width: 2,
            points: { show: true, size: 5 },
            spanGaps: false,
            value: (_u: uPlot, v: number | null) => (v === null ? '–' : formatUsd(v)),
          })),
        ],
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        axes: [{ ...axis }, { ...axis, size: 70, values: (_u, ticks) => ticks.map((t) => formatUsd(t)) }],
        legend: { live: true },
        tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
      },
      data,
      this.holder,
    );
    this.totals.replaceChildren(
      ...stats.series.map((s, i) =>
        el('li', { 'data-group': s.group ?? '' }, el('span', { class: 'swatch', 'data-colour': String(i % PALETTE.length) }), `${groups[i]}: `, el('strong', {}, formatUsd(sumCost(s.points)))),
      ),
    );
    this.totals.querySelectorAll<HTMLElement>('.swatch').forEach((s) => (s.style.background = PALETTE[Number(s.dataset.colour)]));
  }

  private size(): { width: number; height: number } {
    return { width: Math.max(320, this.holder.clientWidth || 800), height: 320 };
  }
}

/** Sum of bucket costs, in micro-dollars so decimal dollars do not accumulate float error. */
function sumCost(points: readonly { readonly cost: number }[]): number {
  return points.reduce((micros, p) => micros + Math.round(p.cost * 1_000_000), 0) / 1_000_000;
}
