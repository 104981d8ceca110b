// Scripted loopback HTTP upstreams for tests and benchmarks (record every request, answer from a script),
// and a provider harness that lets real SDK clients drive one provider directly.
import { getEventListeners } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { GatewayError } from '../../proxy/core/errors.js';
import type { Usage } from '../../proxy/core/usage.js';
import { HttpSink } from '../../proxy/server/sink.js';
import { JsonBody } from '../../proxy/core/json-body.js';
import type {
  ClientRequest,
  Operation,
  Provider,
  ProviderTarget,
  Timeouts,
  UpstreamOutcome,
} from '../../proxy/providers/types.js';

export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Query string without `?` ('' when none). */
  readonly query: string;
  readonly headers: http.IncomingHttpHeaders;
  /** The body bytes exactly as received. */
  readonly body: Buffer;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** How the upstream answers one request. Every field is optional; the defaults answer successfully at once. */
export interface ReplyScript {
  /** HTTP status; 200 by default, 500 when `error` is set. */
  readonly status?: number;
  /** Answer with the protocol's error body instead of a result. */
  readonly error?: { readonly type: string; readonly message: string; readonly code?: string };
  /** Extra response headers, e.g. `retry-after`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Wait this long before sending the response headers. */
  readonly latencyMs?: number;
  /** Wait this long between two SSE events. */
  readonly dripMs?: number;
  /** The reply text; by default derived from the request (it names the model). */
  readonly text?: string;
  /** How many content deltas the text is streamed in; one per word by default. */
  readonly deltas?: number;
  /** Usage reported; input defaults to a quarter of the request body's bytes, output to the number of deltas. */
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cacheReadTokens?: number;
  readonly cacheWrite5mTokens?: number;
  readonly cacheWrite1hTokens?: number;
  /** OpenAI Responses only: how many of the output tokens were reasoning (reported in `output_tokens_details`). */
  readonly reasoningTokens?: number;
  /** Also answer with a tool call. */
  readonly toolUse?: { readonly name: string; readonly input: Readonly<Record<string, unknown>> };
  /**
   * Anthropic only: open the answer with a signed thinking block, as the API does when the request turns thinking
   * on (`enabled` or `adaptive`); ignored when the request has no thinking. With `display: "omitted"` the block's
   * text is empty and only the signature is sent, like the real API.
   */
  readonly thinking?: { readonly text: string; readonly signature: string };
  /** Anthropic only: a `redacted_thinking` block with this opaque data after the thinking, under the same condition. */
  readonly redactedThinking?: string;
  /** Drop the connection after this many SSE events. */
  readonly resetAfterEvents?: number;
  /** Never answer (the connection stays open until the upstream closes). */
  readonly hang?: boolean;
}

export interface TestUpstream {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Queue replies for the next requests, in order; when the queue is empty the default reply answers. */
  script(...replies: ReplyScript[]): void;
  /** Replace the default reply (used when nothing is scripted). */
  setDefault(reply: ReplyScript): void;
  close(): Promise<void>;
}

/** Answers one request according to a script. */
export type ReplyHandler = (request: RecordedRequest, reply: ReplyScript, res: http.ServerResponse) => Promise<void>;

export interface ScriptedUpstreamOptions {
  /** The loopback port to listen on; a free one when 0 or absent (every test). */
  readonly port?: number;
  /**
   * false: do not keep the requests in `requests` (the bench, which sends millions: kept for even a second, 500
   * parsed 90 KB bodies a second reach V8's old generation and its full collections, on the cores the gateway
   * under measurement uses).
   */
  readonly record?: boolean;
  /** How a body is read as JSON (throwing when it is not); JSON.parse of its UTF-8 text when absent. */
  readonly parseJson?: (body: Buffer) => unknown;
}

