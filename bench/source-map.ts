// A minimal source map v3 reader: decodes the VLQ mappings once and answers generated → original positions.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

interface RawSourceMap {
  readonly sources: readonly string[];
  readonly sourceRoot?: string;
  readonly mappings: string;
}

/** One mapped position: 0-based line and column in `source` (an absolute path). */
export interface OriginalPosition {
  readonly source: string;
  readonly line: number;
  readonly column: number;
}

/** Decodes one segment's base64 VLQ fields. */
export function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of segment) {
    const digit = DIGIT.get(c);
    if (digit === undefined) throw new Error(`bad VLQ digit ${c}`);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

export class SourceMapIndex {
  /** Per generated line: flat [genColumn, sourceIndex, line, column] quadruples, ascending by column. */
  private constructor(private readonly lines: readonly Int32Array[], private readonly sources: readonly string[]) {}

  static read(mapPath: string): SourceMapIndex {
    const raw = JSON.parse(readFileSync(mapPath, 'utf8')) as RawSourceMap;
    const base = resolve(dirname(mapPath), raw.sourceRoot ?? '');
    const sources = raw.sources.map((s) => resolve(base, s));
    let src = 0;
    let line = 0;
    let col = 0;
    const lines = raw.mappings.split(';').map((text) => {
      let gen = 0;
      const out: number[] = [];
      for (const segment of text.split(',')) {
        if (segment === '') continue;
        const f = decodeVlq(segment);
        gen += f[0];
        if (f.length < 4) continue;
        src += f[1];
        line += f[2];
        col += f[3];
        out.push(gen, src, line, col);
      }
      return Int32Array.from(out);
    });
    return new SourceMapIndex(lines, sources);
  }

  /** The original position of a 0-based generated line and column, or undefined when unmapped. */
  lookup(line: number, column: number): OriginalPosition | undefined {
    const segs = this.lines[line];
    if (segs === undefined || segs.length === 0) return undefined;
    let lo = 0;
    let hi = segs.length / 4 - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segs[mid * 4] <= column) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (found < 0) found = 0;
    return { source: this.sources[segs[found * 4 + 1]], line: segs[found * 4 + 2], column: segs[found * 4 + 3] };
  }
}
