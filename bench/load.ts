// Drives one target at maximum throughput with autocannon (programmatic API) for one round and keeps sub-millisecond
// latencies: autocannon's own histogram rounds to whole milliseconds, so every 2xx response time is collected here.
// Fixed rates go through bench/paced.ts.
import autocannon from 'autocannon';
import { sorted } from './stats.js';

export interface LoadSpec {
  /** Full URL of the endpoint, e.g. `http://127.0.0.1:PORT/anthropic/v1/messages`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly connections: number;
  readonly durationS: number;
}

export interface LoadResult {
  /** Response times of 2xx answers in milliseconds (to the last byte), ascending. */
  readonly latenciesMs: Float64Array;
  /** 2xx answers per second over the round. */
  readonly throughput: number;
  readonly ok: number;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  /** The first non-2xx status seen, to say why a target failed. */
  readonly firstFailure?: number;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const times: number[] = [];
  let firstFailure: number | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        method: 'POST',
        headers: { ...spec.headers },
        body: spec.body,
        connections: spec.connections,
        duration: spec.durationS,
        pipelining: 1,
        timeout: 10,
      },
      (err: Error | null, done: autocannon.Result) => (err ? reject(err) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) times.push(responseTime);
      else firstFailure ??= statusCode;
    });
  });
  return {
    latenciesMs: sorted(times),
    throughput: result['2xx'] / result.duration,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    firstFailure,
  };
}
