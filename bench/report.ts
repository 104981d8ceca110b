// Renders bench/RESULTS.md from the latest saved results (bench/results/*.json) and the hand-written findings.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileSummary } from './cpu-profile.js';
import type { MachineInfo } from './machine.js';
import type { StreamingProbe } from './rounds.js';
import type { OverheadEstimate, SummaryRow, WorkloadRatios } from './summary.js';
import type { TargetName } from './targets.js';

export interface BenchReport {
  readonly date: string;
  readonly command: string;
  readonly machine: MachineInfo;
  readonly settings: { readonly rounds: number; readonly durationS: number; readonly warmupS: number; readonly rates: readonly number[] };
  readonly rows: readonly SummaryRow[];
  readonly ratios: readonly WorkloadRatios[];
  /** `spendgate_overhead_seconds`: everything but the upstream call. */
  readonly overhead: readonly OverheadEstimate[];
  /** `spendgate_processing_seconds`: the overhead without the journal wait (absent in runs before it existed). */
  readonly processing?: readonly OverheadEstimate[];
  /** `spendgate_journal_wait_seconds`. */
  readonly journalWait?: readonly OverheadEstimate[];
  /** `spendgate_journal_write_seconds` (builds with the per-turn journal). */
  readonly journalWrite?: readonly OverheadEstimate[];
  /** The revision run as the `baseline` target (`--baseline REF`). */
  readonly baseline?: { readonly ref: string; readonly commit: string };
  readonly peakRssBytes: Partial<Record<TargetName, number>>;
  readonly streaming: readonly StreamingProbe[];
  readonly profile?: { readonly summary: ProfileSummary; readonly requests: number };
}

export interface RssSample {
  readonly atSeconds: number;
  readonly requests: number;
  readonly rssMiB: number;
  /** The highest RSS of the process so far (VmHWM), MiB; absent in runs before it was recorded. */
  readonly peakMiB?: number;
}

export interface ScaleReport {
  readonly date: string;
  readonly command: string;
  readonly machine: MachineInfo;
  /** Added p50/p99 and throughput with few vs many virtual keys in the config. */
  readonly virtualKeys: readonly { readonly keys: number; readonly workload: string; readonly addedP50: number; readonly addedP99: number; readonly throughput: number; readonly startMs: number }[];
  readonly logQueries?: {
    readonly rows: number;
    readonly fillSeconds: number;
    readonly startSeconds: number;
    readonly queries: readonly { readonly name: string; readonly query: string; readonly p50Ms: number; readonly maxMs: number; readonly totalCount: number }[];
  };
  readonly logQueryError?: string;
  /** RSS while serving the long run on the embedded store. */
  readonly rss: readonly RssSample[];
  /** The same on the PostgreSQL ledger (log records out of process). */
  readonly rssPostgres?: readonly RssSample[];
}

export const RESULTS_DIR = join(__dirname, 'results');
export const MAIN_JSON = join(RESULTS_DIR, 'latest.json');
export const SCALE_JSON = join(RESULTS_DIR, 'scale.json');
const RESULTS_MD = join(__dirname, 'RESULTS.md');
const FINDINGS_MD = join(__dirname, 'findings.md');

const f = (v: number, digits = 3): string => (Number.isFinite(v) ? v.toFixed(digits) : '—');
const x = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');
const mib = (b: number | undefined): string => (b === undefined ? '—' : `${(b / 2 ** 20).toFixed(0)} MiB`);
const verdict = (ok: boolean | undefined): string => (ok === undefined ? 'n/a' : ok ? 'met' : '**not met**');

function machineLine(m: MachineInfo): string {
  return `${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, Node ${m.node}, ${m.kernel}`;
}

