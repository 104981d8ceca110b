// A strict JSON validator over UTF-8 bytes that builds nothing: it notes where the values of the first levels lie,
// so that the gateway parses only the fields it reads and forwards the client's bytes as they came (docs/errors.md).
import { isUtf8 } from 'node:buffer';

/** Levels below the top-level value whose values the outline locates: a member, its elements, and theirs. */
export const OUTLINE_LEVELS = 3;

/**
 * The values at levels 1 to OUTLINE_LEVELS of a JSON text, in text order, as parallel arrays indexed by entry.
 * An entry's value is `text[start, end)`; a member's key (with its quotes) is `text[keyStart, keyEnd)`, -1 for an
 * array element; `parent` is the entry of the array or object holding it, -1 on level 1.
 */
export interface JsonOutline {
  readonly parent: readonly number[];
  readonly level: readonly number[];
  readonly keyStart: readonly number[];
  readonly keyEnd: readonly number[];
  readonly start: readonly number[];
  readonly end: readonly number[];
}

/** `valid`: the text is one JSON value (and its outline); `invalid`: it is not; `too_deep`: it nests past the limit. */
export type ScanResult = { readonly kind: 'valid'; readonly outline: JsonOutline } | { readonly kind: 'invalid' | 'too_deep' };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const LOWER_U = 0x75;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const TRUE = Buffer.from('true', 'latin1');
const FALSE = Buffer.from('false', 'latin1');
const NULL = Buffer.from('null', 'latin1');

/** Thrown inside the scan and caught at its top: a text that is not JSON, or one nested past the limit. */
class ScanStop {
  constructor(readonly kind: 'invalid' | 'too_deep') {}
}
const INVALID = new ScanStop('invalid');
const TOO_DEEP = new ScanStop('too_deep');

/**
 * Scans `text` as JSON.parse would parse its UTF-8 (RFC 8259: no comments, no trailing commas, no raw control
 * characters in strings, only the standard escapes, surrounding whitespace allowed), refusing nesting of arrays and
 * objects more than `maxNesting` deep the way nestsDeeperThan does. A text that is not valid UTF-8 is `invalid`:
 * JSON.parse would see replacement characters there, so the caller parses such text itself.
 */
export function scanJson(text: Buffer, maxNesting: number): ScanResult {
  if (!isUtf8(text)) return { kind: 'invalid' };
  const scanner = new Scanner(text, maxNesting);
  try {
    const end = scanner.whitespace(scanner.value(scanner.whitespace(0), 0, -1, -1, -1));
    if (end !== text.length) return { kind: 'invalid' };
  } catch (stop) {
    if (stop instanceof ScanStop) return { kind: stop.kind };
    throw stop;
  }
  return { kind: 'valid', outline: scanner.outline };
}

class Scanner {
  readonly outline = { parent: [] as number[], level: [] as number[], keyStart: [] as number[], keyEnd: [] as number[], start: [] as number[], end: [] as number[] };
  private readonly length: number;
  /** `text` from the first 4-aligned byte, four bytes a word: strings are skipped a word at a time. */
  private readonly words: Uint32Array;
  private readonly wordBase: number;

  constructor(
    private readonly text: Buffer,
    private readonly maxNesting: number,
  ) {
    this.length = text.length;
    this.wordBase = Math.min(text.length, (4 - (text.byteOffset % 4)) % 4);
    // A text shorter than the bytes before its first aligned one has no words.
    const wordCount = Math.floor((text.length - this.wordBase) / 4);
    this.words = wordCount > 0 ? new Uint32Array(text.buffer, text.byteOffset + this.wordBase, wordCount) : new Uint32Array(0);
  }

  whitespace(from: number): number {
    return whitespaceEnd(this.text, from);
  }

  /** The value starting at `at` (level `level`, in container entry `parent`); returns the index after it. */
  value(at: number, level: number, parent: number, keyStart: number, keyEnd: number): number {
    let entry = -1;
    if (level >= 1 && level <= OUTLINE_LEVELS) {
      const o = this.outline;
      entry = o.start.length;
      o.parent.push(parent);
      o.level.push(level);
      o.keyStart.push(keyStart);
      o.keyEnd.push(keyEnd);
      o.start.push(at);
      o.end.push(at);
    }
    const end = this.valueEnd(at, level, entry);
    if (entry !== -1) this.outline.end[entry] = end;
    return end;
  }

  private valueEnd(at: number, level: number, entry: number): number {
    const c = this.text[at];
    if (c === QUOTE) return this.stringEnd(at + 1) + 1;
    if (c === OPEN_BRACE) return this.object(at, level, entry);
    if (c === OPEN_BRACKET) return this.array(at, level, entry);
    if (c === MINUS || (c >= ZERO && c <= NINE)) return this.numberEnd(at);
    if (c === 0x74) return this.literal(at, TRUE);
    if (c === 0x66) return this.literal(at, FALSE);
    if (c === 0x6e) return this.literal(at, NULL);
    throw INVALID;
  }

