// Small helpers to answer management and utility routes with JSON or text.
import type http from 'node:http';
import type http2 from 'node:http2';

export type AnyResponse = http.ServerResponse | http2.Http2ServerResponse;
export type AnyRequest = http.IncomingMessage | http2.Http2ServerRequest;

export function sendJson(res: AnyResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
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
  sendJson(res, status, { error: { type, message } }, headers);
}
