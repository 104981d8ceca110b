// Child process of config-loader.test.ts: runs the loader property so a hang can be detected and killed from outside.
// Before each case it writes the case to CURRENT_FILE and a `case N` line to stdout; it ends with one `result {json}` line.
import { writeFileSync, writeSync } from 'node:fs';
import fc from 'fast-check';
import { loadConfigText } from '../../proxy/config/load.js';
import type { LoadResult } from '../../proxy/config/types.js';
import { hostileConfigText } from './config-texts.js';

const [seedText, runsText, currentFile] = process.argv.slice(2);
const prototypeKeysBefore = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

/** What is wrong with a LoadResult, or undefined when it keeps the loader's promise. */
export function problemWith(result: LoadResult): string | undefined {
  if (result === null || typeof result !== 'object' || typeof result.ok !== 'boolean') return 'not a LoadResult';
  if (result.ok) {
    if (!Array.isArray(result.config.accounts) || !Array.isArray(result.warnings)) return 'ok result without accounts/warnings';
    if (result.warnings.some((w) => w.severity !== 'warning')) return 'an ok result carries an error';
    return undefined;
  }
  if (result.problems.length === 0) return 'refused with no problems';
  if (!result.problems.some((p) => p.severity === 'error')) return 'refused without an error';
  for (const p of result.problems) {
    if (!Number.isInteger(p.line) || p.line < 1 || !Number.isInteger(p.col) || p.col < 1) return `bad position ${p.line}:${p.col}`;
    if (typeof p.message !== 'string' || p.message.length === 0) return 'empty message';
  }
  JSON.stringify(result.problems);
  return undefined;
}

/** The failure report, with the (possibly megabyte-long) counterexample cut short. */
function reportOf(details: fc.RunDetails<[string]>): string {
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  const input = details.counterexample?.[0] ?? '';
  return `${error}\ncounterexample (${input.length} chars, first 1500):\n${input.slice(0, 1500)}`;
}

let index = 0;
const details = fc.check(
  fc.property(hostileConfigText(), (text) => {
    index += 1;
    writeFileSync(currentFile, text);
    writeSync(1, `case ${index}\n`);
    const result = loadConfigText(text, '/fuzz/bifrost.yaml');
    const problem = problemWith(result);
    if (problem) throw new Error(problem);
    const keysNow = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
    if (keysNow !== prototypeKeysBefore || ({} as Record<string, unknown>).polluted !== undefined) throw new Error('Object.prototype was polluted');
  }),
  { seed: Number(seedText), numRuns: Number(runsText), includeErrorInReport: true },
);
writeSync(1, `result ${JSON.stringify({ cases: index, failed: details.failed, report: details.failed ? reportOf(details) : '' })}\n`);