function renderMain(r: BenchReport): string[] {
  const out: string[] = [];
  out.push('## Overhead and throughput', '');
  out.push(`- Date: ${r.date}`, `- Command: \`${r.command}\``, `- Machine: ${machineLine(r.machine)}`);
  out.push(
    `- Method: ${r.settings.rounds} rounds × ${r.settings.durationS} s per (workload, target), targets interleaved (order rotates each round), ` +
      `${r.settings.warmupS} s warm-up per target excluded. Fixed rates (\`@500\`…) are an open-loop undici client that spaces requests evenly ` +
      '(a 1 ms schedule) and times each from dispatch to its first and last byte; `@max` is autocannon (32 connections, each sending its next request as its answer ends), latency send → last byte at sub-ms resolution. Values are medians over rounds; "added" is target − direct in the same round.',
    `- Everything (load generator, upstream, proxies) shares the same ${r.machine.nproc} cores, so absolute numbers are loopback-bound; compare columns.`,
    `- Requests: the \`json\`/\`sse\` workloads send a one-sentence prompt; the \`cc-\` workloads send the ~90 KB first request the real Claude Code CLI sends (test/fixtures/claude-code/first-turn-sonnet4.json: system prompt, tools, history), as JSON and as \`stream: true\`.`,
    ...(r.baseline === undefined
      ? []
      : [`- Baseline: **baseline** is spendgate at \`${r.baseline.ref}\` (${r.baseline.commit.slice(0, 12)}), built by \`--baseline\` and run in the same rounds as **spendgate** (this checkout): before and after.`]),
    '',
  );
  out.push('| workload | target | p50 ms | p99 ms | added p50 ms | added p99 ms | throughput /s | failed |', '|---|---|---:|---:|---:|---:|---:|---:|');
  for (const row of r.rows) {
    out.push(`| ${row.workload} | ${row.target} | ${f(row.p50)} | ${f(row.p99)} | ${f(row.addedP50)} | ${f(row.addedP99)} | ${f(row.throughput, 0)} | ${row.failed} |`);
  }
  out.push('', '### Ratios', '');
  if (r.baseline !== undefined) {
    out.push(
      '| workload | added p50 ÷ pass-through\'s: baseline | spendgate | throughput ÷ pass-through\'s: baseline | spendgate | Portkey ÷ spendgate added p50 |',
      '|---|---:|---:|---:|---:|---:|',
    );
    for (const q of r.ratios) {
      out.push(
        `| ${q.workload} | ${x(q.baselineOverPassthroughAdded)} | ${x(q.spendgateOverPassthroughAdded)} | ${x(q.baselineOverPassthroughThroughput)} | ${x(q.spendgateOverPassthroughThroughput)} | ${x(q.portkeyOverSpendgateAdded)} |`,
      );
    }
  } else {
    out.push('| workload | spendgate ÷ pass-through added p50 | Portkey ÷ spendgate added p50 | spendgate ÷ pass-through throughput |', '|---|---:|---:|---:|');
    for (const q of r.ratios) out.push(`| ${q.workload} | ${x(q.spendgateOverPassthroughAdded)} | ${x(q.portkeyOverSpendgateAdded)} | ${x(q.spendgateOverPassthroughThroughput)} |`);
  }

  const histograms: [string, string, readonly OverheadEstimate[] | undefined][] = [
    ['spendgate_overhead_seconds', 'time in the gateway, excluding the upstream call', r.overhead],
    ['spendgate_processing_seconds', 'the same without the wait for the journal write', r.processing],
    ['spendgate_journal_wait_seconds', 'the wait for the journal write before the last byte (docs/configuration.md, store)', r.journalWait],
    ['spendgate_journal_write_seconds', 'one journal write(2): the first request to finish in an event-loop iteration, or every later one of that iteration', r.journalWrite],
  ];
  out.push('', '### spendgate in-process time (histograms from `/metrics`, measured runs only)', '');
  for (const [metric, meaning, estimates] of histograms) {
    if (estimates === undefined) continue;
    out.push('', `\`${metric}\`: ${meaning}.`, '');
    out.push('| workload | requests | p50 µs (estimate) | p99 µs (estimate) | mean µs (sum/count) | share in lowest bucket |', '|---|---:|---:|---:|---:|---:|');
    for (const o of estimates) {
      out.push(`| ${o.workload} | ${o.count} | ${f(o.p50Us, 0)} | ${f(o.p99Us, 0)} | ${f(o.meanUs, 1)} | ${(o.lowestBucketShare * 100).toFixed(1)}% ≤ ${f(o.lowestBoundUs, 0)} µs |`);
    }
  }
  out.push(
    '',
    'The p50 estimate interpolates linearly inside the bucket (as `histogram_quantile` does). The lowest bucket bound is ' +
      `${f(r.overhead[0]?.lowestBoundUs ?? Number.NaN, 0)} µs, so when most requests fall in it the p50 is an interpolation, not a measurement; ` +
      'the mean from `_sum/_count` is exact.',
  );

  out.push('', '### Targets (recorded, not asserted)', '', '| target | value | verdict |', '|---|---:|---|');
  out.push(...targetRows(r, histograms));
  out.push('', '### Streaming probe', '');
  for (const p of r.streaming) out.push(`- ${p.target}: ${p.ok ? 'streams SSE' : `**cannot stream** — ${p.detail.replace(/\|/g, '\\|')}`}`);
  out.push('', `Peak RSS during the run (VmHWM): ${Object.entries(r.peakRssBytes).map(([t, b]) => `${t} ${mib(b)}`).join(', ')}.`);

  if (r.profile !== undefined) {
    const p = r.profile.summary;
    out.push('', '### CPU profile of spendgate under load', '');
    out.push(
      `\`node --cpu-prof\` on a separate spendgate process at max throughput (one-word JSON, one-word SSE, then the Claude Code request as JSON), ${r.profile.requests} requests; ` +
        `${f(p.totalMs / 1000, 1)} s sampled, ${(p.idleShare * 100).toFixed(1)}% idle, GC ${(p.gcShare * 100).toFixed(1)}% of busy time. Self time, share of busy time:`,
      '',
      '| # | function | location | self ms | share |',
      '|---:|---|---|---:|---:|',
    );
    p.top.forEach((h, i) => out.push(`| ${i + 1} | \`${h.name}\` | ${h.location} | ${f(h.selfMs, 0)} | ${(h.share * 100).toFixed(1)}% |`));
    out.push('', 'By area:', '', '| area | self ms | share |', '|---|---:|---:|');
    for (const a of p.byArea.slice(0, 15)) out.push(`| ${a.area} | ${f(a.selfMs, 0)} | ${(a.share * 100).toFixed(1)}% |`);
  }
  return out;
}

