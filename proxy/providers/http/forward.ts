// One HTTP upstream call, shared by the Anthropic and OpenAI providers: dispatch, map failures, relay JSON or SSE.
import type { IncomingHttpHeaders } from 'node:http';
import type { GatewayError } from '../../core/errors.js';
import type { Usage } from '../../core/usage.js';
import type { ResponseSink, SendOptions, UpstreamOutcome } from '../types.js';
import { clientResponseHeaders, isEventStream } from './headers.js';
import type { UpstreamPools } from './pools.js';
import { relayStream, type StreamObserver } from './relay.js';
import { describeFailure, transportError } from './transport-errors.js';
import { redactCredentials } from '../redact.js';

/** A fully built upstream request. */
export interface UpstreamCall {
  /** e.g. `https://api.anthropic.com` */
  readonly origin: string;
  /** Path and query, e.g. `/v1/messages?beta=true`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The model the upstream is asked for, reported as `servedModel`. */
  readonly model: string;
}

/** The protocol-specific parts of a call: error mapping, JSON usage, stream observation. */
export interface ProtocolAdapter {
  /** Used in messages: `anthropic`, `openai`. */
  readonly name: string;
  httpError(status: number, headers: IncomingHttpHeaders, body: string): GatewayError;
  jsonResult(body: Buffer): { readonly usage: Usage | null; readonly stopReason?: string };
  streamObserver(): StreamObserver;
}

/** Error bodies larger than this are cut: only the type and message matter. */
const MAX_ERROR_BODY_BYTES = 1024 * 1024;

export async function forward(
  pools: UpstreamPools,
  call: UpstreamCall,
  adapter: ProtocolAdapter,
  sink: ResponseSink,
  options: SendOptions,
): Promise<UpstreamOutcome> {
  const { timeouts, signal } = options;
  let response;
  try {
    response = await pools.get(call.origin, timeouts.connectMs).request({
      method: 'POST',
      path: call.path,
      headers: call.headers,
      body: call.body,
      signal,
      headersTimeout: timeouts.firstByteMs,
      bodyTimeout: timeouts.idleMs,
    });
  } catch (err) {
    throw transportError(adapter.name, err, signal);
  }
  options.onFirstByte?.();
  const { statusCode, headers, body } = response;
  const describe = (err: unknown) => `${adapter.name} upstream failed mid-response: ${describeFailure(err, signal)}`;

  if (statusCode >= 400) {
    let text: string;
    try {
      text = await readLimited(body, MAX_ERROR_BODY_BYTES);
    } catch (err) {
      throw transportError(adapter.name, err, signal);
    }
    // Upstreams echo rejected keys in their errors; the message goes to the client, the log and the store.
    throw adapter.httpError(statusCode, headers, redactCredentials(text, options.secrets));
  }

  if (isEventStream(headers)) {
    sink.head(statusCode, { ...clientResponseHeaders(headers), 'cache-control': 'no-cache' });
    const result = await relayStream(body, sink, adapter.streamObserver(), options.onUsage, describe, options.secrets);
    return { status: statusCode, servedModel: call.model, ...result };
  }

  let bytes: Buffer;
  try {
    bytes = Buffer.from(await body.arrayBuffer());
  } catch (err) {
    throw transportError(adapter.name, err, signal);
  }
  const { usage, stopReason } = adapter.jsonResult(bytes);
  if (usage !== null) options.onUsage?.(usage);
  sink.head(statusCode, { ...clientResponseHeaders(headers), 'content-length': String(bytes.length) });
  sink.end(bytes);
  return { status: statusCode, usage, servedModel: call.model, stopReason };
}

async function readLimited(body: AsyncIterable<Uint8Array>, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size >= maxBytes) continue; // keep draining so the connection can be reused
    const buf = Buffer.from(chunk);
    chunks.push(buf);
    size += buf.length;
  }
  return Buffer.concat(chunks).subarray(0, maxBytes).toString('utf8');
}
