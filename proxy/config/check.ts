// `spendgate check`: validate a config and print one `FILE:LINE:COL: message` line per problem.
import { loadConfigFile } from './load.js';
import type { ConfigProblem } from './types.js';

export function formatProblems(file: string, problems: readonly ConfigProblem[]): string[] {
  return problems.map((p) => `${file}:${p.line}:${p.col}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`);
}

/** Prints every problem of `file`; exit code 0 when it is valid (warnings allowed), 1 when not. */
export async function runCheck(file: string, out: (line: string) => void): Promise<number> {
  const result = await loadConfigFile(file);
  const problems = result.ok ? result.warnings : result.problems;
  for (const line of formatProblems(file, problems)) out(line);
  return result.ok ? 0 : 1;
}
