// Bedrock's JSON wire form ↔ SDK shapes: blobs travel as base64 strings on the wire and as bytes in the SDK.

/** Fields Bedrock types as blobs (image/document/video bytes, redacted reasoning). */
const BLOB_FIELDS = new Set(['bytes', 'redactedContent']);

/** Wire JSON → SDK input: base64 blob fields become bytes. */
export function blobsFromWire(value: unknown, key?: string): unknown {
  if (typeof value === 'string' && key !== undefined && BLOB_FIELDS.has(key)) return Buffer.from(value, 'base64');
  if (Array.isArray(value)) return value.map((item) => blobsFromWire(item));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = blobsFromWire(v, k);
    return out;
  }
  return value;
}

/** SDK output → wire JSON: bytes become base64, `$metadata` is dropped, dates become ISO strings. */
export function blobsToWire(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(blobsToWire);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== '$metadata' && v !== undefined) out[k] = blobsToWire(v);
    return out;
  }
  return value;
}
