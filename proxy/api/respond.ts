// Small helpers to answer routes with JSON or text, and the one writer of client-route errors.
import type http from 'node:http';
import type http2 from 'node:http2';
import type { GatewayError } from '../core/errors.js';
import type { ClientProtocol } from '../providers/types.js';
import { HttpSink } from '../server/sink.js';
import { toWireError } from './wire-errors.js';
import type { ApiErrorJson, WireBody } from './wire/index.js';

export type AnyResponse = http.ServerResponse | http2.Http2ServerResponse;
export type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest;

/** Answers with one of the wire contract's documents (proxy/api/wire); nothing untyped reaches a client. */
export function sendJson<T extends WireBody>(res: AnyResponse, status: number, body: T, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(text);
}

export function sendText(res: AnyResponse, status: number, text: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(text);
}

/** Management-route errors: `{"error":{"type","message"}}`. */
export function sendApiError(res: AnyResponse, status: number, type: string, message: string, headers: Record<string, string> = {}): void {
  sendJson<ApiErrorJson>(res, status, { error: { type, message } }, headers);
}

/**
 * Every error answer of a client route (/anthropic, /openai, /bedrock), in the client's protocol: through the
 * request's sink once a pipeline owns the response, or straight to the response before one does.
 */
export function sendClientError(to: HttpSink | AnyResponse, protocol: ClientProtocol, err: GatewayError): void {
  const wire = toWireError(protocol, err);
  if (to instanceof HttpSink) return to.respond(wire.status, wire.headers, wire.body);
  to.writeHead(wire.status, wire.headers);
  to.end(wire.body);
}