/** Starts the upstream on loopback. */
export async function startScriptedUpstream(handle: ReplyHandler, options: ScriptedUpstreamOptions = {}): Promise<TestUpstream> {
  const port = options.port ?? 0;
  const record = options.record ?? true;
  const parse = options.parseJson ?? parseUtf8Json;
  const requests: RecordedRequest[] = [];
  const queue: ReplyScript[] = [];
  let fallback: ReplyScript = {};
  const sockets = new Set<Socket>();

  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://upstream.test');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.search.replace(/^\?/, ''),
        headers: req.headers,
        body,
        json: parseJson(body, parse),
      };
      if (record) requests.push(recorded);
      const reply = queue.shift() ?? fallback;
      handle(recorded, reply, res).catch((err: unknown) => {
        // A broken test upstream must fail loudly, not hang the test.
        console.error('test upstream handler failed', err);
        res.destroy(err instanceof Error ? err : new Error(String(err)));
      });
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const bound = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    requests,
    script: (...replies) => {
      queue.push(...replies);
    },
    setDefault: (reply) => {
      fallback = reply;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function parseUtf8Json(body: Buffer): unknown {
  return JSON.parse(body.toString('utf8'));
}

function parseJson(body: Buffer, parse: (body: Buffer) => unknown): unknown {
  if (body.length === 0) return undefined;
  try {
    return parse(body);
  } catch {
    return undefined;
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Honours `hang` and `latencyMs`; resolves false when the request must never be answered. */
export async function beforeHeaders(reply: ReplyScript): Promise<boolean> {
  if (reply.hang === true) return false;
  if (reply.latencyMs !== undefined && reply.latencyMs > 0) await delay(reply.latencyMs);
  return true;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(bytes.length), ...headers });
  res.end(bytes);
}

/** One SSE event: `event:` line when named, then one `data:` line. */
export function sseEvent(name: string | undefined, data: unknown): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  return `${name === undefined ? '' : `event: ${name}\n`}data: ${payload}\n\n`;
}

function write(res: http.ServerResponse, chunk: string): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) {
      resolve();
      return;
    }
    res.write(chunk, () => resolve());
  });
}

/** Streams events with the script's drip delay; drops the connection after `resetAfterEvents` events. */
export async function sendSse(res: http.ServerResponse, events: readonly string[], reply: ReplyScript): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...reply.headers });
  const reset = reply.resetAfterEvents !== undefined && reply.resetAfterEvents < events.length;
  const sent = reset ? events.slice(0, reply.resetAfterEvents) : events;
  const drip = reply.dripMs ?? 0;
  if (drip <= 0) {
    if (sent.length > 0) await write(res, sent.join(''));
  } else {
    for (let i = 0; i < sent.length && !res.destroyed; i++) {
      if (i > 0) await delay(drip);
      await write(res, sent[i]);
    }
  }
  if (reset) res.socket?.destroy();
  else res.end();
}

/** Splits text into `pieces` consecutive parts (one per word by default) that concatenate back to it. */
export function splitText(text: string, pieces?: number): string[] {
  if (pieces === undefined) return text.match(/\S+\s*|\s+/g) ?? [text];
  const count = Math.max(1, Math.min(pieces, text.length));
  const size = Math.ceil(text.length / count);
  const parts: string[] = [];
  for (let i = 0; i < text.length; i += size) parts.push(text.slice(i, i + size));
  return parts.length > 0 ? parts : [''];
}

/** Default input token count for a request: roughly four bytes of body per token, at least one. */
export function estimateInputTokens(body: Buffer): number {
  return Math.max(1, Math.ceil(body.length / 4));
}

/** The `model` field of a JSON request body, or 'unknown-model'. */
export function requestedModel(request: RecordedRequest): string {
  const model = (request.json as { model?: unknown } | undefined)?.model;
  return typeof model === 'string' ? model : 'unknown-model';
}

/** The default reply text: names the model so tests can see where a request was routed. */
export function defaultReplyText(request: RecordedRequest): string {
  return `Reply from ${requestedModel(request)}.`;
}

// ---------------------------------------------------------------------------------------------------------------
// Provider harness: a loopback "gateway" that hands each request to one provider, so real SDK clients can talk to it.

/** What one provider.send did. */
export interface SendRecord {
  readonly request: ClientRequest;
  readonly outcome?: UpstreamOutcome;
  /** What send threw: a GatewayError before the response started, anything else is a provider bug. */
  readonly error?: unknown;
  /** Every onUsage call, in order. */
  readonly usageReports: readonly Usage[];
  readonly sawFirstByte: boolean;
}

export interface ProviderHarness {
  /** Point an SDK here: the Anthropic SDK at `url`, the OpenAI SDK at `${url}/v1`. */
  readonly url: string;
  /** Resolves with the record of the next send to finish (in completion order). */
  nextSend(): Promise<SendRecord>;
  /** Closes the front and the provider; rejects if a send left an abort listener on its signal (see assertListenersReleased). */
  close(): Promise<void>;
}

