// `spendgate export` against a spawned gateway: totals equal /api/logs/stats and the ledger to the micro-dollar on both stores.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dollarsToMicros } from '../../proxy/pricing/money.js';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { CLI, eventually, removeDir, spawnGateway, tempDir, type SpawnedGateway } from '../harness/gateway.js';
import { fourTierConfig } from '../harness/configs.js';
import type { PricingSection } from '../harness/config-builder.js';
import { createSchema, type TestSchema } from '../store/pg-schema.js';
import { csvObjects } from './csv.js';

/** Exact prices (dollars per million tokens), so every cost is a whole number of micro-dollars we can predict. */
const PRICING: PricingSection = {
  models: { 'claude-sonnet-4-20250514': { input: 3, output: 15, cache_read: 0.3, cache_write_5m: 3.75, cache_write_1h: 6 } },
};

async function spendgate(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

const USAGES = [
  { inputTokens: 1200, outputTokens: 300 },
  { inputTokens: 40, outputTokens: 90, cacheReadTokens: 20_000 },
  { inputTokens: 15, outputTokens: 60, cacheWrite5mTokens: 9_000 },
  { inputTokens: 7, outputTokens: 33, cacheWrite1hTokens: 12_345 },
  { inputTokens: 3, outputTokens: 12, cacheReadTokens: 777, cacheWrite5mTokens: 55, cacheWrite1hTokens: 1_001 },
];
/** What a tag header can carry (no commas: they separate tags); commas and newlines are covered in export.test.ts. */
const BRANCHES = ['main', 'say "hi"', '=HYPERLINK("x")'];

for (const storeKind of ['embedded', 'postgres'] as const) {
  describe(`spendgate export through a gateway on the ${storeKind} store`, () => {
    let upstream: TestUpstream;
    let gw: SpawnedGateway;
    let schema: TestSchema | undefined;
    let dir: string;
    const today = new Date().toISOString().slice(0, 10);
    const target = () => ['--port', String(gw.port), '--data-dir', gw.dataDir];

    before(async () => {
      upstream = await startAnthropicUpstream();
      dir = await tempDir();
      schema = storeKind === 'postgres' ? await createSchema() : undefined;
      gw = await spawnGateway({
        config: fourTierConfig(upstream.url, { pricing: PRICING }),
        dataDir: dir,
        args: schema ? ['--store', schema.url] : [],
        env: { TEST_ANTHROPIC_KEY: 'sk-ant-upstream' },
      });
      let sent = 0;
      for (const [i, usage] of [...USAGES, ...USAGES].entries()) {
        upstream.script(usage);
        const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-api-key': 'staging-key',
            'anthropic-version': '2023-06-01',
            'x-spendgate-tags': `branch=${BRANCHES[i % BRANCHES.length]}`,
          },
          body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 50, stream: i % 2 === 1, messages: [{ role: 'user', content: `r${i}` }] }),
        });
        assert.equal(res.status, 200);
        await res.arrayBuffer();
        sent++;
      }
      await eventually(async () => (await gw.api<{ pagination: { total_count: number } }>('/api/logs')).pagination.total_count === sent, 5_000, 'every record');
    });

    after(async () => {
      await gw.stop();
      await upstream.close();
      await schema?.drop();
      await removeDir(dir);
    });

    test('export totals equal /api/logs/stats and the ledger, to the micro-dollar', async () => {
      const r = await spendgate(['export', ...target(), '--from', today, '--to', today, '--group-by', 'virtual_key,model', '--format', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const body = JSON.parse(r.stdout) as { groups: { group: Record<string, string | null> }[]; totals: Record<string, number> };
      const start = Date.parse(`${today}T00:00:00Z`);
      const stats = await gw.api<{ totals: { total_requests: number; total_tokens: number; total_cost: number } }>(
        `/api/logs/stats?start_time=${start}&end_time=${start + 86_400_000 - 1}`,
      );
      const budgets = await gw.api<{ tiers: { tier: string; id: string; spent: number }[] }>('/api/budgets');
      const keySpent = budgets.tiers.find((t) => t.tier === 'virtual_key' && t.id === 'staging-key')!.spent;
      assert.equal(body.totals.requests, 10);
      assert.equal(body.totals.requests, stats.totals.total_requests);
      assert.equal(body.totals.total_tokens, stats.totals.total_tokens);
      assert.equal(body.totals.cost_total_micros, dollarsToMicros(stats.totals.total_cost));
      assert.equal(body.totals.cost_total_micros, dollarsToMicros(keySpent));
      assert.equal(body.totals.missing_cost_requests, 0);
      // Every item was exercised: cache reads and both cache-write durations are priced separately.
      for (const item of ['input', 'output', 'cache_read', 'cache_write_5m', 'cache_write_1h']) assert.ok(body.totals[`cost_${item}_micros`] > 0, item);
      // Micro-dollars = tokens × $/Mtok, each request's item rounded half up once: 9 000 × 3.75 and 55 × 3.75 → 206.
      assert.equal(body.totals.cost_cache_write_5m_micros, 2 * (33_750 + 206));
      assert.deepEqual(body.groups.map((g) => g.group), [{ virtual_key: 'staging-key', model: 'claude-sonnet-4-20250514' }]);
    });

    test('CSV grouped by a hostile tag round-trips its values and sums to the same total', async () => {
      const r = await spendgate(['export', ...target(), '--from', today, '--to', today, '--group-by', 'tag:branch']);
      assert.equal(r.code, 0, r.stderr);
      const rows = csvObjects(r.stdout);
      assert.deepEqual(rows.map((row) => row['tag:branch']).sort(), [...BRANCHES].sort());
      const json = JSON.parse((await spendgate(['export', ...target(), '--from', today, '--to', today, '--group-by', 'team', '--format', 'json'])).stdout) as { totals: Record<string, number> };
      assert.equal(rows.reduce((s, row) => s + Number(row.cost_total_micros), 0), json.totals.cost_total_micros);
    });

    test('bad input: the CLI exits 2 naming the flag; the API answers 400 invalid_request naming the parameter', async () => {
      for (const [args, flag] of [
        [['--to', today, '--group-by', 'team'], '--from'],
        [['--from', '2025-13-01', '--to', today, '--group-by', 'team'], '--from'],
        [['--from', today, '--to', today, '--group-by', 'team,planet'], '--group-by'],
        [['--from', today, '--to', today, '--group-by', 'team', '--format', 'xml'], '--format'],
      ] as const) {
        const r = await spendgate(['export', ...target(), ...args]);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.ok(r.stderr.includes(flag), `${args.join(' ')}: ${r.stderr}`);
      }
      const help = await spendgate(['export', '--help']);
      assert.equal(help.code, 0);
      assert.match(help.stdout, /--to DATE\s+last day, inclusive/);
      for (const [query, parameter] of [['to=2025-01-01&group_by=team', 'from'], ['from=2025-01-01&to=2025-01-01&group_by=colour', 'group_by']]) {
        const res = await fetch(`${gw.url}/api/export?${query}`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
        assert.equal(res.status, 400);
        const err = (await res.json()) as { error: { type: string; message: string } };
        assert.equal(err.error.type, 'invalid_request');
        assert.match(err.error.message, new RegExp(`invalid ${parameter}:`));
      }
      const anonymous = await fetch(`${gw.url}/api/export?from=${today}&to=${today}&group_by=team`);
      assert.equal(anonymous.status, 401);
    });
  });
}
