import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createHash } from 'node:crypto';
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

test('check of the team example exits 0 and warns, at the key, that staging-key uses its id as its secret', async () => {
  const file = resolve(__dirname, '..', '..', 'examples', 'bifrost.yaml');
  const lines: string[] = [];
  const code = await runCheck(file, (l) => lines.push(l));
  assert.equal(code, 0);
  assert.equal(lines.length, 1);
  assert.match(lines[0], new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:30:11: warning: virtual key "staging-key" uses its id as its secret`));
});

test('a key whose secret is its id is warned about however the secret is written; env and distinct secrets are not', () =>
  inTempDir(async (dir) => {
    const file = join(dir, 'bifrost.yaml');
    const idHash = createHash('sha256').update('hashed-id').digest('hex');
    writeFileSync(
      file,
      [
        'virtual_keys:',
        '  - {id: literal-id, key: literal-id}',
        `  - {id: hashed-id, key: "sha256:${idHash}"}`,
        '  - {id: from-env, key: env.FROM_ENV}',
        '  - {id: distinct, key: some-other-secret}',
        'rate_limits:',
        '  virtual_key:',
        '    - {id: limited-only, requests: {limit: 5, duration: 1h}}',
        '',
      ].join('\n'),
    );
    const lines: string[] = [];
    assert.equal(await runCheck(file, (l) => lines.push(l)), 0);
    const warned = lines.filter((l) => l.includes('uses its id as its secret')).map((l) => /virtual key "([^"]+)"/.exec(l)?.[1]);
    assert.deepEqual(warned, ['literal-id', 'hashed-id', 'limited-only']);
    for (const line of lines) assert.ok(!line.includes('some-other-secret'), 'a secret is never printed');
  }));

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
