// Maps the YAML parser's own errors and warnings to config problems at a useful position.
import type { YAMLError } from 'yaml';
import type { SourcePositions } from './positions.js';
import type { ConfigProblem } from './types.js';

/** The opening quote of a quoted scalar that never closes; the parser reports where the text ran out. */
function openingQuote(text: string, end: number, quote: string): number | undefined {
  for (let i = Math.min(end, text.length) - 1; i >= 0; i--) {
    if (text[i] !== quote) continue;
    if (quote === '"' && text[i - 1] === '\\') continue;
    if (quote === "'" && text[i - 1] === "'") {
      i--; // '' is an escaped quote inside a single-quoted scalar
      continue;
    }
    return i;
  }
  return undefined;
}

function offsetOf(e: YAMLError, text: string): number {
  const quote = e.code === 'MISSING_CHAR' ? /Missing closing (["'])quote/.exec(e.message)?.[1] : undefined;
  return (quote !== undefined ? openingQuote(text, e.pos[0], quote) : undefined) ?? e.pos[0];
}

export function yamlProblem(e: YAMLError, text: string, positions: SourcePositions, severity: ConfigProblem['severity']): ConfigProblem {
  const at = positions.atOffset(offsetOf(e, text));
  if (e.code === 'DUPLICATE_KEY') {
    const key = /^("[^"\n]*"|'[^'\n]*'|[^:\n]*)/.exec(text.slice(e.pos[0]))?.[1].trim() ?? '';
    return { severity, ...at, message: `duplicate key ${key.startsWith('"') ? key : `"${key}"`}` };
  }
  const detail = e.message.split('\n')[0];
  const message = e.code === 'MISSING_CHAR' && detail.includes('quote') ? `${detail}: this quoted value never closes` : detail;
  return { severity, ...at, message: `YAML: ${message}` };
}
