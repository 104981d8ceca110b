// A loopback "gateway" in front of one BedrockProvider target, speaking all three client protocols over HTTP/1.1 and
// HTTP/2, so real Anthropic, OpenAI and AWS SDK clients can drive the provider the way the server will.
import { GatewayError } from '../../proxy/core/errors.js';
import type { Usage } from '../../proxy/core/usage.js';
import { bedrockErrorResponse } from '../../proxy/providers/bedrock/errors.js';
import type { BedrockProvider } from '../../proxy/providers/bedrock/index.js';
import type { ClientProtocol, ClientRequest, Operation, ProviderTarget, Timeouts, UpstreamOutcome } from '../../proxy/providers/types.js';
import { HttpSink } from '../../proxy/server/sink.js';
import { listenHttp1And2 } from '../upstreams/bedrock.js';
import { assertListenersReleased, type SettledCall } from '../upstreams/common.js';
import { JsonBody } from '../../proxy/core/json-body.js';

export interface SendRecord {
  readonly request: ClientRequest;
  readonly outcome?: UpstreamOutcome;
  readonly error?: unknown;
  readonly usageReports: readonly Usage[];
  readonly sawFirstByte: boolean;
  /** The HTTP version the client spoke ('1.1' or '2.0'). */
  readonly httpVersion: string;
}

export interface BedrockHarness {
  /** Anthropic SDK baseURL: `${url}/anthropic`; OpenAI: `${url}/openai/v1`; AWS SDK endpoint: `${url}/bedrock`. */
  readonly url: string;
  readonly sends: SendRecord[];
  /** Closes the front and the provider; rejects if a send left an abort listener on its signal (see assertListenersReleased). */
  close(): Promise<void>;
}

const BEDROCK_OPS: Readonly<Record<string, Operation>> = {
  converse: 'converse',
  'converse-stream': 'converse_stream',
  invoke: 'invoke',
  'invoke-with-response-stream': 'invoke_stream',
};

function route(path: string): { protocol: ClientProtocol; operation: Operation; pathModel?: string } | undefined {
  if (path === '/anthropic/v1/messages') return { protocol: 'anthropic', operation: 'messages' };
  if (path === '/openai/v1/chat/completions') return { protocol: 'openai', operation: 'chat_completions' };
  if (path === '/openai/v1/responses') return { protocol: 'openai', operation: 'responses' };
  if (path === '/openai/v1/responses/compact') return { protocol: 'openai', operation: 'responses_compact' };
  const bedrock = /^\/bedrock\/model\/([^/]+)\/([a-z-]+)$/.exec(path);
  const operation = bedrock ? BEDROCK_OPS[bedrock[2]] : undefined;
  if (bedrock && operation) return { protocol: 'bedrock', operation, pathModel: decodeURIComponent(bedrock[1]) };
  return undefined;
}

const DROPPED_HEADERS = new Set(['authorization', 'x-api-key', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']);

export async function startBedrockHarness(
  provider: BedrockProvider,
  target: ProviderTarget,
  timeouts: Timeouts = { connectMs: 2_000, firstByteMs: 10_000, idleMs: 10_000 },
): Promise<BedrockHarness> {
  const sends: SendRecord[] = [];
  const calls: SettledCall[] = [];
  const server = await listenHttp1And2((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://gateway.test');
      const matched = route(url.pathname);
      if (matched === undefined) {
        res.writeHead(404);
        res.end();
        return;
      }
      const raw = Buffer.concat(chunks);
      const body = raw.length === 0 ? JsonBody.EMPTY : JsonBody.read(raw);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined || name.startsWith(':') || DROPPED_HEADERS.has(name)) continue;
        headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const request: ClientRequest = {
        protocol: matched.protocol,
        operation: matched.operation,
        model: matched.pathModel ?? (typeof body.get('model') === 'string' ? (body.get('model') as string) : ''),
        stream: matched.operation === 'converse_stream' || matched.operation === 'invoke_stream' || body.get('stream') === true,
        body,
        headers,
        query: url.search.replace(/^\?/, ''),
      };
      const usageReports: Usage[] = [];
      let sawFirstByte = false;
      // The gateway's own sink: the end it holds back is released once send returns.
      const sink = new HttpSink(res);
      const controller = new AbortController();
      provider
        .send(request, target, sink, { timeouts, signal: controller.signal, onUsage: (u) => usageReports.push(u), onFirstByte: () => { sawFirstByte = true; } })
        .then(
          (outcome) => {
            sink.release();
            calls.push({ request, signal: controller.signal });
            sends.push({ request, outcome, usageReports, sawFirstByte, httpVersion: req.httpVersion });
          },
          (err: unknown) => {
            calls.push({ request, signal: controller.signal });
            sends.push({ request, error: err, usageReports, sawFirstByte, httpVersion: req.httpVersion });
            if (!(err instanceof GatewayError)) {
              res.destroy();
              return;
            }
            const wire = renderError(matched.protocol, err);
            res.writeHead(wire.status, wire.headers);
            res.end(wire.body);
          },
        );
    });
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    sends,
    close: async () => {
      await server.close();
      await provider.close();
      assertListenersReleased(calls);
    },
  };
}

/** The client protocol's error body, as the gateway's wire-error mapping renders an upstream failure. */
function renderError(protocol: ClientProtocol, err: GatewayError): { status: number; headers: Record<string, string>; body: string } {
  if (protocol === 'bedrock') return bedrockErrorResponse(err);
  const type = err.status === 429 ? 'rate_limit_error' : err.status === 400 ? 'invalid_request_error' : err.status === 403 ? 'permission_error' : 'api_error';
  const body = protocol === 'anthropic'
    ? { type: 'error', error: { type, message: err.message } }
    : { error: { message: err.message, type, code: 'upstream_error' } };
  return { status: err.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
