// Scrubs credentials from upstream error text before it reaches a client, the request log or the store.

/** What replaces a credential. */
export const REDACTED = '[redacted]';

/**
 * Credential shapes worth hiding whoever they belong to: Anthropic/OpenAI keys (`sk-…`, `sk-ant-…`), AWS access
 * key ids (`AKIA…`/`ASIA…` and 16 more), and bearer tokens. An upstream that echoes a rejected key puts it here.
 */
const SHAPES: readonly [RegExp, string][] = [
  [/\bsk-[A-Za-z0-9_-]{8,}/g, REDACTED],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, REDACTED],
  [/\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${REDACTED}`],
];

/**
 * Known secrets shorter than this are not searched for: a key id used as its own secret ("dev") would otherwise
 * blank out ordinary words. Such keys are already reported as a config warning.
 */
const MIN_KNOWN_SECRET = 8;

/** The forms a known secret can take inside text: as is, and escaped inside a JSON string. */
function forms(secret: string): string[] {
  const escaped = JSON.stringify(secret).slice(1, -1);
  return escaped === secret ? [secret] : [secret, escaped];
}

/** `text` with every known secret and every credential-shaped token replaced by `[redacted]`. */
export function redactCredentials(text: string, known: Iterable<string> = []): string {
  let out = text;
  for (const secret of known) {
    if (secret.length < MIN_KNOWN_SECRET) continue;
    for (const form of forms(secret)) if (out.includes(form)) out = out.split(form).join(REDACTED);
  }
  for (const [shape, replacement] of SHAPES) out = out.replace(shape, replacement);
  return out;
}

/**
 * Bytes relayed to the client unchanged unless they carry a credential; then the redacted text. Keeps the common
 * case (nothing to hide) byte-for-byte and allocation-free beyond the decode.
 */
export function redactBytes(bytes: Buffer, known: Iterable<string> = []): Buffer {
  const text = bytes.toString('utf8');
  const redacted = redactCredentials(text, known);
  return redacted === text ? bytes : Buffer.from(redacted, 'utf8');
}
