// A client's JSON body: the bytes as received, validated once, parsed only as far as the gateway reads it, and
// forwarded as the same bytes unless a member must change, when only that member's bytes change.
import { GatewayError } from './errors.js';
import { parseJsonBytes } from './json-bytes.js';
import { MAX_JSON_NESTING, nestsDeeperThan, tooDeeplyNested } from './json-depth.js';
import { scanJson, whitespaceEnd, type JsonOutline } from './json-scan.js';

type JsonObject = Record<string, unknown>;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** First bytes of `true`, `false` and `null`. */
const TRUE = 0x74;
const FALSE = 0x66;
const NULL = 0x6e;

/** Strings up to this many bytes of JSON text (quotes included) are decoded in the outline; longer ones are not. */
const SHORT_STRING_BYTES = 128;
/** What the outline holds for a longer string: a string, as the type of the value it stands for. */
export const LONG_STRING = '(long string)';

/**
 * Parsing a 90 KB Claude Code request builds thousands of objects the gateway never reads (tool schemas, message
 * blocks) and costs several times the strict scan that proves it is JSON (bench/findings.md). So a body is scanned,
 * and parsed as a whole only for the routes that translate it (Bedrock); the Anthropic and OpenAI pass-throughs read
 * a few members and forward the bytes.
 */
export class JsonBody {
  /** Top-level member name → its outline entries, in text order (JSON.parse keeps the last of duplicates). */
  private readonly members = new Map<string, number[]>();
  private readonly parsedMembers = new Map<string, unknown>();

  private constructor(
    /** The bytes exactly as received. */
    readonly raw: Buffer,
    private readonly outline: JsonOutline | undefined,
    private whole: JsonObject | undefined,
  ) {
    if (outline === undefined) return;
    for (let e = 0; e < outline.start.length; e++) {
      if (outline.level[e] !== 1) continue;
      const name = this.string(outline.keyStart[e], outline.keyEnd[e]);
      const entries = this.members.get(name);
      if (entries === undefined) this.members.set(name, [e]);
      else entries.push(e);
    }
  }

  /** `{}`, for a request whose body has not been read. */
  static readonly EMPTY = new JsonBody(Buffer.from('{}'), undefined, {});

