// Runs the workloads against every target, interleaved (target order rotates each round) and repeated, after
// an excluded warm-up; collects per-run latencies, throughput, spendgate's /metrics overhead and RSS.
import { runLoad } from './load.js';
import { runPaced } from './paced.js';
import { difference, GATEWAY_HISTOGRAMS, scrapeOverhead, type GatewayHistogram, type HistogramSnapshot } from './overhead-metrics.js';
import { requestBody, type Workload } from './plan.js';
import { percentile } from './stats.js';
import { requestOnce } from './http-once.js';
import type { SpendgateTarget, Target, TargetName } from './targets.js';

export interface RunSample {
  readonly round: number;
  readonly workload: string;
  readonly target: TargetName;
  /** Latency (last byte; first byte for first-byte workloads), milliseconds. */
  readonly p50: number;
  readonly p99: number;
  /** 2xx answers per second. */
  readonly throughput: number;
  readonly ok: number;
  readonly failed: number;
  readonly firstFailure?: number;
}

export interface StreamingProbe {
  readonly target: TargetName;
  readonly ok: boolean;
  readonly status: number;
  readonly detail: string;
}

export interface RoundsResult {
  readonly samples: RunSample[];
  /**
   * The gateway-time histograms (by metric, then workload) over the measured runs (warm-up excluded): spendgate's
   * under the workload id, the baseline's under `<id> [baseline]`.
   */
  readonly overhead: Record<GatewayHistogram, Record<string, HistogramSnapshot>>;
  /** Highest RSS seen per process, bytes. */
  readonly peakRss: Partial<Record<TargetName, number>>;
  readonly streaming: StreamingProbe[];
}

export interface RoundsOptions {
  readonly targets: readonly Target[];
  /** spendgate, and the baseline build when there is one: their /metrics are read around every run. */
  readonly gateways: readonly SpendgateTarget[];
  readonly workloads: readonly Workload[];
  readonly rounds: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly progress: (line: string) => void;
}

/** Sends one streamed request; a target that cannot stream is left out of the SSE workloads, with the reason. */
export async function probeStreaming(target: Target): Promise<StreamingProbe> {
  try {
    const res = await requestOnce(target.messagesUrl, { method: 'POST', headers: target.headers, body: requestBody(true) });
    const ok = res.status === 200 && res.text.includes('event: message_stop');
    const logged = target.process?.output.find((line) => /TypeError|Error:/.test(line));
    const detail = ok ? 'streams' : `HTTP ${res.status} ${res.text.slice(0, 160)}${logged ? ` — server log: ${logged.trim()}` : ''}`;
    return { target: target.name, ok, status: res.status, detail };
  } catch (err) {
    return { target: target.name, ok: false, status: 0, detail: err instanceof Error ? err.message : String(err) };
  }
}

async function measure(target: Target, workload: Workload, durationS: number): Promise<Omit<RunSample, 'round' | 'workload' | 'target'>> {
  const body = requestBody(workload.stream, workload.request);
  if (workload.rate !== undefined) {
    const r = await runPaced({ url: target.messagesUrl, headers: target.headers, body, rate: workload.rate, durationS, connections: workload.connections });
    const times = workload.kind === 'first-byte' ? r.firstByteMs : r.lastByteMs;
    return {
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      throughput: r.ok / durationS,
      ok: r.ok,
      failed: r.failed + r.skipped,
      firstFailure: r.firstFailure,
    };
  }
  const r = await runLoad({ url: target.messagesUrl, headers: target.headers, body, connections: workload.connections, durationS });
  return {
    p50: percentile(r.latenciesMs, 50),
    p99: percentile(r.latenciesMs, 99),
    throughput: r.throughput,
    ok: r.ok,
    failed: r.non2xx + r.errors,
    firstFailure: r.firstFailure,
  };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const n = items.length;
  return items.map((_, i) => items[(i + by) % n]);
}

function addHistograms(a: HistogramSnapshot | undefined, b: HistogramSnapshot): HistogramSnapshot {
  if (a === undefined) return b;
  return { bounds: a.bounds, cumulative: a.cumulative.map((c, i) => c + b.cumulative[i]), sum: a.sum + b.sum, count: a.count + b.count };
}

export async function runRounds(options: RoundsOptions): Promise<RoundsResult> {
  const streaming = await Promise.all(options.targets.map(probeStreaming));
  const streams = new Set(streaming.filter((p) => p.ok).map((p) => p.target));
  const eligible = (t: Target, w: Workload): boolean => !w.stream || streams.has(t.name);
  const peakRss: Partial<Record<TargetName, number>> = {};
  const sampleRss = async (): Promise<void> => {
    for (const t of options.targets) {
      if (t.process === undefined) continue;
      // VmHWM: the highest RSS so far, including peaks between samples (a snapshot export, a GC).
      const rss = await t.process.peakRssBytes();
      peakRss[t.name] = Math.max(peakRss[t.name] ?? 0, rss);
    }
  };

  for (const t of options.targets) {
    for (const stream of [false, true]) {
      if (!eligible(t, { id: 'warmup', kind: 'load', request: 'word', stream, connections: 32 })) continue;
      options.progress(`warm-up ${t.name} ${stream ? 'sse' : 'json'} ${options.warmupS}s`);
      await runLoad({ url: t.messagesUrl, headers: t.headers, body: requestBody(stream), connections: 32, durationS: options.warmupS });
    }
  }

  const samples: RunSample[] = [];
  const overhead = Object.fromEntries(GATEWAY_HISTOGRAMS.map((m) => [m, {}])) as Record<GatewayHistogram, Record<string, HistogramSnapshot>>;
  for (let round = 1; round <= options.rounds; round++) {
    for (const workload of options.workloads) {
      for (const target of rotate(options.targets, round - 1)) {
        if (!eligible(target, workload)) continue;
        const gateway = options.gateways.find((g) => g === target);
        const before = gateway === undefined ? undefined : await scrapeOverhead(gateway.baseUrl);
        const m = await measure(target, workload, options.durationS);
        if (gateway !== undefined && before !== undefined) {
          const after = await scrapeOverhead(gateway.baseUrl);
          const key = gateway.name === 'spendgate' ? workload.id : `${workload.id} [${gateway.name}]`;
          for (const metric of GATEWAY_HISTOGRAMS) {
            const [a, b] = [after[metric], before[metric]];
            if (a !== undefined && b !== undefined) overhead[metric][key] = addHistograms(overhead[metric][key], difference(a, b));
          }
        }
        await sampleRss();
        samples.push({ round, workload: workload.id, target: target.name, ...m });
        options.progress(
          `round ${round} ${workload.id.padEnd(20)} ${target.name.padEnd(12)} p50 ${m.p50.toFixed(3)} ms  p99 ${m.p99.toFixed(3)} ms  ${m.throughput.toFixed(0)}/s` +
            (m.failed > 0 ? `  failed ${m.failed}${m.firstFailure ? ` (first HTTP ${m.firstFailure})` : ''}` : ''),
        );
      }
    }
  }
  return { samples, overhead, peakRss, streaming };
}