/** The issue's targets (#19 and earlier rounds), each with its measured value from this run. */
function targetRows(r: BenchReport, histograms: readonly [string, string, readonly OverheadEstimate[] | undefined][]): string[] {
  const out: string[] = [];
  const ratioOf = (w: string) => r.ratios.find((q) => q.workload === w);
  const row = (name: string, value: number, shown: string, ok: (v: number) => boolean): void =>
    void out.push(`| ${name} | ${shown} | ${verdict(Number.isFinite(value) ? ok(value) : undefined)} |`);
  const p50Of = (estimates: readonly OverheadEstimate[] | undefined, w: string): number => estimates?.find((o) => o.workload === w)?.p50Us ?? Number.NaN;
  const wait = p50Of(r.journalWait, 'json@500');
  row('journal wait p50 ≤ 20 µs (json@500, `spendgate_journal_wait_seconds`)', wait, `${f(wait, 0)} µs`, (v) => v <= 20);
  for (const [w, limit] of [['json@500', 1.3], ['sse-first-byte@500', 1.3], ['cc-json@500', 1.5], ['cc-sse@500', 1.5], ['cc-sse-first-byte@500', 1.5]] as const) {
    const v = ratioOf(w)?.spendgateOverPassthroughAdded ?? Number.NaN;
    row(`spendgate added p50 ≤ ${limit}× pass-through's (${w})`, v, x(v), (a) => a <= limit);
  }
  for (const [w, limit] of [['json@max', 0.65], ['cc-json@max', 0.8]] as const) {
    const v = ratioOf(w)?.spendgateOverPassthroughThroughput ?? Number.NaN;
    row(`throughput ≥ ${limit * 100}% of pass-through (${w})`, v, x(v), (a) => a >= limit);
  }
  const rss = (r.peakRssBytes.spendgate ?? Number.NaN) / (r.peakRssBytes.passthrough ?? Number.NaN);
  row('peak RSS ≤ 2× the pass-through\'s', rss, x(rss), (v) => v <= 2);
  const processing = p50Of(histograms[1][2], 'json@500');
  row('in-process processing p50 ≤ 50 µs (json@500, `spendgate_processing_seconds`)', processing, `${f(processing, 0)} µs`, (v) => v <= 50);
  const pk = ratioOf('json@500')?.portkeyOverSpendgateAdded ?? Number.NaN;
  row('≥ 5× less added latency than Portkey (json@500)', pk, x(pk), (v) => v >= 5);
  return out;
}

