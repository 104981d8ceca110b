// The alerts section: defaults, typed destinations, and every mistake reported at its line and column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../proxy/config/load.js';
import type { ConfigProblem } from '../../proxy/config/types.js';

const BASE = `accounts:
  - id: dev
    providers:
      - {id: claude, type: anthropic, model: m, api_key: env.K}
`;

function problems(alerts: string): ConfigProblem[] {
  const r = loadConfigText(`${BASE}${alerts}`, '/tmp/bifrost.yaml');
  assert.equal(r.ok, false, 'refused');
  return r.ok ? [] : r.problems.filter((p) => p.severity === 'error');
}

function at(alerts: string): string[] {
  return problems(alerts).map((p) => `${p.line}:${p.col}: ${p.message}`);
}

test('a good alerts section loads with thresholds sorted and destinations typed', () => {
  const r = loadConfigText(
    `${BASE}alerts:
  thresholds: [95, 50, 80]
  destinations:
    - type: webhook
      url: https://hooks.example.com/spendgate
      secret: env.HOOK_SECRET
    - {type: webhook, url: "http://127.0.0.1:9000/x"}
    - type: slack
      url: env.SLACK_WEBHOOK_URL
`,
    '/tmp/bifrost.yaml',
  );
  assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
  assert.deepEqual(r.config.alerts, {
    thresholds: [50, 80, 95],
    destinations: [
      { type: 'webhook', url: 'https://hooks.example.com/spendgate', secret: { env: 'HOOK_SECRET' } },
      { type: 'webhook', url: 'http://127.0.0.1:9000/x' },
      { type: 'slack', url: { env: 'SLACK_WEBHOOK_URL' } },
    ],
  });
});

test('without thresholds the defaults apply; without the section there are no alerts', () => {
  const r = loadConfigText(`${BASE}alerts:\n  destinations: [{type: slack, url: env.S}]\n`, '/tmp/bifrost.yaml');
  assert.ok(r.ok);
  assert.deepEqual(r.config.alerts?.thresholds, [50, 80, 95, 100]);
  const none = loadConfigText(BASE, '/tmp/bifrost.yaml');
  assert.ok(none.ok);
  assert.equal(none.config.alerts, undefined);
});

test('a threshold of 0, above 100 or not a number is reported at that threshold', () => {
  assert.deepEqual(at(`alerts:\n  thresholds: [50, 0, 101, "high"]\n`), [
    '6:20: alerts.thresholds[1]: expected a percentage greater than 0 and at most 100, got number 0',
    '6:23: alerts.thresholds[2]: expected a percentage greater than 0 and at most 100, got number 101',
    '6:28: alerts.thresholds[3]: expected a percentage greater than 0 and at most 100, got string "high"',
  ]);
  assert.deepEqual(at(`alerts:\n  thresholds: [80, 80]\n`), ['6:20: threshold 80% is listed twice']);
});

test('a literal webhook secret or Slack URL is refused without echoing it; URLs must be http(s)', () => {
  const literal = problems(`alerts:
  destinations:
    - type: webhook
      url: https://hooks.example.com/x
      secret: s3cr3t-value
`);
  assert.deepEqual(literal.map((p) => `${p.line}:${p.col}`), ['9:15']);
  assert.match(literal[0].message, /literal secret does not belong in a shared config file.*env\.NAME/);
  const urls = problems(`alerts:
  destinations:
    - type: slack
      url: https://hooks.slack.com/services/T0/B0/XYZ
    - type: webhook
      url: ftp://example.com/drop
    - type: webhook
      url: not a url
`);
  assert.deepEqual(urls.map((p) => `${p.line}:${p.col}`), ['8:12', '10:12', '12:12']);
  assert.match(urls[0].message, /Slack webhook URL is a secret/);
  assert.match(urls[1].message, /expected an http\(s\) URL/);
  assert.match(urls[2].message, /expected an http\(s\) URL/);
  const all = [...literal, ...urls].map((p) => p.message).join('\n');
  assert.ok(!all.includes('s3cr3t-value') && !all.includes('XYZ'), 'secrets are never echoed');
});

test('unknown keys inside alerts and its destinations are errors', () => {
  assert.deepEqual(at(`alerts:\n  threshold: [50]\n  destinations:\n    - {type: webhook, url: "https://x.example", retries: 3}\n`), [
    '6:3: unknown key "threshold" in alerts',
    '8:49: unknown key "retries" in alerts.destinations[0]',
  ]);
  assert.match(at(`alerts:\n  destinations:\n    - {type: email, url: "https://x.example"}\n`)[0], /^7:14: alerts.destinations\[0\].type: expected one of webhook, slack/);
});
