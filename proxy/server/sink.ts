// The ResponseSink over a node:http or node:http2 response, with the end held back until the charge is journaled.
import type http from 'node:http';
import type http2 from 'node:http2';
import type { ResponseSink } from '../providers/types.js';
import { utf8Prefix } from '../core/utf8.js';

type ServerResponse = http.ServerResponse | http2.Http2ServerResponse;

export class HttpSink implements ResponseSink {
  private readonly res: ServerResponse;
  private headSent = false;
  private gone = false;
  private pendingEnd: { chunk?: Uint8Array | string } | undefined;
  private finished = false;
  firstByteAt: number | undefined;
  /** Bytes written to the client, for tests and logs. */
  bytes = 0;

  private readonly captureLimit: number;
  private readonly capturedChunks: Buffer[] = [];
  private capturedBytes = 0;
  /** Every response byte offered for capture, kept or not, to tell whether the capture was cut. */
  private offeredBytes = 0;

  /** `captureLimit` > 0 keeps up to that many response bytes for the request log (logging.capture_bodies). */
  constructor(res: ServerResponse, captureLimit = 0) {
    this.res = res;
    this.captureLimit = captureLimit;
    res.on('close', () => {
      if (!res.writableFinished) this.gone = true;
    });
  }

  get started(): boolean {
    return this.headSent;
  }

  get clientGone(): boolean {
    return this.gone || this.res.destroyed;
  }

  /** True once end() was called by the provider (the response body is complete but held). */
  get complete(): boolean {
    return this.pendingEnd !== undefined || this.finished;
  }

  head(status: number, headers: Readonly<Record<string, string>>): void {
    if (this.headSent) throw new Error('response head already sent');
    this.headSent = true;
    this.firstByteAt = performance.now();
    if (this.clientGone) return;
    this.res.writeHead(status, headers as http.OutgoingHttpHeaders);
    // A stream's client should see the status before the first event; a JSON answer goes out with
    // its body in one write when the held-back end is released.
    const contentType = headers['content-type'] ?? '';
    const res = this.res as Partial<http.ServerResponse>;
    if (/event-?stream/.test(contentType) && typeof res.flushHeaders === 'function') res.flushHeaders();
  }

  /** The captured response body (empty when capture is off), cut at the capture limit on a character boundary. */
  captured(): string {
    return utf8Prefix(Buffer.concat(this.capturedChunks), this.captureLimit);
  }

  /** The full response size when the capture was cut, else undefined. */
  get capturedCutFrom(): number | undefined {
    return this.offeredBytes > this.capturedBytes ? this.offeredBytes : undefined;
  }

  private capture(chunk: Uint8Array | string): void {
    this.offeredBytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (this.capturedBytes >= this.captureLimit) return;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const part = buf.subarray(0, this.captureLimit - this.capturedBytes);
    this.capturedChunks.push(Buffer.from(part));
    this.capturedBytes += part.length;
  }

  write(chunk: Uint8Array | string): Promise<void> {
    if (this.captureLimit > 0) this.capture(chunk);
    if (this.clientGone) return Promise.resolve();
    this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    const ok = (this.res as http.ServerResponse).write(chunk);
    if (ok) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        this.res.off('drain', done);
        this.res.off('close', done);
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
  }

  end(chunk?: Uint8Array | string): void {
    if (this.pendingEnd || this.finished) return;
    if (chunk !== undefined && this.captureLimit > 0) this.capture(chunk);
    this.pendingEnd = { chunk };
  }

  /** Send what end() held back. Called after the charge is journaled (docs/configuration.md, store). */
  release(): void {
    if (this.finished) return;
    this.finished = true;
    const chunk = this.pendingEnd?.chunk;
    this.pendingEnd = undefined;
    if (this.clientGone) return;
    if (chunk !== undefined) this.bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    if (chunk === undefined) this.res.end();
    else (this.res as http.ServerResponse).end(chunk);
  }

  /** Answer in one go (errors, management routes). */
  respond(status: number, headers: Readonly<Record<string, string>>, body: string | Uint8Array): void {
    if (this.headSent) {
      this.release();
      return;
    }
    this.headSent = true;
    this.finished = true;
    if (this.captureLimit > 0) this.capture(body);
    if (this.clientGone) return;
    this.res.writeHead(status, headers as http.OutgoingHttpHeaders);
    (this.res as http.ServerResponse).end(body);
  }
}
