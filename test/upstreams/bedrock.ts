// A loopback Bedrock Runtime: the real wire protocol (JSON and event streams, x-amzn-errortype errors) over HTTP/1.1
// and cleartext HTTP/2 on one port, with scripted failures, request recording, a TCP connection count
// and the refusals real Bedrock gives (bedrock-rules.ts).
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { delay } from './common.js';
import { applicationProfileModel } from './bedrock-models.js';
import { refusal, type BedrockOperation } from './bedrock-rules.js';
import { STANDIN_THINKING } from './bedrock-rules-converse.js';
import type { CloudWatchStandIn } from './cloudwatch.js';

export type { BedrockOperation } from './bedrock-rules.js';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0');

export type Request = http.IncomingMessage | http2.Http2ServerRequest;
export type Response = http.ServerResponse | http2.Http2ServerResponse;
export type Handler = (req: Request, res: Response) => void;

export interface DualServer {
  readonly port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  close(): Promise<void>;
}

/**
 * Serves HTTP/1.1 and prior-knowledge HTTP/2 on one port: the first bytes of each connection decide which server
 * gets the socket (http2.createServer cannot fall back to HTTP/1.1 without TLS).
 */
export async function listenHttp1And2(handler: Handler): Promise<DualServer> {
  const h1 = http.createServer({ keepAliveTimeout: 60_000 }, handler);
  const h2 = http2.createServer({}, handler);
  const sockets = new Set<net.Socket>();
  let connections = 0;
  const tcp = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('readable', () => {
      const first: Buffer | null = socket.read();
      if (first === null) return;
      socket.unshift(first);
      const isH2 = first.subarray(0, H2_PREFACE.length).equals(H2_PREFACE.subarray(0, Math.min(first.length, H2_PREFACE.length)));
      (isH2 ? h2 : h1).emit('connection', socket);
    });
  });
  await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
  return {
    port: (tcp.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        tcp.close(() => resolve());
      }),
  };
}

export type RecordedAuth =
  | { readonly scheme: 'sigv4'; readonly accessKeyId: string; readonly region: string; readonly service: string }
  | { readonly scheme: 'bearer'; readonly token: string }
  | { readonly scheme: 'none' };

export interface BedrockRecordedRequest {
  readonly operation: BedrockOperation;
  /** Percent-decoded model id from the path. */
  readonly modelId: string;
  /** The path as sent (model ids with `:` arrive percent-encoded). */
  readonly rawPath: string;
  readonly httpVersion: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly auth: RecordedAuth;
  readonly body: Buffer;
  readonly json: Record<string, unknown> | undefined;
}

export interface BedrockReply {
  /** Fail before answering with this Bedrock exception (`x-amzn-errortype`). */
  readonly error?: { readonly type: string; readonly status: number; readonly message: string };
  readonly latencyMs?: number;
  readonly text?: string;
  /** Answer with a tool call when the request offers tools. */
  readonly toolUse?: { readonly name: string; readonly input: Readonly<Record<string, unknown>> };
  /** Streams only: send this exception event after `afterEvents` events, then end. */
  readonly streamException?: { readonly type: string; readonly message: string; readonly afterEvents: number };
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly cacheReadTokens?: number;
  readonly cacheWriteTokens?: number;
  /** Converse only: end with this stop reason instead of end_turn / tool_use (e.g. max_tokens). */
  readonly stopReason?: string;
}

export interface BedrockUpstreamOptions {
  /** Bare model ids that fail on demand with Bedrock's "use an inference profile" ValidationException. */
  readonly profileOnly?: readonly string[];
  /** Application inference profiles this account has: ARN → the model id it routes to. Other such ARNs are refused. */
  readonly applicationProfiles?: Readonly<Record<string, string>>;
  /** Where the invocations Bedrock served are metered, as CloudWatch's AWS/Bedrock metrics per ModelId (test/upstreams/cloudwatch.ts). */
  readonly meter?: Pick<CloudWatchStandIn, 'meter'>;
  /** The region metered for calls without a SigV4 scope (Bedrock API keys); us-east-1 by default. */
  readonly region?: string;
}

export interface BedrockUpstream {
  readonly url: string;
  readonly requests: BedrockRecordedRequest[];
  readonly connections: number;
  script(...replies: BedrockReply[]): void;
  setDefault(reply: BedrockReply): void;
  close(): Promise<void>;
}

