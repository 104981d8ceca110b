// Lenient JSON reading of upstream bodies: the gateway only looks inside, it never rejects what it relays.

/** The body as a JSON object, or null when it is not one. */
export function parseJsonObject(text: string | Buffer): Record<string, unknown> | null {
  try {
    const parsed: unknown = JSON.parse(typeof text === 'string' ? text : text.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
