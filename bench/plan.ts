// What the bench measures: the workloads (fixed rates and maximum throughput, JSON and SSE, stream first byte), each
// with one of two requests: a one-word prompt, or the ~90 KB first request Claude Code sends (system prompt, tools,
// history), recorded from the real CLI (test/fixtures/claude-code/first-turn-sonnet4.json).
import { loadClaudeCodeFixture } from '../test/fixtures/claude-code/index.js';
import { BENCH_MODEL } from './seed-config.js';

export type WorkloadKind = 'load' | 'first-byte';
/** `word`: a one-sentence prompt; `claude-code`: the recorded Claude Code request. */
export type RequestKind = 'word' | 'claude-code';

export interface Workload {
  /** Stable id used in the results, e.g. `json@2000`, `sse@max`, `sse-first-byte@500`, `cc-json@500`. */
  readonly id: string;
  readonly kind: WorkloadKind;
  readonly request: RequestKind;
  readonly stream: boolean;
  /** Requests per second; undefined for maximum throughput. */
  readonly rate?: number;
  readonly connections: number;
}

/** Concurrency per offered rate: enough connections to sustain it on loopback, the same for every target. */
function connectionsFor(rate: number | undefined): number {
  if (rate === undefined) return 32;
  if (rate <= 500) return 8;
  if (rate <= 2000) return 16;
  return 32;
}

const PREFIX: Record<RequestKind, string> = { word: '', 'claude-code': 'cc-' };

export function loadWorkload(stream: boolean, rate?: number, request: RequestKind = 'word'): Workload {
  const id = `${PREFIX[request]}${stream ? 'sse' : 'json'}@${rate ?? 'max'}`;
  return { id, kind: 'load', request, stream, rate, connections: connectionsFor(rate) };
}

function firstByteWorkload(request: RequestKind): Workload {
  return { id: `${PREFIX[request]}sse-first-byte@500`, kind: 'first-byte', request, stream: true, rate: 500, connections: 16 };
}

/**
 * JSON at every rate and at max; SSE at the rates up to 2000 and at max (a 50-event stream is ~10× the bytes);
 * time to first byte of SSE at 500 RPS; and the Claude Code request as JSON and SSE at 500 RPS and at max, with its
 * SSE first byte at 500 RPS.
 */
export function benchWorkloads(rates: readonly number[]): Workload[] {
  const json = [...rates.map((r) => loadWorkload(false, r)), loadWorkload(false)];
  const sse = [...rates.filter((r) => r <= 2000).map((r) => loadWorkload(true, r)), loadWorkload(true)];
  const claudeCode = [
    loadWorkload(false, 500, 'claude-code'),
    loadWorkload(true, 500, 'claude-code'),
    loadWorkload(false, undefined, 'claude-code'),
    loadWorkload(true, undefined, 'claude-code'),
    firstByteWorkload('claude-code'),
  ];
  return [...json, ...sse, firstByteWorkload('word'), ...claudeCode];
}

/** The recorded Claude Code body (its `model` is BENCH_MODEL), parsed once. */
let claudeCodeBody: Record<string, unknown> | undefined;

function recordedClaudeCodeBody(): Record<string, unknown> {
  if (claudeCodeBody === undefined) {
    const [first] = loadClaudeCodeFixture('first-turn-sonnet4').requests;
    if (first.body.model !== BENCH_MODEL) throw new Error(`the Claude Code fixture asks for ${first.body.model}, the bench config serves ${BENCH_MODEL}`);
    claudeCodeBody = { ...first.body };
  }
  return claudeCodeBody;
}

/** The request a workload sends, the same bytes for every target. */
export function requestBody(stream: boolean, request: RequestKind = 'word'): string {
  if (request === 'claude-code') return JSON.stringify({ ...recordedClaudeCodeBody(), stream });
  return JSON.stringify({
    model: BENCH_MODEL,
    max_tokens: 256,
    stream,
    messages: [{ role: 'user', content: 'Say hello to the benchmark in one short sentence.' }],
  });
}