  private object(at: number, level: number, entry: number): number {
    if (level + 1 > this.maxNesting) throw TOO_DEEP;
    const text = this.text;
    let i = this.whitespace(at + 1);
    if (text[i] === CLOSE_BRACE) return i + 1;
    for (;;) {
      if (text[i] !== QUOTE) throw INVALID;
      const keyStart = i;
      i = this.stringEnd(i + 1) + 1;
      const keyEnd = i;
      i = this.whitespace(i);
      if (text[i] !== COLON) throw INVALID;
      i = this.whitespace(this.value(this.whitespace(i + 1), level + 1, entry, keyStart, keyEnd));
      if (text[i] === CLOSE_BRACE) return i + 1;
      if (text[i] !== COMMA) throw INVALID;
      i = this.whitespace(i + 1);
    }
  }

  private array(at: number, level: number, entry: number): number {
    if (level + 1 > this.maxNesting) throw TOO_DEEP;
    const text = this.text;
    let i = this.whitespace(at + 1);
    if (text[i] === CLOSE_BRACKET) return i + 1;
    for (;;) {
      i = this.whitespace(this.value(i, level + 1, entry, -1, -1));
      if (text[i] === CLOSE_BRACKET) return i + 1;
      if (text[i] !== COMMA) throw INVALID;
      i = this.whitespace(i + 1);
    }
  }

  /**
   * The index of the quote closing the string whose content starts at `from`. Whole words with no quote, backslash
   * or control character are skipped at once (client bodies are mostly long strings); bytes of multi-byte characters
   * pass as they are, the text being valid UTF-8.
   */
  private stringEnd(from: number): number {
    const text = this.text;
    const words = this.words;
    const wordBase = this.wordBase;
    let i = from;
    for (;;) {
      if (i >= wordBase && ((i - wordBase) & 3) === 0) {
        let w = (i - wordBase) >> 2;
        while (w < words.length && !hasSpecialByte(words[w])) w++;
        i = wordBase + w * 4;
      }
      if (i >= this.length) throw INVALID;
      const c = text[i];
      if (c === QUOTE) return i;
      if (c === BACKSLASH) i = this.escapeEnd(i);
      else if (c < SPACE) throw INVALID;
      else i++;
    }
  }

  /** The index after the escape sequence at `at` (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX`). */
  private escapeEnd(at: number): number {
    const c = this.text[at + 1];
    if (c === QUOTE || c === BACKSLASH || c === 0x2f || c === 0x62 || c === 0x66 || c === 0x6e || c === 0x72 || c === 0x74) return at + 2;
    if (c !== LOWER_U) throw INVALID;
    for (let k = at + 2; k < at + 6; k++) if (!isHexDigit(this.text[k])) throw INVALID;
    return at + 6;
  }

  /** `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?` */
  private numberEnd(at: number): number {
    const text = this.text;
    let i = at;
    if (text[i] === MINUS) i++;
    if (text[i] === ZERO) i++;
    else if (isDigit(text[i])) i = this.digitsEnd(i);
    else throw INVALID;
    if (text[i] === DOT) {
      if (!isDigit(text[i + 1])) throw INVALID;
      i = this.digitsEnd(i + 1);
    }
    if (text[i] === LOWER_E || text[i] === UPPER_E) {
      i++;
      if (text[i] === PLUS || text[i] === MINUS) i++;
      if (!isDigit(text[i])) throw INVALID;
      i = this.digitsEnd(i);
    }
    return i;
  }

  private digitsEnd(from: number): number {
    let i = from;
    while (i < this.length && isDigit(this.text[i])) i++;
    return i;
  }

  private literal(at: number, word: Buffer): number {
    if (at + word.length > this.length) throw INVALID;
    for (let k = 0; k < word.length; k++) if (this.text[at + k] !== word[k]) throw INVALID;
    return at + word.length;
  }
}

/** The index of the first byte at or after `from` that is not JSON whitespace (space, tab, LF, CR). */
export function whitespaceEnd(text: Buffer, from: number): number {
  let i = from;
  for (;;) {
    const c = text[i];
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return i;
    i++;
  }
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= ZERO && c <= NINE;
}

function isHexDigit(c: number | undefined): boolean {
  return c !== undefined && ((c >= ZERO && c <= NINE) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66));
}

/**
 * Whether one of the word's four bytes is a quote, a backslash or below 0x20, without looking at them one by one:
 * `(x - 0x01010101) & ~x & 0x80808080` is non-zero exactly when a byte of x is zero (the bytes equal to a quote or a
 * backslash are the zero bytes of x XOR that byte repeated), and `(x - 0x20202020) & ~x & 0x80808080` when a byte
 * is below 0x20. JS bit operators work on the 32-bit two's complement of their operands, so the subtraction wraps.
 */
function hasSpecialByte(x: number): boolean {
  const quotes = x ^ 0x22222222;
  const backslashes = x ^ 0x5c5c5c5c;
  return ((((x - 0x20202020) & ~x) | ((quotes - 0x01010101) & ~quotes) | ((backslashes - 0x01010101) & ~backslashes)) & 0x80808080) !== 0;
}
