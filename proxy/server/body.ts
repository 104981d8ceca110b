// Reads a request body into memory with a hard size limit (DESIGN §8: 413 past the limit).
import type { Readable } from 'node:stream';
import { GatewayError } from '../core/errors.js';

export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

export async function readBody(stream: Readable, declaredLength: string | undefined, maxBytes: number): Promise<Buffer> {
  const tooLarge = () =>
    new GatewayError('too_large', `request body is larger than the limit of ${maxBytes} bytes`);
  if (declaredLength !== undefined && Number(declaredLength) > maxBytes) {
    stream.resume(); // drain without buffering so the connection can answer
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) {
      stream.resume();
      throw tooLarge();
    }
    chunks.push(buf);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}
