// `npm run bench`: overhead and throughput of spendgate side by side with a bare pass-through and Portkey,
// all on loopback against the same test upstream; writes bench/results/latest.json and bench/RESULTS.md.
// `-- --baseline REF` adds another revision of spendgate as a target in the same rounds (before and after);
// `-- --only ID,ID` runs only those workloads (a short check).
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runLoad } from './load.js';
import { describeMachine } from './machine.js';
import { buildBaseline, type BaselineBuild } from './baseline.js';
import { benchWorkloads, requestBody } from './plan.js';
import { profileSpendgate } from './profile.js';
import { MAIN_JSON, RESULTS_DIR, writeResultsMarkdown, type BenchReport } from './report.js';
import { runRounds } from './rounds.js';
import { JOURNAL_WAIT_METRIC, JOURNAL_WRITE_METRIC, OVERHEAD_METRIC, PROCESSING_METRIC } from './overhead-metrics.js';
import { overheadEstimates, ratios, summarise } from './summary.js';
import { directTarget, startPassthroughTarget, startPortkeyTarget, startSpendgate, startUpstream, type SpendgateTarget, type Target } from './targets.js';

const progress = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '4' },
      warmup: { type: 'string', default: '3' },
      rates: { type: 'string', default: '500,2000,5000' },
      'no-profile': { type: 'boolean', default: false },
      'no-portkey': { type: 'boolean', default: false },
      baseline: { type: 'string' },
      only: { type: 'string' },
    },
  });
  const rounds = Number(values.rounds);
  const durationS = Number(values.duration);
  const warmupS = Number(values.warmup);
  const requestedRates = values.rates.split(',').map(Number).filter((r) => r > 0);
  const machine = describeMachine();
  const started = Date.now();
  // Built before anything is started, so the build's CPU use does not fall into a measurement.
  const baseline: BaselineBuild | undefined = values.baseline === undefined ? undefined : buildBaseline(values.baseline, progress);

  const upstream = await startUpstream();
  const targets: Target[] = [directTarget(upstream.url)];
  try {
    targets.push(await startPassthroughTarget(upstream.url));
    const spendgate = await startSpendgate({ upstream: upstream.url, virtualKeys: 10 });
    targets.push(spendgate);
    const gateways: SpendgateTarget[] = [spendgate];
    if (baseline !== undefined) {
      const before = await startSpendgate({ upstream: upstream.url, virtualKeys: 10, baselineCli: baseline.cli });
      targets.push(before);
      gateways.push(before);
    }
    if (!values['no-portkey']) targets.push(await startPortkeyTarget(upstream.url));

    // Rates above what the bare pass-through sustains here measure saturation, not overhead: a fixed rate is kept
    // when the warm pass-through managed 1.2× it (rates up to 2000 are always kept). The first run warms it up.
    const passthrough = targets.find((t) => t.name === 'passthrough')!;
    let sustained = 0;
    for (let i = 0; i < 2; i++) {
      const run = await runLoad({ url: passthrough.messagesUrl, headers: passthrough.headers, body: requestBody(false), connections: 32, durationS: warmupS });
      sustained = Math.max(sustained, run.throughput);
    }
    const rates = requestedRates.filter((r) => r <= 2000 || r * 1.2 <= sustained);
    const dropped = requestedRates.filter((r) => !rates.includes(r));
    progress(`pass-through sustains ~${sustained.toFixed(0)}/s; rates ${rates.join(', ')}${dropped.length ? ` (dropped ${dropped.join(', ')})` : ''}`);

    const only = values.only?.split(',').map((id) => id.trim());
    const workloads = benchWorkloads(rates).filter((w) => only === undefined || only.includes(w.id));
    if (workloads.length === 0) throw new Error(`--only ${values.only} names no workload`);
    const result = await runRounds({ targets, gateways, workloads, rounds, durationS, warmupS, progress });
    for (const t of targets.slice(1).reverse()) await t.stop();
    targets.length = 0;

    const profile = values['no-profile'] ? undefined : await profileSpendgate(upstream.url, { json: 8, sse: 4, claudeCode: 6 }, progress);
    const rows = summarise(result.samples);
    const report: BenchReport = {
      date: new Date(started).toISOString(),
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      machine,
      settings: { rounds, durationS, warmupS, rates },
      rows,
      ratios: ratios(rows),
      overhead: overheadEstimates(result.overhead[OVERHEAD_METRIC]),
      processing: overheadEstimates(result.overhead[PROCESSING_METRIC]),
      journalWait: overheadEstimates(result.overhead[JOURNAL_WAIT_METRIC]),
      journalWrite: overheadEstimates(result.overhead[JOURNAL_WRITE_METRIC]),
      ...(baseline !== undefined && { baseline: { ref: baseline.ref, commit: baseline.commit } }),
      peakRssBytes: result.peakRss,
      streaming: result.streaming,
      profile: profile && { summary: profile.summary, requests: profile.requests },
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(MAIN_JSON, `${JSON.stringify(report, null, 2)}\n`);
    writeResultsMarkdown();
    progress(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; wrote bench/RESULTS.md${profile ? `; profile ${profile.profilePath}` : ''}`);
  } finally {
    for (const t of targets.slice(1).reverse()) await t.stop().catch((err: unknown) => progress(`stop ${t.name}: ${String(err)}`));
    await upstream.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
