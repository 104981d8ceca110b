// Loads bifrost.yaml: YAML with source positions → schema and cross-checks → typed Config (docs/configuration.md).
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { dirname, resolve } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { assembleConfig } from './assemble.js';
import { problemsFromIssues } from './issues.js';
import { SourcePositions, type PathProblem } from './positions.js';
import { checkReferences, checkReferencesOfRawFile } from './references.js';
import { fileSchema, TOP_LEVEL_KEYS, type FileConfig } from './schema.js';
import { yamlProblem } from './syntax.js';
import type { ConfigProblem, LoadResult } from './types.js';

export { resolveSecret } from './secrets.js';

export interface LoadOptions {
  /** Whether a referenced file (pricing_file) exists; loadConfigFile passes the real file system. */
  readonly fileExists?: (path: string) => boolean;
}

/** Guards toJS against alias bombs; a real config never needs more. */
const MAX_ALIAS_COUNT = 1000;

function byPosition(a: ConfigProblem, b: ConfigProblem): number {
  return a.line - b.line || a.col - b.col;
}

function placed(problems: readonly PathProblem[], positions: SourcePositions): ConfigProblem[] {
  return problems.map((p) => ({ severity: p.severity, ...positions.at(p.path, p.part), message: p.message }));
}

function unknownTopLevelKeys(contents: unknown): PathProblem[] {
  if (!isMap(contents)) return [];
  const known = TOP_LEVEL_KEYS as readonly string[];
  const out: PathProblem[] = [];
  for (const pair of contents.items) {
    if (!isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    if (!known.includes(key)) out.push({ severity: 'warning', path: [key], part: 'key', message: `unknown top-level key "${key}" is ignored` });
  }
  return out;
}

function missingFiles(file: FileConfig, configDir: string, fileExists: (path: string) => boolean): PathProblem[] {
  const declared =
    file.pricing_file !== undefined
      ? { path: ['pricing_file'], value: file.pricing_file }
      : file.pricing.pricing_file !== undefined
        ? { path: ['pricing', 'pricing_file'], value: file.pricing.pricing_file }
        : undefined;
  if (!declared) return [];
  const absolute = resolve(configDir, declared.value);
  if (fileExists(absolute)) return [];
  return [{ severity: 'error', path: declared.path, part: 'value', message: `pricing_file ${absolute} does not exist` }];
}

function refused(problems: ConfigProblem[]): LoadResult {
  return { ok: false, problems: problems.sort(byPosition) };
}

/** Deeper than any real config; past it the YAML parser's recursion (and V8's regexp compiler) can exhaust the stack. */
const MAX_NESTING = 256;
const MAX_INDENT = 1024;

/**
 * One linear pass before parsing: the position of flow brackets nested (outside quotes) or block
 * indentation deeper than any real config. Such a file is refused without invoking the parser,
 * because some overflows inside V8 abort the process instead of throwing.
 */
function tooDeep(text: string): { line: number; col: number } | undefined {
  let depth = 0;
  let line = 1;
  let col = 0;
  let quote: string | undefined;
  let atLineStart = true;
  let indent = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    col += 1;
    if (c === '\n') {
      line += 1;
      col = 0;
      atLineStart = true;
      indent = 0;
      continue;
    }
    if (atLineStart) {
      if (c === ' ' || c === '-') {
        indent += 1;
        if (indent > MAX_INDENT) return { line, col };
        continue;
      }
      atLineStart = false;
    }
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') i += 1;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      const nl = text.indexOf('\n', i);
      if (nl === -1) break;
      i = nl - 1;
      col -= 1;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '{') {
      depth += 1;
      if (depth > MAX_NESTING) return { line, col };
    } else if ((c === ']' || c === '}') && depth > 0) depth -= 1;
  }
  return undefined;
}

/** Validates config text; `filePath` anchors relative paths inside it (it is not read). Never throws. */
export function loadConfigText(text: string, filePath: string, options: LoadOptions = {}): LoadResult {
  const deep = tooDeep(text);
  if (deep) return refused([{ severity: 'error', ...deep, message: `nested more than ${MAX_NESTING} levels deep: not a config` }]);
  try {
    return validate(text, filePath, options);
  } catch (err) {
    // The YAML parser and the schema recurse per nesting level: a pathologically deep document
    // overflows the stack. That is a property of the file, so it is reported like any other problem.
    if (err instanceof RangeError) {
      return refused([{ severity: 'error', line: 1, col: 1, message: `the file is nested too deeply to be a config (${err.message})` }]);
    }
    throw err;
  }
}

