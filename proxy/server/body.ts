// Reads a request body into memory with a hard size limit (413 past the limit: docs/errors.md), only when asked to.
import type { Readable } from 'node:stream';
import { GatewayError } from '../core/errors.js';

export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * The whole body as one Buffer. Rejects with a `too_large` GatewayError past `maxBytes` (the rest is
 * drained unbuffered so the connection can still answer), and with a plain Error when the client goes
 * away before the end. Listens for events directly: an async iterator costs a promise per chunk.
 */
export function readBody(stream: Readable, declaredLength: string | undefined, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new GatewayError('too_large', `request body is larger than the limit of ${maxBytes} bytes`);
  if (declaredLength !== undefined && Number(declaredLength) > maxBytes) {
    stream.resume(); // drain without buffering so the connection can answer
    return Promise.reject(tooLarge());
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        settle();
        chunks.length = 0;
        stream.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      settle();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      settle();
      reject(err);
    };
    const onClose = (): void => {
      settle();
      reject(new Error('the client closed the connection before sending the whole body'));
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/** A request body not read yet: whoever handles the request decides whether it is worth reading at all. */
export interface PendingBody {
  /** The whole body (see readBody); reading starts on the first call, and a second call is a bug. */
  read(): Promise<Buffer>;
  /**
   * Drop the unread body as it arrives, without buffering it, so that the client can finish sending and read the
   * answer, and a keep-alive connection stays in step for its next request. A no-op once reading started.
   */
  discard(): void;
}

export function pendingBody(stream: Readable, declaredLength: string | undefined, maxBytes: number): PendingBody {
  let claimed = false;
  return {
    read() {
      if (claimed) return Promise.reject(new Error('the request body was already read or discarded'));
      claimed = true;
      return readBody(stream, declaredLength, maxBytes);
    },
    discard() {
      if (claimed) return;
      claimed = true;
      stream.resume();
    },
  };
}