function parseAuth(header: string | undefined): RecordedAuth {
  if (header === undefined) return { scheme: 'none' };
  const sig = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(header);
  if (sig) return { scheme: 'sigv4', accessKeyId: sig[1], region: sig[2], service: sig[3] };
  const bearer = /^Bearer (.+)$/.exec(header);
  return bearer ? { scheme: 'bearer', token: bearer[1] } : { scheme: 'none' };
}

function parseObject(body: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function frame(eventType: string, payload: unknown): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

function exceptionFrame(type: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: type.charAt(0).toLowerCase() + type.slice(1) },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'exception' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

function sendError(res: Response, status: number, type: string, message: string): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/`, 'x-amzn-requestid': 'req-error' });
  res.end(body);
}

/** What the model "says": the scripted text, a reply to a tool result, or a line naming the model. */
function replyText(request: BedrockRecordedRequest, reply: BedrockReply): string {
  if (reply.text !== undefined) return reply.text;
  const messages = Array.isArray(request.json?.messages) ? (request.json?.messages as Record<string, unknown>[]) : [];
  const last = messages[messages.length - 1];
  const content = Array.isArray(last?.content) ? (last.content as Record<string, unknown>[]) : [];
  for (const block of content) {
    const converse = block.toolResult as { content?: { text?: string }[] } | undefined;
    if (converse?.content?.[0]?.text !== undefined) return `The tool said: ${converse.content[0].text}`;
    if (block.type === 'tool_result') return `The tool said: ${typeof block.content === 'string' ? block.content : JSON.stringify(block.content)}`;
  }
  return `Reply from ${request.modelId}.`;
}

function offersTools(request: BedrockRecordedRequest): boolean {
  return request.json?.toolConfig !== undefined || Array.isArray(request.json?.tools);
}

export function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [text];
}

interface Plan {
  readonly text: string;
  readonly stopReason?: string;
  readonly tool?: { readonly id: string; readonly name: string; readonly input: Readonly<Record<string, unknown>> };
  readonly usage: { input: number; output: number; cacheRead: number; cacheWrite: number };
}

function plan(request: BedrockRecordedRequest, reply: BedrockReply): Plan {
  const text = replyText(request, reply);
  const tool = reply.toolUse !== undefined && offersTools(request) ? { id: 'tooluse_test_1', ...reply.toolUse } : undefined;
  return {
    text,
    tool,
    ...(reply.stopReason === undefined ? {} : { stopReason: reply.stopReason }),
    usage: {
      input: reply.inputTokens ?? Math.max(1, Math.ceil(request.body.length / 4)),
      output: reply.outputTokens ?? words(text).length,
      cacheRead: reply.cacheReadTokens ?? 0,
      cacheWrite: reply.cacheWriteTokens ?? 0,
    },
  };
}

/** Claude asked to think answers with a signed thinking block first (Anthropic's extended-thinking response shape). */
const THINKING = STANDIN_THINKING;

function thinks(request: BedrockRecordedRequest): boolean {
  const thinking = request.json?.thinking as { type?: unknown } | undefined;
  return thinking?.type === 'enabled' || thinking?.type === 'adaptive';
}

function anthropicEvents(p: Plan, modelId: string, thinking: boolean): Record<string, unknown>[] {
  const usage = { input_tokens: p.usage.input, output_tokens: 1, cache_read_input_tokens: p.usage.cacheRead, cache_creation_input_tokens: p.usage.cacheWrite };
  const events: Record<string, unknown>[] = [
    { type: 'message_start', message: { id: 'msg_bdrk_test', type: 'message', role: 'assistant', model: modelId, content: [], stop_reason: null, stop_sequence: null, usage } },
  ];
  if (thinking) {
    events.push(
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: THINKING.text } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: THINKING.signature } },
      { type: 'content_block_stop', index: 0 },
    );
  }
  const text = thinking ? 1 : 0;
  events.push(
    { type: 'content_block_start', index: text, content_block: { type: 'text', text: '' } },
    ...words(p.text).map((w) => ({ type: 'content_block_delta', index: text, delta: { type: 'text_delta', text: w } })),
    { type: 'content_block_stop', index: text },
  );
  if (p.tool) {
    const json = JSON.stringify(p.tool.input);
    const half = Math.ceil(json.length / 2);
    const index = text + 1;
    events.push(
      { type: 'content_block_start', index, content_block: { type: 'tool_use', id: p.tool.id, name: p.tool.name, input: {} } },
      { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(0, half) } },
      { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(half) } },
      { type: 'content_block_stop', index },
    );
  }
  events.push(
    { type: 'message_delta', delta: { stop_reason: p.tool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: p.usage.output } },
    { type: 'message_stop', 'amazon-bedrock-invocationMetrics': { inputTokenCount: p.usage.input, outputTokenCount: p.usage.output, invocationLatency: 5, firstByteLatency: 1 } },
  );
  return events;
}

function anthropicMessage(p: Plan, modelId: string, thinking: boolean): Record<string, unknown> {
  const content: Record<string, unknown>[] = [{ type: 'text', text: p.text }];
  if (thinking) content.unshift({ type: 'thinking', thinking: THINKING.text, signature: THINKING.signature });
  if (p.tool) content.push({ type: 'tool_use', id: p.tool.id, name: p.tool.name, input: p.tool.input });
  return {
    id: 'msg_bdrk_test', type: 'message', role: 'assistant', model: modelId, content,
    stop_reason: p.tool ? 'tool_use' : 'end_turn', stop_sequence: null,
    usage: { input_tokens: p.usage.input, output_tokens: p.usage.output, cache_read_input_tokens: p.usage.cacheRead, cache_creation_input_tokens: p.usage.cacheWrite },
  };
}

function converseUsage(p: Plan): Record<string, number> {
  return {
    inputTokens: p.usage.input, outputTokens: p.usage.output, totalTokens: p.usage.input + p.usage.output + p.usage.cacheRead + p.usage.cacheWrite,
    cacheReadInputTokens: p.usage.cacheRead, cacheWriteInputTokens: p.usage.cacheWrite,
  };
}

/** Claude on Converse asked to think (`additionalModelRequestFields.thinking`) answers with a signed reasoning block first. */
function converseThinks(request: BedrockRecordedRequest): boolean {
  const fields = request.json?.additionalModelRequestFields as { thinking?: { type?: unknown } } | undefined;
  return fields?.thinking?.type === 'enabled';
}

function converseStop(p: Plan): string {
  return p.stopReason ?? (p.tool ? 'tool_use' : 'end_turn');
}

function converseEvents(p: Plan, thinking: boolean): [string, Record<string, unknown>][] {
  const events: [string, Record<string, unknown>][] = [['messageStart', { role: 'assistant' }]];
  if (thinking) {
    events.push(
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: THINKING.text } } }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { signature: THINKING.signature } } }],
      ['contentBlockStop', { contentBlockIndex: 0 }],
    );
  }
  const text = thinking ? 1 : 0;
  events.push(
    ...words(p.text).map((w): [string, Record<string, unknown>] => ['contentBlockDelta', { contentBlockIndex: text, delta: { text: w } }]),
    ['contentBlockStop', { contentBlockIndex: text }],
  );
  if (p.tool) {
    const json = JSON.stringify(p.tool.input);
    const half = Math.ceil(json.length / 2);
    const index = text + 1;
    events.push(
      ['contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: p.tool.id, name: p.tool.name } } }],
      ['contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: json.slice(0, half) } } }],
      ['contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: json.slice(half) } } }],
      ['contentBlockStop', { contentBlockIndex: index }],
    );
  }
  events.push(['messageStop', { stopReason: converseStop(p) }], ['metadata', { usage: converseUsage(p), metrics: { latencyMs: 5 } }]);
  return events;
}

function converseAnswer(p: Plan, thinking: boolean): Record<string, unknown> {
  const content: Record<string, unknown>[] = [{ text: p.text }];
  if (thinking) content.unshift({ reasoningContent: { reasoningText: { text: THINKING.text, signature: THINKING.signature } } });
  if (p.tool) content.push({ toolUse: { toolUseId: p.tool.id, name: p.tool.name, input: p.tool.input } });
  return { output: { message: { role: 'assistant', content } }, stopReason: converseStop(p), usage: converseUsage(p), metrics: { latencyMs: 5 } };
}

async function stream(res: Response, frames: Uint8Array[], reply: BedrockReply): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': 'req-stream' });
  const cut = reply.streamException;
  const sent = cut === undefined ? frames : frames.slice(0, cut.afterEvents);
  for (const f of sent) await new Promise<void>((resolve) => (res as http.ServerResponse).write(f, () => resolve()));
  if (cut !== undefined) await new Promise<void>((resolve) => (res as http.ServerResponse).write(exceptionFrame(cut.type, cut.message), () => resolve()));
  res.end();
}

async function answer(request: BedrockRecordedRequest, reply: BedrockReply, options: BedrockUpstreamOptions, res: Response): Promise<void> {
  if (reply.latencyMs !== undefined) await delay(reply.latencyMs);
  if (request.auth.scheme === 'none') return sendError(res, 403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (reply.error !== undefined) return sendError(res, reply.error.status, reply.error.type, reply.error.message);
  if ((options.profileOnly ?? []).includes(request.modelId)) {
    return sendError(res, 400, 'ValidationException',
      `Invocation of model ID ${request.modelId} with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.`);
  }
  const modelId = applicationProfileModel(request.modelId, options.applicationProfiles ?? {});
  if (modelId === undefined) return sendError(res, 400, 'ValidationException', 'The provided model identifier is invalid.');
  // Refuse what real Bedrock refuses, in its words (test/upstreams/bedrock-rules.ts).
  const refused = refusal(request.operation, modelId, request.json ?? request.body.toString('utf8'));
  if (refused !== null) return sendError(res, refused.status, refused.type, refused.message);
  const p = plan(request, reply);
  const claude = modelId.replace(/^(us|eu|apac|global)\./, '').startsWith('anthropic.');
  // Bedrock meters what it served, under the id it was called with; a call cut by a stream exception is left out.
  if (reply.streamException === undefined) {
    options.meter?.meter(request.auth.scheme === 'sigv4' ? request.auth.region : (options.region ?? 'us-east-1'), request.modelId, Date.now(), {
      Invocations: 1, InputTokenCount: p.usage.input, OutputTokenCount: p.usage.output,
      CacheReadInputTokenCount: p.usage.cacheRead, CacheWriteInputTokenCount: p.usage.cacheWrite,
    });
  }
  switch (request.operation) {
    case 'converse': {
      const body = JSON.stringify(converseAnswer(p, converseThinks(request)));
      res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'req-converse' });
      res.end(body);
      return;
    }
    case 'converse-stream':
      return stream(res, converseEvents(p, converseThinks(request)).map(([type, payload]) => frame(type, payload)), reply);
    case 'invoke': {
      const body = claude ? anthropicMessage(p, request.modelId, thinks(request)) : { outputs: [{ text: p.text, stop_reason: 'stop' }] };
      res.writeHead(200, {
        'content-type': 'application/json', 'x-amzn-requestid': 'req-invoke',
        'x-amzn-bedrock-input-token-count': String(p.usage.input), 'x-amzn-bedrock-output-token-count': String(p.usage.output),
      });
      res.end(JSON.stringify(body));
      return;
    }
    case 'invoke-with-response-stream': {
      const chunks = claude
        ? anthropicEvents(p, request.modelId, thinks(request))
        : [{ outputs: [{ text: p.text, stop_reason: 'stop' }], 'amazon-bedrock-invocationMetrics': { inputTokenCount: p.usage.input, outputTokenCount: p.usage.output } }];
      return stream(res, chunks.map((c) => frame('chunk', { bytes: Buffer.from(JSON.stringify(c)).toString('base64') })), reply);
    }
  }
}

const ROUTE = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream|converse|converse-stream)$/;

export async function startBedrockUpstream(options: BedrockUpstreamOptions = {}): Promise<BedrockUpstream> {
  const requests: BedrockRecordedRequest[] = [];
  const queue: BedrockReply[] = [];
  let fallback: BedrockReply = {};
  const server = await listenHttp1And2((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawPath = (req.url ?? '/').split('?')[0];
      const route = ROUTE.exec(rawPath);
      if (req.method !== 'POST' || route === null) return sendError(res, 404, 'UnknownOperationException', `no route ${req.method} ${rawPath}`);
      const body = Buffer.concat(chunks);
      const authorization = req.headers.authorization;
      const recorded: BedrockRecordedRequest = {
        operation: route[2] as BedrockOperation,
        modelId: decodeURIComponent(route[1]),
        rawPath,
        httpVersion: req.httpVersion,
        headers: req.headers,
        auth: parseAuth(typeof authorization === 'string' ? authorization : undefined),
        body,
        json: parseObject(body),
      };
      requests.push(recorded);
      answer(recorded, queue.shift() ?? fallback, options, res).catch((err: unknown) => {
        console.error('bedrock test upstream failed', err);
        res.destroy();
      });
    });
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    get connections() {
      return server.connections;
    },
    script: (...replies) => {
      queue.push(...replies);
    },
    setDefault: (reply) => {
      fallback = reply;
    },
    close: () => server.close(),
  };
}
