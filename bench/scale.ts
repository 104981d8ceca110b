// `npm run bench -- --scale`: overhead with 10 vs 10,000 virtual keys, /api/logs latency on a 1 M-row store
// (rows written through the store API), and spendgate's RSS over a 1 M-request run (embedded store) and a shorter
// one on the PostgreSQL ledger. Writes bench/results/scale.json.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openStore } from '../proxy/store/open.js';
import { requestOnce } from './http-once.js';
import { runLoad } from './load.js';
import { seededRandom, syntheticKeyId, syntheticLogs } from './log-rows.js';
import { describeMachine } from './machine.js';
import { runPaced } from './paced.js';
import { loadWorkload, requestBody, type Workload } from './plan.js';
import { RESULTS_DIR, SCALE_JSON, writeResultsMarkdown, type RssSample, type ScaleReport } from './report.js';
import { median, percentile } from './stats.js';
import { directTarget, startSpendgate, startUpstream, type Target } from './targets.js';

const progress = (line: string): void => void process.stderr.write(`[scale] ${line}\n`);

async function p50p99(target: Target, w: Workload, durationS: number): Promise<{ p50: number; p99: number; throughput: number }> {
  const body = requestBody(w.stream);
  if (w.rate !== undefined) {
    const r = await runPaced({ url: target.messagesUrl, headers: target.headers, body, connections: w.connections, durationS, rate: w.rate });
    return { p50: percentile(r.lastByteMs, 50), p99: percentile(r.lastByteMs, 99), throughput: r.ok / durationS };
  }
  const r = await runLoad({ url: target.messagesUrl, headers: target.headers, body, connections: w.connections, durationS });
  return { p50: percentile(r.latenciesMs, 50), p99: percentile(r.latenciesMs, 99), throughput: r.throughput };
}

async function virtualKeyScale(upstream: string, keyCounts: readonly number[], rounds: number, durationS: number): Promise<ScaleReport['virtualKeys']> {
  const direct = directTarget(upstream);
  const out: ScaleReport['virtualKeys'][number][] = [];
  for (const keys of keyCounts) {
    const t0 = performance.now();
    const sg = await startSpendgate({ upstream, virtualKeys: keys, startTimeoutMs: 120_000 });
    const startMs = performance.now() - t0;
    try {
      await runLoad({ url: sg.messagesUrl, headers: sg.headers, body: requestBody(false), connections: 32, durationS: 2 });
      for (const w of [loadWorkload(false, 500), loadWorkload(false)]) {
        const added50: number[] = [];
        const added99: number[] = [];
        const tput: number[] = [];
        for (let round = 0; round < rounds; round++) {
          const d = await p50p99(direct, w, durationS);
          const s = await p50p99(sg, w, durationS);
          added50.push(s.p50 - d.p50);
          added99.push(s.p99 - d.p99);
          tput.push(s.throughput);
        }
        const row = { keys, workload: w.id, addedP50: median(added50), addedP99: median(added99), throughput: median(tput), startMs };
        progress(`${keys} keys ${w.id}: added p50 ${row.addedP50.toFixed(3)} ms, p99 ${row.addedP99.toFixed(3)} ms, ${row.throughput.toFixed(0)}/s`);
        out.push(row);
      }
    } finally {
      await sg.stop();
    }
  }
  return out;
}

/** Rows per store session: closing writes a snapshot and compacts the journal, which the embedded store
 * re-reads as one string — past ~512 MiB of journal (≈ 700 k rows) V8 refuses ("Invalid string length"). */
const ROWS_PER_SESSION = 200_000;

async function fillStore(dataDir: string, rows: number): Promise<number> {
  const t0 = performance.now();
  const random = seededRandom(20_251_129);
  const batch = 5_000;
  const now = Date.now();
  for (let session = 0; session < rows; session += ROWS_PER_SESSION) {
    const store = await openStore({ dataDir });
    try {
      for (let from = session; from < Math.min(rows, session + ROWS_PER_SESSION); from += batch) {
        await store.commit({ charges: [], logs: syntheticLogs(from, Math.min(batch, rows - from), rows, now, random) });
      }
    } finally {
      await store.close();
    }
    progress(`store: ${Math.min(rows, session + ROWS_PER_SESSION)} / ${rows} rows`);
  }
  return (performance.now() - t0) / 1000;
}

const LOG_QUERIES: readonly { name: string; query: string }[] = [
  { name: 'newest page', query: 'limit=50' },
  { name: 'one key', query: `virtual_key_ids=${syntheticKeyId(7)}&limit=50` },
  { name: 'model + error status', query: 'models=claude-opus-4-1-20250805&status=5xx&limit=50' },
  { name: 'last 24 h, costly, by cost', query: `start_time=${new Date(Date.now() - 86_400_000).toISOString()}&min_cost=0.1&sort_by=cost&order=desc&limit=100` },
  { name: 'team + stream + tokens', query: 'team_ids=research&stream=true&min_tokens=10000&sort_by=latency&limit=50' },
  { name: 'deep offset', query: 'limit=50&offset=500000' },
  { name: 'request id', query: 'request_id=bench-req-123456' },
];