export interface ProviderHarnessOptions {
  readonly provider: Provider;
  readonly target: ProviderTarget;
  readonly protocol: 'anthropic' | 'openai';
  readonly timeouts?: Timeouts;
}

const OPERATIONS: Readonly<Record<string, Operation>> = {
  '/v1/messages': 'messages',
  '/v1/messages/count_tokens': 'count_tokens',
  '/v1/chat/completions': 'chat_completions',
};

const CREDENTIAL_HEADERS = new Set(['authorization', 'x-api-key', 'x-bf-vk']);

export async function startProviderHarness(options: ProviderHarnessOptions): Promise<ProviderHarness> {
  const timeouts = options.timeouts ?? { connectMs: 2_000, firstByteMs: 10_000, idleMs: 10_000 };
  const done: SendRecord[] = [];
  const waiting: ((record: SendRecord) => void)[] = [];
  const calls: SettledCall[] = [];
  const settle = (record: SendRecord, signal: AbortSignal) => {
    calls.push({ request: record.request, signal });
    const waiter = waiting.shift();
    if (waiter) waiter(record);
    else done.push(record);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://gateway.test');
      const body = raw.length === 0 ? JsonBody.EMPTY : JsonBody.read(raw);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined || CREDENTIAL_HEADERS.has(name)) continue;
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const request: ClientRequest = {
        protocol: options.protocol,
        operation: OPERATIONS[url.pathname] ?? 'messages',
        model: typeof body.get('model') === 'string' ? (body.get('model') as string) : '',
        stream: body.get('stream') === true,
        body,
        headers,
        query: url.search.replace(/^\?/, ''),
      };
      const usageReports: Usage[] = [];
      let sawFirstByte = false;
      // The gateway's own sink: the end it holds back is released once send returns.
      const sink = new HttpSink(res);
      const { signal } = new AbortController();
      options.provider
        .send(request, options.target, sink, {
          timeouts,
          signal,
          onUsage: (usage) => usageReports.push(usage),
          onFirstByte: () => {
            sawFirstByte = true;
          },
        })
        .then(
          (outcome) => {
            sink.release();
            settle({ request, outcome, usageReports, sawFirstByte }, signal);
          },
          (err: unknown) => {
            if (err instanceof GatewayError) respondWithError(res, options.protocol, err);
            else res.destroy();
            settle({ request, error: err, usageReports, sawFirstByte }, signal);
          },
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    nextSend: () => {
      const record = done.shift();
      return record ? Promise.resolve(record) : new Promise((resolve) => waiting.push(resolve));
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await options.provider.close();
      assertListenersReleased(calls);
    },
  };
}

/** A provider call whose send has settled, and the abort signal it was given. */
export interface SettledCall {
  readonly request: ClientRequest;
  readonly signal: AbortSignal;
}

/**
 * The gateway passes one long-lived shutdown signal to every call, so a call must take its abort listener off once
 * it is over, however it ends: one left behind per request is a leak for as long as the gateway runs. (undici takes
 * its listener off when the response body closes, a tick after send has read it, so fronts ask when they close.)
 * Throws naming the request of every call whose signal still has a listener.
 */
export function assertListenersReleased(calls: readonly SettledCall[]): void {
  const leaks = calls.flatMap(({ request, signal }) => {
    const left = getEventListeners(signal, 'abort').length;
    return left === 0 ? [] : [`${request.protocol} ${request.operation} ${request.model}${request.stream ? ' (stream)' : ''}: ${left} listener(s)`];
  });
  if (leaks.length > 0) throw new Error(`provider calls left abort listeners behind:\n${leaks.join('\n')}`);
}

/** The protocol's error body for a GatewayError, as the gateway's api layer would render an upstream failure. */
function respondWithError(res: http.ServerResponse, protocol: 'anthropic' | 'openai', err: GatewayError): void {
  const type = err.upstreamType ?? 'api_error';
  const body = protocol === 'anthropic'
    ? { type: 'error', error: { type, message: err.message } }
    : { error: { message: err.message, type, code: 'upstream_error' } };
  const headers: Record<string, string> = err.retryAfter === undefined ? {} : { 'retry-after': String(err.retryAfter) };
  sendJson(res, err.status, body, headers);
}

/** Posts a JSON body and drops the connection as soon as the first response bytes arrive (a client walking away). */
export function postAndDisconnect(url: string, body: unknown, headers: Readonly<Record<string, string>> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
    req.end(JSON.stringify(body));
  });
}
