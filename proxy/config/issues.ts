// Turns zod's schema issues into config problems that name the offending key or value.
import type { z } from 'zod';
import { describeValue, MISSING_PARAM } from './fields.js';
import { pathText, type PathProblem } from './positions.js';

type Issue = z.core.$ZodIssue;

function segments(path: readonly PropertyKey[]): (string | number)[] {
  return path.map((s) => (typeof s === 'number' ? s : String(s)));
}

function isMissing(issue: Issue): boolean {
  return issue.code === 'custom' && issue.params?.[MISSING_PARAM] === true;
}

function shapeName(expected: string): string {
  if (expected === 'object') return 'a mapping (key: value)';
  if (expected === 'array') return 'a list';
  return expected;
}

function problemsOf(issue: Issue): PathProblem[] {
  const path = segments(issue.path);
  if (isMissing(issue)) {
    const parent = path.slice(0, -1);
    return [{ severity: 'error', path: parent, part: 'value', message: `${pathText(parent)}: missing required key "${String(path[path.length - 1])}"` }];
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({
        severity: 'error',
        path: [...path, key],
        part: 'key',
        message: `unknown key "${key}" in ${pathText(path)}`,
      }));
    case 'invalid_type': {
      const message =
        path.length === 0
          ? `the file must be a mapping of sections (accounts:, budgets:, ...), got ${describeValue(issue.input)}`
          : `${pathText(path)}: expected ${shapeName(issue.expected)}, got ${describeValue(issue.input)}`;
      return [{ severity: 'error', path, part: 'value', message }];
    }
    default:
      return [{ severity: 'error', path, part: 'value', message: `${pathText(path)}: ${issue.message}` }];
  }
}

export function problemsFromIssues(issues: readonly Issue[]): PathProblem[] {
  return issues.flatMap(problemsOf);
}
