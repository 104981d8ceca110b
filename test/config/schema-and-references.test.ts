// One `spendgate check` run reports schema problems and reference problems together, without inventing any.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../proxy/config/load.js';

function problemsOf(text: string): string[] {
  const result = loadConfigText(text, 'bifrost.yaml');
  assert.equal(result.ok, false);
  return result.ok ? [] : result.problems.map((p) => `${p.line}:${p.col}: ${p.message}`);
}

const PROVIDERS = `accounts:
  - id: dev
    providers:
      - {id: p1, type: anthropic, model: claude-sonnet-4-20250514}
`;

test('a schema error and an unknown team in another section are both reported', () => {
  const problems = problemsOf(`${PROVIDERS}budgets:
  team:
    - {id: ml, limit: -5, period: 1d}
  virtual_key:
    - {id: k1, team_id: no-such-team, limit: 5, period: 1d}
`);
  assert.ok(problems.some((p) => /^7:\d+: .*limit/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /^9:\d+: virtual key "k1" names team "no-such-team"/.test(p)), problems.join('\n'));
});

test('a reference to an item that failed the schema is not called unresolved (the schema problem points there)', () => {
  const problems = problemsOf(`${PROVIDERS}budgets:
  team:
    - {id: ml, limit: lots, period: 1d}
    - {limit: 5, period: 1d}
  virtual_key:
    - {id: k1, team_id: ml, limit: 5, period: 1d}
    - {id: k2, team_id: maybe-the-one-without-id, limit: 5, period: 1d}
`);
  assert.ok(problems.some((p) => /limit/.test(p)), problems.join('\n'));
  assert.ok(!problems.some((p) => /names team/.test(p)), `no reference problem while budgets.team has an item without an id:\n${problems.join('\n')}`);
});

test('duplicate ids and provider references are reported beside a schema error', () => {
  const problems = problemsOf(`${PROVIDERS}budgets:
  provider_config:
    - {id: p1, limit: 5, period: 1d}
    - {id: p1, limit: 5, period: 1d}
    - {id: p9, limit: 5, period: 1d}
routing:
  retries: many
`);
  assert.ok(problems.some((p) => /^8:\d+: duplicate provider config budget id "p1"/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /^9:\d+: budget for provider config "p9", which no account defines/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => /^11:\d+: .*retries/.test(p)), problems.join('\n'));
});

test('a malformed accounts section makes provider references unknowable, not wrong', () => {
  const problems = problemsOf(`accounts: not-a-list
budgets:
  provider_config:
    - {id: p1, limit: 5, period: 1d}
`);
  assert.ok(!problems.some((p) => /no account defines/.test(p)), problems.join('\n'));
});