  /**
   * `raw` as a JSON object. Throws `invalid_request` for a text that is not JSON (with JSON.parse's own message),
   * nests deeper than MAX_JSON_NESTING, or is not an object. With `whole`, for a body that will be parsed whole
   * anyway (a translation), it is parsed at once: the scan would only repeat the parser's validation.
   */
  static read(raw: Buffer, options: { whole?: boolean } = {}): JsonBody {
    if (options.whole !== true) {
      const scan = scanJson(raw, MAX_JSON_NESTING);
      if (scan.kind === 'too_deep') throw tooDeeplyNested();
      if (scan.kind === 'valid') {
        if (raw[whitespaceEnd(raw, 0)] !== OPEN_BRACE) throw notAnObject();
        return new JsonBody(raw, scan.outline, undefined);
      }
    }
    // Parsed whole as the gateway always did: asked to, or for text that is not valid UTF-8 (JSON.parse reads it
    // with replacement characters) or not JSON (for JSON.parse's message about the text the client sent).
    if (nestsDeeperThan(raw, MAX_JSON_NESTING)) throw tooDeeplyNested();
    let value: unknown;
    try {
      value = parseJsonBytes(raw);
    } catch (err) {
      throw new GatewayError('invalid_request', `request body is not valid JSON: ${(err as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw notAnObject();
    return new JsonBody(raw, undefined, value as JsonObject);
  }

  /** The body of `value`'s JSON text, as if a client had sent it. */
  static of(value: JsonObject): JsonBody {
    return JsonBody.read(Buffer.from(JSON.stringify(value), 'utf8'));
  }

  /** The top-level member `name`, parsed (undefined when absent). */
  get(name: string): unknown {
    if (this.whole !== undefined) return Object.hasOwn(this.whole, name) ? this.whole[name] : undefined;
    if (this.parsedMembers.has(name)) return this.parsedMembers.get(name);
    const entries = this.members.get(name);
    const value = entries === undefined ? undefined : this.valueOf(entries[entries.length - 1]);
    this.parsedMembers.set(name, value);
    return value;
  }

  /** The whole body, parsed on the first call. Treat as read-only. */
  value(): Readonly<JsonObject> {
    this.whole ??= parseJsonBytes(this.raw) as JsonObject;
    return this.whole;
  }

  /**
   * The body down to the outline's three levels (json-scan.ts), for validating its shape: every member and every element of a member
   * and of those, with the arrays and objects of the last level left empty, and every string longer than
   * SHORT_STRING_BYTES in the text given as LONG_STRING. A schema that reads no deeper than that and checks long
   * strings for their type only (a model name's presence, a message's `role`, a tool's `type`) judges the outline
   * exactly as it would judge the whole body.
   */
  outlineValue(): Readonly<JsonObject> {
    const outline = this.outline;
    if (outline === undefined) return this.value();
    const root: JsonObject = {};
    const built: unknown[] = new Array(outline.start.length);
    for (let e = 0; e < outline.start.length; e++) {
      const first = this.raw[outline.start[e]];
      const value = first === OPEN_BRACE ? {} : first === OPEN_BRACKET ? [] : this.outlineScalar(outline.start[e], outline.end[e]);
      built[e] = value;
      const parent = outline.parent[e] === -1 ? root : built[outline.parent[e]];
      if (Array.isArray(parent)) parent.push(value);
      else setMember(parent as JsonObject, this.string(outline.keyStart[e], outline.keyEnd[e]), value);
    }
    return root;
  }

  /**
   * The bytes to forward once `overrides` are applied: `raw` itself when every override already holds; `raw` with
   * the changed members' values replaced (or the members added at the end) otherwise, the client's bytes untouched
   * around them. A member the client sent twice is the one case rewritten as a whole, so that no reader of the
   * result can see the client's value.
   */
  with(overrides: Readonly<JsonObject>): Buffer {
    const duplicated = (name: string): boolean => (this.members.get(name)?.length ?? 0) > 1;
    const changed = Object.entries(overrides).filter(([name, value]) => duplicated(name) || !sameJson(this.get(name), value));
    if (changed.length === 0) return this.raw;
    const outline = this.outline;
    if (outline === undefined || changed.some(([name, value]) => value === undefined || duplicated(name))) {
      return Buffer.from(JSON.stringify({ ...this.value(), ...overrides }), 'utf8');
    }
    const replaced: { start: number; end: number; text: string }[] = [];
    const added: string[] = [];
    for (const [name, value] of changed) {
      const entry = this.members.get(name)?.[0];
      if (entry === undefined) added.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
      else replaced.push({ start: outline.start[entry], end: outline.end[entry], text: JSON.stringify(value) });
    }
    if (added.length > 0) {
      // After the last member's value, or right after `{` when there is none.
      const last = this.lastMemberEnd();
      const text = added.join(',');
      const afterBrace = whitespaceEnd(this.raw, 0) + 1;
      replaced.push(last === undefined ? { start: afterBrace, end: afterBrace, text } : { start: last, end: last, text: `,${text}` });
    }
    replaced.sort((a, b) => a.start - b.start);
    const pieces: Buffer[] = [];
    let from = 0;
    for (const r of replaced) {
      pieces.push(this.raw.subarray(from, r.start), Buffer.from(r.text, 'utf8'));
      from = r.end;
    }
    pieces.push(this.raw.subarray(from));
    return Buffer.concat(pieces);
  }

  private lastMemberEnd(): number | undefined {
    let last: number | undefined;
    for (const entries of this.members.values()) {
      const end = this.outline!.end[entries[entries.length - 1]];
      if (last === undefined || end > last) last = end;
    }
    return last;
  }

  /** A string, number, true, false or null of the outline: long strings as LONG_STRING, the rest decoded. */
  private outlineScalar(start: number, end: number): unknown {
    const raw = this.raw;
    const first = raw[start];
    if (first === QUOTE) return end - start > SHORT_STRING_BYTES ? LONG_STRING : this.string(start, end);
    if (first === TRUE) return true;
    if (first === FALSE) return false;
    if (first === NULL) return null;
    // A number the scan proved to follow JSON's grammar, which Number reads the same way.
    return Number(raw.toString('latin1', start, end));
  }

  /** The string whose JSON text (quotes included) is `raw[start, end)`. */
  private string(start: number, end: number): string {
    const raw = this.raw;
    // Plain ASCII without escapes is its own text: keys, roles, types and names.
    for (let i = start + 1; i < end - 1; i++) if (raw[i] === BACKSLASH || raw[i] >= 0x80) return this.text(start, end) as string;
    return raw.toString('latin1', start + 1, end - 1);
  }

  private valueOf(entry: number): unknown {
    return this.text(this.outline!.start[entry], this.outline!.end[entry]);
  }

  /** The JSON value of `raw[start, end)`, a span the scan proved to be one value. */
  private text(start: number, end: number): unknown {
    return parseJsonBytes(this.raw.subarray(start, end));
  }
}

/** As JSON.parse sets a member: `__proto__` becomes an own property, not the object's prototype. */
function setMember(target: JsonObject, name: string, value: unknown): void {
  if (name === '__proto__') Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'object' && typeof b === 'object' && JSON.stringify(a) === JSON.stringify(b));
}

function notAnObject(): GatewayError {
  return new GatewayError('invalid_request', 'request body must be a JSON object');
}
