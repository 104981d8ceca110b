// JSON.parse of a UTF-8 request body without building a UTF-16 copy of it.
import { isAscii, isUtf8 } from 'node:buffer';
import { decodeUtf8 } from './decode-utf8.js';

/**
 * `JSON.parse(buf.toString('utf8'))`: the same value, or the same SyntaxError. Client bodies are ASCII but for a
 * few hundred characters (dashes, arrows, an emoji) spread through 90 KB, and turning such a body into a JS string
 * costs more than parsing it: V8's UTF-8 decoder goes byte by byte after the first non-ASCII byte (bench/findings.md),
 * and the ICU transcode of decode-utf8.ts still ends in a UTF-16 → string copy of about 2 ns a character.
 * Here each non-ASCII character of valid UTF-8 is written as its JSON escape (`\uXXXX`, a surrogate pair above
 * U+FFFF), so the text is ASCII, taken as Latin-1 (a plain copy) and parsed as one-byte text.
 *
 * Why the value is the same: outside strings JSON allows only ASCII, and inside a string a character and its
 * `\u` escape are the same character (a non-ASCII byte can never be part of an escape sequence). So the escaped
 * text parses to the same value when the body is valid, and fails when it is not (a backslash is never valid
 * outside a string); then the body is parsed again as decoded text, so the error message is the standard one.
 * The one text escaping would repair, a backslash escaping a non-ASCII character (`"\—"`, invalid), is not
 * escaped but parsed as decoded text, which refuses it.
 */
export function parseJsonBytes(buf: Buffer): unknown {
  if (isAscii(buf)) return JSON.parse(buf.toString('latin1'));
  // Invalid UTF-8 decodes with replacement characters: left to the standard decoder.
  if (!isUtf8(buf)) return JSON.parse(buf.toString('utf8'));
  const escaped = escapeNonAscii(buf);
  if (escaped !== undefined) {
    try {
      return JSON.parse(escaped);
    } catch {
      // Invalid JSON. Not rethrown: its message would name the escaped text's characters and positions; the
      // parse below fails the same way with the message for the text the client sent.
    }
  }
  return JSON.parse(decodeUtf8(buf));
}

const BACKSLASH = 0x5c;
const LOWER_U = 0x75;
/** ASCII codes of the hexadecimal digits, lower case as JSON.stringify writes them. */
const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');
const HIGH_BITS = 0x80808080;
/**
 * Escaping stops paying between 1% and 5% of the bytes being non-ASCII (a 90 KB body: 1% escaped 236 µs against
 * 380 decoded; 5% 298 against 210): past 1/32 of the text read so far, plus an allowance for a short text or a
 * dense patch, the body is decoded instead.
 */
const MAX_ESCAPED_SHARE = 32;
const ESCAPE_ALLOWANCE = 256;

/** Writes `\uXXXX` for one UTF-16 code unit at `at`; returns the index after it. */
function writeEscape(out: Buffer, at: number, unit: number): number {
  out[at] = BACKSLASH;
  out[at + 1] = LOWER_U;
  out[at + 2] = HEX_DIGITS[(unit >> 12) & 15];
  out[at + 3] = HEX_DIGITS[(unit >> 8) & 15];
  out[at + 4] = HEX_DIGITS[(unit >> 4) & 15];
  out[at + 5] = HEX_DIGITS[unit & 15];
  return at + 6;
}

/**
 * The index of the first byte at or after `from` with its high bit set (`bytes.length` if none). Four bytes at
 * a time through `words`, a view of `bytes` from the aligned index `wordBase`: client bodies are long ASCII runs.
 */
function nextNonAscii(bytes: Uint8Array, words: Uint32Array, wordBase: number, from: number): number {
  const length = bytes.length;
  let i = from;
  if (i >= length) return length;
  for (; i < length && (i < wordBase || (i - wordBase) % 4 !== 0); i++) if (bytes[i] >= 0x80) return i;
  let w = (i - wordBase) / 4;
  // Sixteen bytes a step through the long ASCII runs, then word by word up to the one with a high bit.
  const lastBlock = words.length - 4;
  while (w <= lastBlock && ((words[w] | words[w + 1] | words[w + 2] | words[w + 3]) & HIGH_BITS) === 0) w += 4;
  while (w < words.length && (words[w] & HIGH_BITS) === 0) w++;
  for (i = wordBase + w * 4; i < length; i++) if (bytes[i] >= 0x80) return i;
  return length;
}

