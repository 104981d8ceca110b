// The `spendgate` command as a user runs it: check, status, logs, serve's guard rails and graceful shutdown.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { eventually, removeDir, spawnGateway, tempDir, type SpawnedGateway } from '../harness/gateway.js';
import { fourTierConfig } from '../harness/configs.js';
import { spendgate as runCli, type CliResult } from '../harness/cli.js';
import type { RateLimitsSection } from '../harness/config-builder.js';

const ROOT = resolve(__dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'bifrost.yaml');

/** `spendgate ARGS` with extra environment variables. */
const spendgate = (args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CliResult> => runCli(args, { env });

const RATE_LIMITS: RateLimitsSection = {
  virtual_key: [{ id: 'staging-key', requests: { limit: 100, duration: '1h' }, tokens: { limit: 50000, duration: '1h' } }],
  provider_config: [{ id: 'anthropic-direct', requests: { limit: 500, duration: '1h' } }],
};

const configFor = (anthropicUrl: string): string => fourTierConfig(anthropicUrl, { rate_limits: RATE_LIMITS });

describe('spendgate check', () => {
  test('the example config is valid: exit 0, with the inference-profile advice as FILE:LINE:COL', async () => {
    const r = await spendgate(['check', '--config', EXAMPLE]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // line 9 is `model: "anthropic.claude-sonnet-4-20250514-v1:0"`; column 17 is where the id starts
    assert.match(r.stdout, new RegExp(`^${EXAMPLE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:9:17: warning: .*inference profile.*us\\.anthropic\\.claude-sonnet-4-20250514-v1:0`, 'm'));
  });

  test('a reference to an unknown team is an error at its line and column: exit 1', async () => {
    const dir = await tempDir();
    try {
      const file = join(dir, 'bifrost.yaml');
      await writeFile(
        file,
        `accounts:
  - id: dev
    providers:
      - id: p1
        type: anthropic
        model: claude-sonnet-4-20250514
budgets:
  virtual_key:
    - id: k1
      team_id: no-such-team
      limit: 5
      period: 1d
`,
      );
      const r = await spendgate(['check', '--config', file]);
      assert.equal(r.code, 1);
      const line = r.stdout.split('\n').find((l) => l.includes('no-such-team'));
      assert.ok(line, r.stdout + r.stderr);
      assert.match(line, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:10:16: `), 'FILE:LINE:COL of the team_id value');
    } finally {
      await removeDir(dir);
    }
  });
});

describe('spendgate status and logs against a running gateway', () => {
  let upstream: TestUpstream;
  let gw: SpawnedGateway;
  const target = () => ['--port', String(gw.port), '--data-dir', gw.dataDir];

  before(async () => {
    upstream = await startAnthropicUpstream();
    gw = await spawnGateway({ config: configFor(upstream.url), env: { TEST_ANTHROPIC_KEY: 'sk-ant-upstream' } });
    for (let i = 0; i < 7; i++) {
      upstream.script({ inputTokens: 100 + i, outputTokens: 10 });
      const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'staging-key', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 20, messages: [{ role: 'user', content: `request ${i}` }] }),
      });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    await eventually(async () => (await gw.api<{ pagination: { total_count: number } }>('/api/logs')).pagination.total_count === 7, 3_000, 'seven records');
  });

  after(async () => {
    await gw.stop();
    await upstream.close();
  });

  test('status prints every budget tier and rate limit as a table', async () => {
    const r = await spendgate(['status', ...target()]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split('\n');
    for (const [tier, id] of [['customer', 'acme-corp'], ['team', 'ml-engineering'], ['virtual_key', 'staging-key'], ['provider_config', 'anthropic-direct']]) {
      assert.ok(lines.some((l) => new RegExp(`^${tier}\\s+${id}\\s`).test(l)), `a row for ${tier} ${id}:\n${r.stdout}`);
    }
    assert.match(r.stdout, /^TIER\s+ID\s+PARENT\s+SPENT/m);
    assert.match(r.stdout, /^Rate limits$/m);
    assert.ok(lines.some((l) => /^virtual_key\s+staging-key\s+requests\s+7\s+100\s+1h/.test(l)), r.stdout);
    assert.ok(lines.some((l) => /^provider_config\s+anthropic-direct\s+requests\s+7\s+500\s+1h/.test(l)), r.stdout);
  });

  test('status --json parses, with the tiers and the rate limits', async () => {
    const r = await spendgate(['status', ...target(), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { tiers: { tier: string; id: string; spent: number }[]; rate_limits: { scope: string; id: string; kind: string; used: number; resets_in_seconds: number }[] };
    assert.deepEqual(json.tiers.map((t) => t.tier).sort(), ['customer', 'provider_config', 'team', 'virtual_key']);
    const key = json.tiers.find((t) => t.tier === 'virtual_key')!;
    assert.ok(key.spent > 0);
    assert.deepEqual(
      json.rate_limits.map((l) => `${l.scope}/${l.id}/${l.kind}`).sort(),
      ['provider_config/anthropic-direct/requests', 'virtual_key/staging-key/requests', 'virtual_key/staging-key/tokens'],
    );
    for (const l of json.rate_limits) {
      // Each window (1h) holds this test's requests: its oldest use leaves in whole seconds, within the hour.
      assert.ok(l.used > 0 && Number.isInteger(l.resets_in_seconds) && l.resets_in_seconds > 0 && l.resets_in_seconds <= 3600, JSON.stringify(l));
    }
  });

  test('logs --limit 5 prints the five most recent requests', async () => {
    const r = await spendgate(['logs', ...target(), '--limit', '5']);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.split('\n').filter((l) => /^\d{4}-\d{2}-\d{2}T/.test(l));
    assert.equal(rows.length, 5, r.stdout);
    for (const row of rows) assert.match(row, /staging-key\s+claude-sonnet-4-20250514\s+anthropic-direct\s+200\s/);
    assert.match(r.stdout, /^5 of 7 records$/m);
  });

  test('an invalid filter value fails before contacting the gateway, naming the parameter', async () => {
    for (const [flag, value, parameter] of [['--min-cost', 'cheap', 'min_cost'], ['--limit', '0', 'limit'], ['--stream', 'maybe', 'stream'], ['--sort-by', 'size', 'sort_by']]) {
      const r = await spendgate(['logs', ...target(), flag, value]);
      assert.equal(r.code, 2, `${flag} ${value}: a usage error`);
      // Named as the API parameter (min_cost) or as the flag the user typed (--min-cost).
      assert.match(r.stderr, new RegExp(`invalid (${parameter}|${flag})\\b`), `${flag} ${value}: ${r.stderr}`);
    }
    const unknown = await spendgate(['logs', ...target(), '--model', 'x']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /'--model'/, 'a typo of --models is refused, not ignored');
  });

  test('status against a port where nothing listens fails with a clear message', async () => {
    const r = await spendgate(['status', '--port', '1', '--data-dir', gw.dataDir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /no gateway answers at http:\/\/127\.0\.0\.1:1/);
  });
});

describe('spendgate serve and the command line itself', () => {
  test('serve refuses a non-loopback --host without --allow-remote', async () => {
    const dir = await tempDir();
    try {
      const r = await spendgate(['serve', '--config', EXAMPLE, '--host', '0.0.0.0', '--port', '0', '--data-dir', dir]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /--host 0\.0\.0\.0 .*--allow-remote/);
      assert.doesNotMatch(r.stdout, /listening/);
    } finally {
      await removeDir(dir);
    }
  });

  test('an unknown command exits 2 (a usage error) and prints the usage', async () => {
    const r = await spendgate(['frobnicate']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown command "frobnicate"/);
    assert.match(r.stderr, /^usage: spendgate <command>/m);
    for (const command of ['serve', 'check', 'status', 'logs']) assert.match(r.stderr, new RegExp(`^\\s+${command}\\s`, 'm'));
  });

  test('SIGTERM drains an in-flight slow request (the client gets its 200) and serve exits 0', async () => {
    const upstream = await startAnthropicUpstream();
    const gw = await spawnGateway({ config: configFor(upstream.url), env: { TEST_ANTHROPIC_KEY: 'sk-ant-upstream' } });
    try {
      upstream.script({ latencyMs: 1_500, text: 'worth the wait', inputTokens: 12, outputTokens: 3 });
      const answer = fetch(`${gw.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'staging-key', 'anthropic-version': '2023-06-01' },
        body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 20, messages: [{ role: 'user', content: 'slow' }] }),
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as { content: { text: string }[] } }));
      await eventually(() => upstream.requests.length === 1, 3_000, 'the request to reach the upstream');
      const exit = gw.stop();
      const { status, body } = await answer;
      assert.equal(status, 200);
      assert.equal(body.content[0].text, 'worth the wait');
      assert.equal(await exit, 0);
      assert.ok(gw.output.some((l) => l.includes('"shutdown"') && l.includes('SIGTERM')), 'the shutdown is logged');
      assert.ok(gw.output.some((l) => l.includes('"stopped"')), 'the drain finished before exit');
    } finally {
      await gw.kill();
      await upstream.close();
    }
  });
});