async function logQueryScale(upstream: string, rows: number, repeats: number): Promise<NonNullable<ScaleReport['logQueries']>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'spendgate-bench-store-'));
  const fillSeconds = await fillStore(dataDir, rows);
  progress(`store filled in ${fillSeconds.toFixed(1)} s; starting spendgate on it`);
  const t0 = performance.now();
  // The whole filled store is the point: a cap below it would drop most of it on the first applied batch.
  const sg = await startSpendgate({ upstream, virtualKeys: 10, dataDir, startTimeoutMs: 600_000, maxRecords: rows });
  const startSeconds = (performance.now() - t0) / 1000;
  try {
    const queries: NonNullable<ScaleReport['logQueries']>['queries'][number][] = [];
    for (const q of LOG_QUERIES) {
      const times: number[] = [];
      let totalCount = Number.NaN;
      for (let i = 0; i < repeats; i++) {
        const t = performance.now();
        const res = await requestOnce(`${sg.baseUrl}/api/logs?${q.query}`, { headers: { authorization: `Bearer ${sg.adminToken}` } });
        times.push(performance.now() - t);
        if (res.status !== 200) throw new Error(`/api/logs?${q.query}: HTTP ${res.status} ${res.text.slice(0, 200)}`);
        totalCount = (JSON.parse(res.text) as { pagination: { total_count: number } }).pagination.total_count;
      }
      const row = { ...q, p50Ms: median(times), maxMs: Math.max(...times), totalCount };
      progress(`/api/logs ${q.name}: p50 ${row.p50Ms.toFixed(1)} ms, max ${row.maxMs.toFixed(1)} ms, total_count ${totalCount}`);
      queries.push(row);
    }
    return { rows, fillSeconds, startSeconds, queries };
  } finally {
    await sg.stop();
  }
}

/** A throwaway PostgreSQL schema for one run, reached through the connection string's search_path. */
async function withPostgresSchema<T>(baseUrl: string, run: (url: string) => Promise<T>): Promise<T> {
  const name = `spendgate_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${name}`);
    try {
      const sep = baseUrl.includes('?') ? '&' : '?';
      return await run(`${baseUrl}${sep}options=${encodeURIComponent(`-c search_path=${name}`)}`);
    } finally {
      await admin.query(`DROP SCHEMA ${name} CASCADE`);
    }
  } finally {
    await admin.end();
  }
}

/**
 * spendgate's RSS while it serves `total` requests as fast as it can (JSON, every other 5 s step SSE), sampled
 * every 5 s. With the embedded store every request also adds a row to the in-memory log table; with PostgreSQL
 * the log lives out of process, which separates the engine's own memory from the table's.
 */
async function rssOverRequests(upstream: string, total: number, store: string | undefined, maxRecords?: number): Promise<RssSample[]> {
  const sg = await startSpendgate({ upstream, virtualKeys: 10, store, maxRecords });
  const samples: RssSample[] = [{ atSeconds: 0, requests: 0, rssMiB: (await sg.process!.rssBytes()) / 2 ** 20 }];
  let requests = 0;
  const step = 5;
  try {
    for (let at = step; requests < total; at += step) {
      const r = await runLoad({ url: sg.messagesUrl, headers: sg.headers, body: requestBody(at % 10 === 0), connections: 16, durationS: step });
      requests += r.ok;
      const rssMiB = (await sg.process!.rssBytes()) / 2 ** 20;
      const peakMiB = (await sg.process!.peakRssBytes()) / 2 ** 20;
      samples.push({ atSeconds: at, requests, rssMiB, peakMiB });
      progress(`rss (${store === undefined ? 'embedded' : 'postgres'}) at ${at}s: ${rssMiB.toFixed(0)} MiB (peak ${peakMiB.toFixed(0)}) after ${requests} requests`);
    }
  } finally {
    await sg.stop();
  }
  return samples;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      keys: { type: 'string', default: '10,10000' },
      rounds: { type: 'string', default: '3' },
      duration: { type: 'string', default: '4' },
      'long-requests': { type: 'string', default: '1000000' },
      'long-requests-pg': { type: 'string', default: '250000' },
      pg: { type: 'string', default: process.env.SPENDGATE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
      repeats: { type: 'string', default: '5' },
      // Which checks to run (a short check runs one); all by default.
      parts: { type: 'string', default: 'keys,rss,rss-pg,logs' },
      // logging.max_records for the long embedded-store run; the default setting when absent.
      'max-records': { type: 'string' },
    },
  });
  const parts = new Set(values.parts.split(',').map((p) => p.trim()));
  const maxRecords = values['max-records'] === undefined ? undefined : Number(values['max-records']);
  const started = Date.now();
  const upstream = await startUpstream();
  try {
    const virtualKeys = parts.has('keys') ? await virtualKeyScale(upstream.url, values.keys.split(',').map(Number), Number(values.rounds), Number(values.duration)) : [];
    const rss = parts.has('rss') ? await rssOverRequests(upstream.url, Number(values['long-requests']), undefined, maxRecords) : [];
    let rssPostgres: RssSample[] | undefined;
    if (parts.has('rss-pg')) {
      try {
        rssPostgres = await withPostgresSchema(values.pg, (url) => rssOverRequests(upstream.url, Number(values['long-requests-pg']), url));
      } catch (err) {
        progress(`PostgreSQL RSS run skipped: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    let logQueries: ScaleReport['logQueries'];
    let logQueryError: string | undefined;
    if (parts.has('logs')) {
      try {
        logQueries = await logQueryScale(upstream.url, Number(values.rows), Number(values.repeats));
      } catch (err) {
        logQueryError = err instanceof Error ? err.message : String(err);
        progress(`log query check failed: ${logQueryError}`);
      }
    } else logQueryError = 'not run (--parts)';
    const report: ScaleReport = {
      date: new Date(started).toISOString(),
      command: `npm run bench -- --scale${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
      machine: describeMachine(),
      virtualKeys,
      logQueries,
      logQueryError,
      rss,
      rssPostgres,
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(SCALE_JSON, `${JSON.stringify(report, null, 2)}\n`);
    writeResultsMarkdown();
    progress(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; wrote bench/RESULTS.md`);
  } finally {
    await upstream.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