function renderScale(s: ScaleReport): string[] {
  const out: string[] = ['## Scale checks', '', `- Date: ${s.date}`, `- Command: \`${s.command}\``, `- Machine: ${machineLine(s.machine)}`, ''];
  out.push('### Virtual keys in config', '', '| keys | workload | start ms | added p50 ms | added p99 ms | throughput /s |', '|---:|---|---:|---:|---:|---:|');
  for (const v of s.virtualKeys) {
    const none = v.throughput === 0 ? ' (no 2xx answer completed within the run)' : '';
    out.push(`| ${v.keys} | ${v.workload} | ${f(v.startMs, 0)} | ${f(v.addedP50)} | ${f(v.addedP99)} | ${f(v.throughput, 0)}${none} |`);
  }
  out.push('', '### `GET /api/logs` on a large store', '');
  if (s.logQueries !== undefined) {
    const q = s.logQueries;
    out.push(`${q.rows.toLocaleString('en-US')} rows written through the store API in ${f(q.fillSeconds, 1)} s; spendgate started on that store in ${f(q.startSeconds, 1)} s.`, '');
    out.push('| query | filters | p50 ms | max ms | total_count |', '|---|---|---:|---:|---:|');
    for (const x2 of q.queries) out.push(`| ${x2.name} | \`${x2.query}\` | ${f(x2.p50Ms, 1)} | ${f(x2.maxMs, 1)} | ${x2.totalCount} |`);
  } else out.push(`Not measured: ${s.logQueryError ?? 'unknown reason'}`);
  out.push('', '### RSS during a long run', '');
  out.push(...rssTable('Embedded store (every request also adds a row to the in-memory log table)', s.rss));
  if (s.rssPostgres !== undefined) out.push('', ...rssTable('PostgreSQL team ledger (log records out of process)', s.rssPostgres));
  return out;
}

/** At most `rows` samples, evenly spaced, always with the first and the last. */
function thin<T>(samples: readonly T[], rows: number): T[] {
  if (samples.length <= rows) return [...samples];
  const step = (samples.length - 1) / (rows - 1);
  return Array.from({ length: rows }, (_, i) => samples[Math.round(i * step)]);
}

function rssTable(title: string, samples: readonly RssSample[]): string[] {
  const out = [`${title}:`, '', '| seconds | requests so far | RSS | peak so far | change per 1,000 requests since the row above |', '|---:|---:|---:|---:|---:|'];
  let previous: RssSample | undefined;
  for (const r of thin(samples, 16)) {
    const served = previous === undefined ? 0 : r.requests - previous.requests;
    const growth = previous !== undefined && served > 0 ? `${(((r.rssMiB - previous.rssMiB) * 1024) / (served / 1000)).toFixed(0)} KiB` : '—';
    out.push(`| ${r.atSeconds} | ${r.requests.toLocaleString('en-US')} | ${r.rssMiB.toFixed(0)} MiB | ${r.peakMiB === undefined ? '—' : `${r.peakMiB.toFixed(0)} MiB`} | ${growth} |`);
    previous = r;
  }
  const peak = Math.max(...samples.map((r) => r.peakMiB ?? r.rssMiB));
  out.push('', `Peak ${peak.toFixed(0)} MiB (VmHWM where recorded) over ${(samples[samples.length - 1]?.requests ?? 0).toLocaleString('en-US')} requests.`);
  return out;
}

function readJson<T>(path: string): T | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
}

/** Rewrites bench/RESULTS.md from whatever results exist. */
export function writeResultsMarkdown(): void {
  const main = readJson<BenchReport>(MAIN_JSON);
  const scale = readJson<ScaleReport>(SCALE_JSON);
  const out: string[] = [
    '# spendgate benchmarks',
    '',
    'Generated by `npm run bench` (and `npm run bench -- --scale`) from `bench/results/*.json`; findings at the end are written by hand.',
    'Targets on loopback: **direct** (the test upstream itself), **passthrough** (bench/passthrough.ts: node:http + undici Pool, no logic), ' +
      '**spendgate** (built CLI, seed config: four budget tiers, rate limits, two providers 80/20, routing and logging on, embedded store), ' +
      '**portkey** (`@portkey-ai/gateway` offline, headless), and with `--baseline REF` **baseline** (spendgate built at REF, same config).',
    '',
  ];
  if (main) out.push(...renderMain(main), '');
  if (scale) out.push(...renderScale(scale), '');
  if (existsSync(FINDINGS_MD)) out.push(readFileSync(FINDINGS_MD, 'utf8').trim(), '');
  writeFileSync(RESULTS_MD, out.join('\n'));
}