function validate(text: string, filePath: string, options: LoadOptions): LoadResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const positions = new SourcePositions(doc, lines);
  const problems: ConfigProblem[] = [
    ...doc.errors.map((e) => yamlProblem(e, text, positions, 'error')),
    ...doc.warnings.map((e) => yamlProblem(e, text, positions, 'warning')),
  ];
  if (doc.errors.length > 0) return refused(problems);

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (err) {
    problems.push({ severity: 'error', line: 1, col: 1, message: `YAML: ${err instanceof Error ? err.message : String(err)}` });
    return refused(problems);
  }
  problems.push(...placed(unknownTopLevelKeys(doc.contents), positions));

  const parsed = fileSchema.safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    problems.push(...placed(problemsFromIssues(parsed.error.issues), positions));
    // References are checked on the parts that parsed too, so fixing the schema problems does not reveal a second round.
    problems.push(...placed(checkReferencesOfRawFile(raw), positions));
    return refused(problems);
  }
  const configDir = dirname(resolve(filePath));
  const fileExists = options.fileExists ?? (() => true);
  problems.push(...placed([...checkReferences(parsed.data), ...missingFiles(parsed.data, configDir, fileExists)], positions));
  if (problems.some((p) => p.severity === 'error')) return refused(problems);
  return { ok: true, config: assembleConfig(parsed.data, configDir), warnings: problems.sort(byPosition) };
}

/** What the real file system says about referenced files; the watcher loads with it too. */
export const onDisk: LoadOptions = { fileExists: existsSync };

/** The load result for a config file that could not be read. */
export function unreadableConfig(err: unknown): LoadResult {
  const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : err instanceof Error ? err.message : String(err);
  return { ok: false, problems: [{ severity: 'error', line: 1, col: 1, message: `cannot read config: ${reason}` }] };
}

/** Reads the file and hands its bytes to `load`; an unreadable file is reported as a problem at 1:1. */
async function readAndLoad(path: string, load: (bytes: Buffer, path: string) => LoadResult): Promise<LoadResult> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    return unreadableConfig(err);
  }
  return load(bytes, path);
}

/** Reads and validates a config file; an unreadable file is reported as a problem at 1:1. */
export function loadConfigFile(path: string): Promise<LoadResult> {
  return readAndLoad(path, loadConfigBytes);
}

/**
 * Reads and validates the file a running gateway is asked to switch to (the watcher, POST /api/config/reload).
 * Like loadConfigFile, except that a file holding nothing but blanks is refused: an editor or `git checkout` that
 * truncates before it writes leaves the file empty for a moment, and as a policy an empty file would drop every
 * key and budget at once. The previous config keeps serving; the write that follows is seen as the next change.
 */
export function loadReplacementConfigFile(path: string): Promise<LoadResult> {
  return readAndLoad(path, loadReplacementConfigBytes);
}

/** loadReplacementConfigFile for bytes already read. */
export function loadReplacementConfigBytes(bytes: Buffer, path: string): LoadResult {
  if (bytes.toString('utf8').trim() === '') {
    const message = 'the file is empty: the gateway keeps serving the previous config (an empty policy would drop every key and budget)';
    return { ok: false, problems: [{ severity: 'error', line: 1, col: 1, message }] };
  }
  return loadConfigBytes(bytes, path);
}

/** Validates config bytes, which must be UTF-8: a corrupted file is refused, not read with replacement characters. */
export function loadConfigBytes(bytes: Buffer, path: string): LoadResult {
  const text = bytes.toString('utf8');
  if (!isUtf8(bytes)) {
    const at = text.indexOf('\uFFFD');
    const before = text.slice(0, Math.max(0, at));
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    return { ok: false, problems: [{ severity: 'error', line, col, message: 'the file is not valid UTF-8' }] };
  }
  return loadConfigText(text, path, onDisk);
}
