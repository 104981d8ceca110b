import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatProblems, runCheck } from '../../proxy/config/check.js';

function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'spendgate-check-'));
  return body(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

test('problems print as FILE:LINE:COL: message, warnings marked as such', () => {
  assert.deepEqual(
    formatProblems('bifrost.yaml', [
      { severity: 'error', line: 4, col: 12, message: 'duplicate key "id"' },
      { severity: 'warning', line: 3, col: 1, message: 'unknown top-level key "foo" is ignored' },
    ]),
    ['bifrost.yaml:4:12: duplicate key "id"', 'bifrost.yaml:3:1: warning: unknown top-level key "foo" is ignored'],
  );
});

test('check of the example prints nothing and exits 0', async () => {
  const lines: string[] = [];
  const code = await runCheck(resolve(__dirname, '..', '..', 'examples', 'bifrost.yaml'), (l) => lines.push(l));
  assert.equal(code, 0);
  assert.deepEqual(lines, []);
});

test('check exits 0 when a file has only warnings, and prints them', () =>
  inTempDir(async (dir) => {
    const file = join(dir, 'bifrost.yaml');
    writeFileSync(file, 'accounts:\n  - id: a\n    providers:\n      - {id: p, type: anthropic, model: m}\nfoo: 1\n');
    const lines: string[] = [];
    assert.equal(await runCheck(file, (l) => lines.push(l)), 0);
    assert.deepEqual(lines, [`${file}:5:1: warning: unknown top-level key "foo" is ignored`]);
  }));

test('check of a file that does not exist exits 1 and says so', () =>
  inTempDir(async (dir) => {
    const file = join(dir, 'missing.yaml');
    const lines: string[] = [];
    assert.equal(await runCheck(file, (l) => lines.push(l)), 1);
    assert.deepEqual(lines, [`${file}:1:1: cannot read config: file not found`]);
  }));

test('check reports every error of a file, in file order', () =>
  inTempDir(async (dir) => {
    const file = join(dir, 'bifrost.yaml');
    writeFileSync(file, 'budgets:\n  customer:\n    - {id: c, limit: -1, period: 1d}\n    - {id: d, limit: 5, period: 2q}\n');
    const lines: string[] = [];
    assert.equal(await runCheck(file, (l) => lines.push(l)), 1);
    assert.deepEqual(
      lines.map((l) => l.slice(file.length + 1).split(': ')[0]),
      ['3:22', '4:33'],
    );
  }));