/** Runs shorter than this are copied by a loop: a call into Buffer#copy costs more. */
const SHORT_RUN = 64;

/** Copies `buf[from, to)` to `out` at `at`; returns the index after it. */
function copyRun(buf: Buffer, from: number, to: number, out: Buffer, at: number): number {
  if (to - from >= SHORT_RUN) return at + buf.copy(out, at, from, to);
  for (let i = from; i < to; i++) out[at++] = buf[i];
  return at;
}

/** A copy of the first `used` bytes of `out` in a buffer of `size` bytes. */
function grown(out: Buffer, used: number, size: number): Buffer {
  const bigger = Buffer.allocUnsafe(size);
  out.copy(bigger, 0, 0, used);
  return bigger;
}

/** True when the backslashes right before `i` end in one that escapes the byte at `i`. */
function escapedByBackslash(buf: Buffer, i: number): boolean {
  let backslashes = 0;
  while (i - 1 - backslashes >= 0 && buf[i - 1 - backslashes] === BACKSLASH) backslashes++;
  return backslashes % 2 === 1;
}

/**
 * The text of valid UTF-8 `buf` with every non-ASCII character written as its JSON `\u` escape: ASCII only.
 * Undefined when a backslash escapes a non-ASCII character (invalid JSON that the escape would make valid), and
 * when too many of the bytes are non-ASCII (MAX_ESCAPED_SHARE: a text in another script decodes faster).
 */
function escapeNonAscii(buf: Buffer): string | undefined {
  const length = buf.length;
  // Words start at the first 4-aligned byte; a body shorter than the bytes before it has none.
  const wordBase = Math.min(length, (4 - (buf.byteOffset % 4)) % 4);
  const words = wordBase < length ? new Uint32Array(buf.buffer, buf.byteOffset + wordBase, Math.floor((length - wordBase) / 4)) : new Uint32Array(0);
  // A character of 2, 3 or 4 bytes becomes 6, 6 or 12: room for a few hundred of them, grown past that.
  let out: Buffer = Buffer.allocUnsafe(length + 2048);
  let at = 0;
  let run = 0;
  let nonAsciiBytes = 0;
  for (let i = nextNonAscii(buf, words, wordBase, 0); i < length; i = nextNonAscii(buf, words, wordBase, i)) {
    if (buf[i - 1] === BACKSLASH && escapedByBackslash(buf, i)) return undefined;
    const lead = buf[i];
    // The sequence is well formed (isUtf8 held): its length follows from the lead byte.
    let code: number;
    let size: number;
    if (lead < 0xe0) {
      code = ((lead & 0x1f) << 6) | (buf[i + 1] & 0x3f);
      size = 2;
    } else if (lead < 0xf0) {
      code = ((lead & 0x0f) << 12) | ((buf[i + 1] & 0x3f) << 6) | (buf[i + 2] & 0x3f);
      size = 3;
    } else {
      code = ((lead & 0x07) << 18) | ((buf[i + 1] & 0x3f) << 12) | ((buf[i + 2] & 0x3f) << 6) | (buf[i + 3] & 0x3f);
      size = 4;
    }
    // Judged on the text read so far, so a text in another script gives up within its first few hundred characters.
    nonAsciiBytes += size;
    if (nonAsciiBytes > i / MAX_ESCAPED_SHARE + ESCAPE_ALLOWANCE) return undefined;
    // Room for the ASCII run, two escapes and the rest of the body copied as is.
    const needed = at + (i - run) + 12 + (length - i);
    if (needed > out.length) out = grown(out, at, needed + (length - i));
    at = copyRun(buf, run, i, out, at);
    if (code > 0xffff) {
      // Above the Basic Multilingual Plane: a surrogate pair, as in a JS string.
      const above = code - 0x10000;
      at = writeEscape(out, at, 0xd800 | (above >> 10));
      at = writeEscape(out, at, 0xdc00 | (above & 0x3ff));
    } else {
      at = writeEscape(out, at, code);
    }
    i += size;
    run = i;
  }
  at = copyRun(buf, run, length, out, at);
  return out.toString('latin1', 0, at);
}
