// Table: each broken config makes `spendgate check` exit 1 and point at the exact line and column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCheck } from '../../proxy/config/check.js';

const root = resolve(__dirname, '..', '..');
const fixture = readFileSync(join(root, 'examples/bifrost.yaml'), 'utf8');
const fixtureLines = fixture.split('\n').length;

/** The example with one exact, unique piece of text replaced. */
function edited(from: string, to: string): string {
  assert.equal(fixture.split(from).length, 2, `"${from}" must occur once in the example`);
  return fixture.replace(from, to);
}

interface BrokenCase {
  readonly name: string;
  readonly text: string;
  readonly line: number;
  readonly col: number;
  readonly message: RegExp;
}

const cases: readonly BrokenCase[] = [
  {
    name: 'bad YAML syntax (unterminated quote)',
    text: edited('period: "1w"', 'period: "1w'),
    line: 33,
    col: 15,
    message: /^YAML: Missing closing "quote: this quoted value never closes$/,
  },
  {
    name: 'a key budget names a team that has no budget',
    text: edited('team_id: "ml-engineering"', 'team_id: "ml-eng"'),
    line: 31,
    col: 16,
    message: /virtual key "staging-key" names team "ml-eng", which has no entry in budgets\.team/,
  },
  {
    name: 'a team names a customer that has no budget',
    text: edited('customer_id: "acme-corp"', 'customer_id: "acme"'),
    line: 25,
    col: 20,
    message: /team "ml-engineering" names customer "acme"/,
  },
  {
    name: 'a negative limit',
    text: edited('\n      limit: 500\n', '\n      limit: -500\n'),
    line: 32,
    col: 14,
    message: /^budgets\.virtual_key\[0\]\.limit: an amount in US dollars must be greater than 0, got -500$/,
  },
  {
    name: 'a period with an unknown unit',
    text: edited('period: "1w"', 'period: "3x"'),
    line: 33,
    col: 15,
    message: /unknown unit "x": use m \(minute\), h \(hour\), d \(day\), w \(week\), M \(month\) or Y \(year\)/,
  },
  {
    name: 'a duplicate provider config id',
    text: edited('- id: "bedrock-mistral"', '- id: "bedrock-claude"'),
    line: 11,
    col: 13,
    message: /^duplicate provider config id "bedrock-claude"$/,
  },
  {
    name: 'an unknown provider type',
    text: edited('type: "bedrock"\n        region: "us-west-2"', 'type: "gemini"\n        region: "us-west-2"'),
    line: 12,
    col: 15,
    message: /^accounts\[0\]\.providers\[1\]\.type: expected one of bedrock, anthropic, openai, got string "gemini"$/,
  },
  {
    name: 'a provider_config budget for a provider no account defines',
    text: edited('    - id: "bedrock-claude"\n      limit: 1000', '    - id: "bedrock-llama"\n      limit: 1000'),
    line: 36,
    col: 11,
    message: /budget for provider config "bedrock-llama", which no account defines/,
  },
  {
    name: 'a literal api_key',
    text: edited('weight: 20', 'weight: 20\n        api_key: "sk-ant-123"'),
    line: 16,
    col: 18,
    message: /literal secret .* write api_key: env\.NAME/,
  },
  {
    name: 'a sha256 key that is not 64 hex digits',
    text: `${fixture}\nvirtual_keys:\n  - id: ci\n    key: sha256:abc123\n`,
    line: fixtureLines + 3,
    col: 10,
    message: /sha256: must be followed by exactly 64 hexadecimal digits/,
  },
  {
    name: 'a limit of the wrong type',
    text: edited('limit: 2000\n', 'limit: "lots"\n'),
    line: 26,
    col: 14,
    message: /^budgets\.team\[0\]\.limit: expected an amount in US dollars such as 500 or 12\.50, got string "lots"$/,
  },
  {
    name: 'an unknown key inside a section (typo)',
    text: edited('limit: 5000\n', 'limt: 5000\n'),
    line: 20,
    col: 7,
    message: /^unknown key "limt" in budgets\.customer\[0\]$/,
  },
  {
    name: 'a duplicate key in one mapping',
    text: edited('weight: 80', 'weight: 80\n        weight: 70'),
    line: 11,
    col: 9,
    message: /^duplicate key "weight"$/,
  },
  {
    name: 'a weight of zero',
    text: edited('weight: 80', 'weight: 0'),
    line: 10,
    col: 17,
    message: /weight: expected a number greater than 0, got number 0/,
  },
  {
    name: 'a provider without a model, reported at its entry',
    text: edited('        model: "mistral.mistral-large-2407-v1:0"\n', ''),
    line: 11,
    col: 9,
    message: /^accounts\[0\]\.providers\[1\]: missing required key "model"$/,
  },
  {
    name: 'a guard with neither max_spend nor max_requests',
    text: `${fixture}\nguards:\n  - {virtual_key_id: staging-key, window: 1h}\n`,
    line: fixtureLines + 2,
    col: 5,
    message: /guard for virtual key "staging-key" needs max_spend, max_requests or both/,
  },
  {
    name: 'a virtual key bound to an unknown account',
    text: `${fixture}\nvirtual_keys:\n  - id: ci\n    account: data-team\n`,
    line: fixtureLines + 3,
    col: 14,
    message: /virtual key "ci" names account "data-team", which is not in accounts/,
  },
  {
    name: 'a rate limit of a fraction of a request',
    text: edited('limit: 100\n', 'limit: 2.5\n'),
    line: 44,
    col: 16,
    message: /requests\.limit: expected a positive whole number, got number 2\.5/,
  },
  {
    name: 'a journal fsync interval that is neither off nor milliseconds',
    text: `${fixture}\nstore:\n  journal_fsync: sometimes\n`,
    line: fixtureLines + 2,
    col: 18,
    message: /store\.journal_fsync: expected off or a positive whole number of milliseconds, got string "sometimes"/,
  },
  {
    name: 'a log record cap of zero',
    text: `${fixture}\nlogging:\n  max_records: 0\n`,
    line: fixtureLines + 2,
    col: 16,
    message: /logging\.max_records: expected a positive whole number, got number 0/,
  },
  {
    name: 'a file that is a list, not a mapping',
    text: '- accounts\n- budgets\n',
    line: 1,
    col: 1,
    message: /the file must be a mapping of sections/,
  },
];

for (const c of cases) {
  test(`check exits 1 and points at the problem: ${c.name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spendgate-check-'));
    try {
      const file = join(dir, 'bifrost.yaml');
      writeFileSync(file, c.text);
      const lines: string[] = [];
      const code = await runCheck(file, (line) => lines.push(line));
      assert.equal(code, 1);
      const prefix = `${file}:${c.line}:${c.col}: `;
      const hit = lines.find((line) => line.startsWith(prefix) && c.message.test(line.slice(prefix.length)));
      assert.ok(hit, `expected ${prefix}${c.message} among:\n${lines.join('\n')}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
