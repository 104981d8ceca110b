// Maps a path inside the parsed YAML document (e.g. budgets.team[0].limit) to a 1-based line and column.
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';

export type PathSegment = string | number;
export type ConfigPath = readonly PathSegment[];

/** Whether a problem is about a mapping key (unknown or duplicate keys) or its value. */
export type PathPart = 'key' | 'value';

export interface Position {
  readonly line: number;
  readonly col: number;
}

function rangeStart(node: unknown): number | undefined {
  if (node !== null && typeof node === 'object' && 'range' in node) {
    const range = (node as Node).range;
    if (Array.isArray(range)) return range[0];
  }
  return undefined;
}

function keyText(pair: Pair): string | undefined {
  return isScalar(pair.key) ? String(pair.key.value) : undefined;
}

/** Renders a path the way a reader of the file thinks of it: `budgets.team[0].limit`. */
export function pathText(path: ConfigPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out === '' ? '(top level)' : out;
}

export class SourcePositions {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Position of an offset in the text. */
  atOffset(offset: number): Position {
    const { line, col } = this.lines.linePos(offset);
    return { line, col };
  }

  /**
   * Position of the node at `path`: its key or its value. When the path runs past what the file
   * holds (a required key that is absent), the deepest node that exists is used.
   */
  at(path: ConfigPath, part: PathPart): Position {
    let node: unknown = this.doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(p) === String(segment));
        if (!pair) break;
        const keyOffset = rangeStart(pair.key);
        const valueOffset = rangeStart(pair.value);
        if (last && part === 'key') return this.atOffset(keyOffset ?? offset);
        // An empty value (`limit:`) has no useful position of its own: point at its key.
        const emptyValue = isScalar(pair.value) && pair.value.value === null;
        offset = (emptyValue ? keyOffset : valueOffset) ?? keyOffset ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        const itemOffset = isPair(item) ? rangeStart(item.key) : rangeStart(item);
        if (itemOffset === undefined) break;
        offset = itemOffset;
        node = item;
      } else {
        break;
      }
    }
    return this.atOffset(offset);
  }
}

/** A problem found by validation, before it is placed at a line and column. */
export interface PathProblem {
  readonly severity: 'error' | 'warning';
  readonly path: ConfigPath;
  readonly part: PathPart;
  readonly message: string;
}
