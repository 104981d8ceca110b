// How deeply a JSON text nests its arrays and objects, found by one byte scan without parsing it.
import { GatewayError } from './errors.js';

/**
 * The deepest nesting a client body may have. Real clients stay far below it (a Claude Code request nests
 * about 20 levels, a deep tool schema a few dozen); the config loader refuses YAML past the same depth. Past
 * it, every recursive walk of the body (JSON.stringify of a rewritten body, the Bedrock translations, zod)
 * would be at the mercy of the stack, and parsing costs far more than the body's size suggests.
 */
export const MAX_JSON_NESTING = 256;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACKET = 0x5d;
const CLOSE_BRACE = 0x7d;

/**
 * True when `text` opens more than `limit` arrays/objects inside one another, counting brackets outside
 * strings. Linear, no allocation and no recursion, so it can run before JSON.parse on any body the size
 * limit admits (a few ms per MB). It does not validate: malformed JSON within the limit is left to the parser.
 */
export function nestsDeeperThan(text: Uint8Array, limit: number): boolean {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text[i];
    if (c === QUOTE) {
      i = closingQuote(text, i + 1);
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      depth += 1;
      if (depth > limit) return true;
    } else if ((c === CLOSE_BRACKET || c === CLOSE_BRACE) && depth > 0) {
      depth -= 1;
    }
  }
  return false;
}

/** Past this many bytes into a string, searching for its end with indexOf (memchr) beats looking at every byte. */
const INLINE_STRING_BYTES = 64;

/** The index of the quote that ends the string whose content starts at `from` (text.length when unterminated). */
function closingQuote(text: Uint8Array, from: number): number {
  const length = text.length;
  let i = from;
  // Short strings (keys, roles, small values) are the common case: a call into indexOf per string costs more.
  const inlineEnd = Math.min(length, from + INLINE_STRING_BYTES);
  for (; i < inlineEnd; i++) {
    const c = text[i];
    if (c === BACKSLASH) i += 1;
    else if (c === QUOTE) return i;
  }
  for (;;) {
    const close = text.indexOf(QUOTE, i);
    if (close === -1) return length;
    // A quote after an odd run of backslashes is escaped; the string goes on.
    let backslashes = 0;
    while (text[close - 1 - backslashes] === BACKSLASH) backslashes += 1;
    if (backslashes % 2 === 0) return close;
    i = close + 1;
  }
}

/** The 400 for a body past the limit, naming it (the same words wherever the check runs). */
export function tooDeeplyNested(): GatewayError {
  return new GatewayError(
    'invalid_request',
    `request body nests arrays and objects more than ${MAX_JSON_NESTING} levels deep (the limit is ${MAX_JSON_NESTING})`,
  );
}
