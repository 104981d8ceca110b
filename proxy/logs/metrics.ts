// GET /metrics: Prometheus counters, histograms and gauges fed by finished log records.
import type { TierKind } from '../config/types.js';
import { idLabels, type KeyLabeller } from './key-labels.js';
import type { LogRecord } from './record.js';

export interface BudgetRemaining {
  readonly tier: TierKind;
  readonly id: string;
  /** Integer micro-dollars left in the current period (may be negative after an overshoot). */
  readonly remainingMicros: number;
}

type Labels = Readonly<Record<string, string>>;

/** Where a request's time went, in milliseconds. */
export interface RequestTiming {
  /** Time in the gateway: total minus the upstream calls. */
  readonly overheadMs: number;
  /** The part of the overhead spent waiting for the journal write. */
  readonly journalMs: number;
  /** This record's upstream call. */
  readonly upstreamMs: number;
}

/** A character escapeLabelValue rewrites. */
const NEEDS_ESCAPE = /[\\\n\r"]/;

/**
 * Escapes a label value for the text exposition format: `\\`, `\"` and `\n` as the format defines, and `\r` too,
 * because a raw carriage return ends the line for many scrapers and would let a client-chosen model name forge
 * a sample line.
 */
export function escapeLabelValue(v: string): string {
  // Label values are ids and model names: almost never anything to escape, so one scan instead of four replaces.
  if (!NEEDS_ESCAPE.test(v)) return v;
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabelValue(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/** Label sets beyond this per family are folded into one overflow series, so clients cannot grow memory without bound. */
const MAX_SERIES = 5_000;
const OVERFLOW = '_overflow';

/** A monotonically increasing integer counter per label set. */
class CounterFamily {
  /** Value per label set, keyed by the set's exposition text (`{k="v",…}`), in first-seen order. */
  private readonly series = new Map<string, number>();
  private readonly overflowKey: string;
  constructor(readonly name: string, readonly help: string, labelNames: readonly string[]) {
    this.overflowKey = labelText(Object.fromEntries(labelNames.map((n) => [n, OVERFLOW])));
  }

  /** Adds to the series whose label text is `key` (as labelText writes it, with every one of the family's labels). */
  add(key: string, by: number): void {
    let value = this.series.get(key);
    if (value === undefined && this.series.size >= MAX_SERIES) {
      key = this.overflowKey;
      value = this.series.get(key);
    }
    this.series.set(key, (value ?? 0) + by);
  }

  render(out: string[], format: (v: number) => string = String, name = this.name, help = this.help): void {
    out.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} counter`);
    for (const [key, value] of this.series) out.push(`${name}${key} ${format(value)}`);
  }
}

class Histogram {
  private readonly counts: number[];
  private count = 0;
  private sum = 0;
  constructor(readonly name: string, readonly help: string, private readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }

  observe(v: number): void {
    this.count++;
    this.sum += v;
    for (let i = 0; i < this.bounds.length; i++) if (v <= this.bounds[i]) this.counts[i]++;
  }

  render(out: string[]): void {
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} histogram`);
    this.bounds.forEach((b, i) => out.push(`${this.name}_bucket{le="${b}"} ${this.counts[i]}`));
    out.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
  }
}

/**
 * Seconds; fine below a millisecond, where the gateway's own time is measured in microseconds, and finest between
 * 10 and 25 µs, where a journal wait lies when its write(2) goes straight to the page cache.
 */
const IN_PROCESS_BUCKETS = [0.0000025, 0.000005, 0.00001, 0.000015, 0.00002, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

const REQUEST_LABELS = ['provider_config', 'model', 'virtual_key', 'status'] as const;

/** A record's REQUEST_LABELS, in that order, as label text without the braces; each family's series key extends it. */
function requestLabelPairs(record: LogRecord, keyLabels: KeyLabeller): string {
  // The served model comes from the config; a client's requested name is only used before routing.
  const model = record.modelServed ?? record.modelRequested;
  // The key id, or a pseudonym when the id is the key's own secret (see key-labels.ts).
  const key = keyLabels(record.virtualKeyId ?? '');
  return `provider_config="${escapeLabelValue(record.providerConfigId ?? '')}",model="${escapeLabelValue(model)}",virtual_key="${escapeLabelValue(key)}",status="${record.status}"`;
}

const TOKEN_KINDS = [
  ['input', 'inputTokens'],
  ['output', 'outputTokens'],
  ['cache_read', 'cacheReadTokens'],
  ['cache_write_5m', 'cacheWrite5mTokens'],
  ['cache_write_1h', 'cacheWrite1hTokens'],
] as const;

/** Micro-dollars → dollars for exposition only; the counter itself stays an exact integer. */
function microsText(micros: number): string {
  return String(micros / 1_000_000);
}

export class GatewayMetrics {
  private readonly requests = new CounterFamily('spendgate_requests_total', 'Upstream attempts and gateway answers, by outcome.', REQUEST_LABELS);
  private readonly errors = new CounterFamily('spendgate_errors_total', 'Failed attempts by error type.', [...REQUEST_LABELS, 'error_type']);
  private readonly tokens = new CounterFamily('spendgate_tokens_total', 'Tokens by kind; each token counted once.', [...REQUEST_LABELS, 'kind']);
  private readonly cost = new CounterFamily('spendgate_cost_micros_total', 'Spend in integer micro-dollars.', REQUEST_LABELS);
  private readonly missingCost = new CounterFamily('spendgate_missing_cost_total', 'Records served without a price for the model.', REQUEST_LABELS);
  private readonly overhead = new Histogram(
    'spendgate_overhead_seconds',
    'Time spent in the gateway itself, excluding the upstream call.',
    IN_PROCESS_BUCKETS,
  );
  private readonly journalWait = new Histogram(
    'spendgate_journal_wait_seconds',
    'Time a finished request waited for its charge to be written to the journal before its last byte was sent (docs/configuration.md, store).',
    IN_PROCESS_BUCKETS,
  );
  private readonly journalWrite = new Histogram(
    'spendgate_journal_write_seconds',
    'Duration of each journal write(2) of the embedded store (one per batch of finished requests, at most two per event-loop iteration); a stalled page cache shows here.',
    IN_PROCESS_BUCKETS,
  );
  private readonly processing = new Histogram(
    'spendgate_processing_seconds',
    'The overhead minus the journal wait: time in the gateway excluding the upstream call and the durability write.',
    IN_PROCESS_BUCKETS,
  );
  private readonly upstream = new Histogram(
    'spendgate_upstream_seconds',
    'Time spent waiting on the upstream provider.',
    [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
  );
  private inFlight = 0;
  private adminAuthFailures = 0;
  private keyLabels: KeyLabeller = idLabels;

  /** A wrong admin or login token was presented (a brute-force attempt shows here). */
  adminAuthFailed(): void {
    this.adminAuthFailures += 1;
  }

  /** How keys are named in labels from now on (the gateway passes one that never prints a key's secret). */
  labelKeysWith(labeller: KeyLabeller): void {
    this.keyLabels = labeller;
  }

  /** The `virtual_key` label value /metrics prints for a key id. */
  keyLabel(id: string): string {
    return this.keyLabels(id);
  }

  /** A request entered the pipeline. */
  requestStarted(): void {
    this.inFlight++;
  }

  /** A request left the pipeline (answered, failed or abandoned). */
  requestFinished(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /**
   * Counts a finished record, with the request's timing measured at sub-millisecond precision (the record's own
   * `latencyMs` is rounded to whole ms). Only a request's last record carries its overhead and journal wait; records
   * of earlier attempts pass zeros for both.
   */
  observe(record: LogRecord, time: RequestTiming): void {
    const pairs = requestLabelPairs(record, this.keyLabels);
    const key = `{${pairs}}`;
    this.requests.add(key, 1);
    if (record.errorType !== undefined) this.errors.add(`{${pairs},error_type="${escapeLabelValue(record.errorType)}"}`, 1);
    for (const [kind, field] of TOKEN_KINDS) {
      if (record[field] > 0) this.tokens.add(`{${pairs},kind="${kind}"}`, record[field]);
    }
    if (record.cost !== null) this.cost.add(key, record.cost.total);
    if (record.missingCost) this.missingCost.add(key, 1);
    const overhead = Math.max(0, time.overheadMs);
    const journal = Math.max(0, Math.min(time.journalMs, overhead));
    this.overhead.observe(overhead / 1000);
    this.journalWait.observe(journal / 1000);
    this.processing.observe((overhead - journal) / 1000);
    if (record.providerConfigId !== undefined) this.upstream.observe(Math.max(0, time.upstreamMs) / 1000);
  }

  /** The embedded store wrote its journal (the store's `onWrite` observer). */
  journalWritten(seconds: number): void {
    this.journalWrite.observe(seconds);
  }

  /** The text exposition (format 0.0.4). */
  render(budgets: readonly BudgetRemaining[] = []): string {
    const out: string[] = [];
    this.requests.render(out);
    this.errors.render(out);
    this.tokens.render(out);
    this.cost.render(out);
    this.cost.render(out, microsText, 'spendgate_cost_dollars_total', 'Spend in US dollars (from the exact micro-dollar counter).');
    this.missingCost.render(out);
    this.overhead.render(out);
    this.journalWait.render(out);
    this.journalWrite.render(out);
    this.processing.render(out);
    this.upstream.render(out);
    out.push('# HELP spendgate_admin_auth_failures_total Wrong admin or dashboard login tokens presented.', '# TYPE spendgate_admin_auth_failures_total counter');
    out.push(`spendgate_admin_auth_failures_total ${this.adminAuthFailures}`);
    out.push('# HELP spendgate_in_flight Requests currently in the pipeline.', '# TYPE spendgate_in_flight gauge');
    out.push(`spendgate_in_flight ${this.inFlight}`);
    out.push('# HELP spendgate_budget_remaining_dollars Money left in the current period of each budget tier.');
    out.push('# TYPE spendgate_budget_remaining_dollars gauge');
    for (const b of budgets) {
      const id = b.tier === 'virtual_key' ? this.keyLabels(b.id) : b.id;
      out.push(`spendgate_budget_remaining_dollars${labelText({ tier: b.tier, id })} ${microsText(b.remainingMicros)}`);
    }
    return `${out.join('\n')}\n`;
  }
}

/** The content type to answer `/metrics` with. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
