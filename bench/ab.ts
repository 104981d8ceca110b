// `node --import tsx bench/ab.ts --baseline REF [--requests N]` (after `npm run build`): this checkout's spendgate and
// the REF build side by side, request by request on one connection each, alternating which goes first, for the
// one-word prompt and the Claude Code request (JSON and SSE). A shared, busy machine moves whole bench rounds by
// milliseconds; alternating single requests exposes both builds to the same moments. Prints p50/p90 per build.
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { buildBaseline } from './baseline.js';
import { requestBody, type RequestKind } from './plan.js';
import { percentile, sorted } from './stats.js';
import { startSpendgate, startUpstream, type SpendgateTarget } from './targets.js';

const progress = (line: string): void => void process.stderr.write(`[ab] ${line}\n`);

async function timeOne(pool: Pool, target: SpendgateTarget, body: string): Promise<number> {
  const started = performance.now();
  const res = await pool.request({ method: 'POST', path: new URL(target.messagesUrl).pathname, headers: target.headers, body });
  await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${target.name} answered HTTP ${res.statusCode}`);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { baseline: { type: 'string' }, requests: { type: 'string', default: '1000' }, warmup: { type: 'string', default: '200' } } });
  if (values.baseline === undefined) throw new Error('--baseline REF is required');
  const requests = Number(values.requests);
  const warmup = Number(values.warmup);
  const baseline = buildBaseline(values.baseline, progress);
  const upstream = await startUpstream();
  const current = await startSpendgate({ upstream: upstream.url, virtualKeys: 10 });
  const before = await startSpendgate({ upstream: upstream.url, virtualKeys: 10, baselineCli: baseline.cli });
  try {
    const cases: [RequestKind, boolean][] = [['word', false], ['claude-code', false], ['claude-code', true]];
    process.stdout.write(`| request | spendgate p50 ms | p90 ms | baseline (${values.baseline}) p50 ms | p90 ms |\n|---|---:|---:|---:|---:|\n`);
    for (const [request, stream] of cases) {
      const body = requestBody(stream, request);
      const pools = new Map([current, before].map((t) => [t, new Pool(new URL(t.messagesUrl).origin, { connections: 1 })] as const));
      const times = new Map<SpendgateTarget, number[]>([[current, []], [before, []]]);
      for (let i = 0; i < warmup + requests; i++) {
        for (const t of i % 2 === 0 ? [current, before] : [before, current]) {
          const ms = await timeOne(pools.get(t)!, t, body);
          if (i >= warmup) times.get(t)!.push(ms);
        }
      }
      for (const pool of pools.values()) await pool.close();
      const [a, b] = [sorted(times.get(current)!), sorted(times.get(before)!)];
      const f = (v: number) => v.toFixed(3);
      process.stdout.write(`| ${request} ${stream ? 'sse' : 'json'} | ${f(percentile(a, 50))} | ${f(percentile(a, 90))} | ${f(percentile(b, 50))} | ${f(percentile(b, 90))} |\n`);
    }
  } finally {
    await current.stop();
    await before.stop();
    await upstream.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
