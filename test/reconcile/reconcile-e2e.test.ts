// `spendgate reconcile` and GET /api/reconcile against a spawned gateway: traffic really sent through it to the Bedrock
// stand-in, which meters what it served into a CloudWatch stand-in read with the real @aws-sdk/client-cloudwatch.
// tier: e2e — spawns the built CLI (gateway and `spendgate reconcile`).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import type { ReconcileJson, ReconcileRowJson } from '../../proxy/api/wire/index.js';
import { bifrost } from '../harness/config-builder.js';
import { spendgate } from '../harness/cli.js';
import { eventually, type SpawnedGateway } from '../harness/gateway.js';
import type { BedrockUpstream } from '../upstreams/bedrock.js';
import type { CloudWatchStandIn } from '../upstreams/cloudwatch.js';
import { startReconcileRig, type ReconcileRig } from './rig.js';

const SONNET = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const HAIKU = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
const PROFILE = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/k2x9platform';
const DAY_MS = 86_400_000;

describe('reconcile: the log beside Bedrock CloudWatch meters, through a spawned gateway', () => {
  let cloudwatch: CloudWatchStandIn;
  let bedrock: BedrockUpstream;
  let gw: SpawnedGateway;
  let rig: ReconcileRig;
  const today = new Date().toISOString().slice(0, 10);
  const yesterday = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);
  const target = () => ['--port', String(gw.port), '--data-dir', gw.dataDir];
  const report = (query: string) => gw.api<ReconcileJson>(`/api/reconcile?${query}`);
  const row = (r: ReconcileJson, day: string, modelId: string): ReconcileRowJson => {
    const found = r.rows.find((x) => x.day === day && x.model_id === modelId);
    assert.ok(found, `a row for ${modelId} on ${day} in ${JSON.stringify(r.rows.map((x) => [x.day, x.model_id]))}`);
    return found;
  };

  before(async () => {
    rig = await startReconcileRig(
      {
        accounts: [
          {
            id: 'aws',
            providers: [
              {
                id: 'sonnet-east', type: 'bedrock', region: 'us-east-1', model: SONNET,
                application_inference_profiles: { team: { platform: PROFILE } },
              },
              { id: 'haiku-west', type: 'bedrock', region: 'us-west-2', model: HAIKU },
            ],
          },
        ],
        budgets: {
          team: [{ id: 'platform', limit: 100, period: '1M' }, { id: 'research', limit: 100, period: '1M' }],
          virtual_key: [{ id: 'platform-key', team_id: 'platform', limit: 50, period: '1M' }, { id: 'research-key', team_id: 'research', limit: 50, period: '1M' }],
        },
        routing: { retries: 1, backoff_base_ms: 1, backoff_max_ms: 5, fallback: false },
        // Haiku at a price of the config's own, unlike AWS's: the report names the mismatch.
        pricing: { models: { [HAIKU]: { input: 1, output: 5, cache_read: 0.1, cache_write_5m: 1.25, cache_write_1h: 2 } } },
      },
      { [PROFILE]: SONNET },
      // Three datapoints per page, so every report is read over several GetMetricData pages.
      { pageDatapoints: 3 },
    );
    ({ cloudwatch, bedrock, gw } = rig);
    const research = new Anthropic({ baseURL: `${gw.url}/anthropic`, apiKey: 'research-key', maxRetries: 0 });
    const platform = new Anthropic({ baseURL: `${gw.url}/anthropic`, apiKey: 'platform-key', maxRetries: 0 });
    // Research: 3 Sonnet calls (one retried after a throttle), 2 Haiku calls (one streamed).
    bedrock.script({ error: { type: 'ThrottlingException', status: 429, message: 'Too many requests, please wait before trying again.' } });
    for (let i = 0; i < 3; i++) {
      await research.messages.create({ model: 'sonnet-east', max_tokens: 64, messages: [{ role: 'user', content: `sonnet question ${i}` }] });
    }
    await research.messages.create({ model: 'haiku-west', max_tokens: 64, messages: [{ role: 'user', content: 'haiku question' }] });
    const stream = research.messages.stream({ model: 'haiku-west', max_tokens: 64, messages: [{ role: 'user', content: 'haiku stream' }] });
    await stream.finalMessage();
    // A call Bedrock fails twice (the retry too): the client gets the error, Bedrock meters nothing.
    const unavailable = { error: { type: 'ServiceUnavailableException', status: 503, message: 'Bedrock is unable to process your request.' } };
    bedrock.script(unavailable, unavailable);
    await assert.rejects(research.messages.create({ model: 'sonnet-east', max_tokens: 64, messages: [{ role: 'user', content: 'doomed' }] }));
    // Platform: its team's requests go through the application inference profile.
    for (let i = 0; i < 2; i++) {
      await platform.messages.create({ model: 'sonnet-east', max_tokens: 64, messages: [{ role: 'user', content: `platform question ${i}` }], stream: i === 1 });
    }
    await eventually(async () => (await gw.api<{ pagination: { total_count: number } }>('/api/logs')).pagination.total_count === 10, 5_000, 'every attempt logged');
  });

  after(async () => {
    await rig.close();
  });

  test('traffic that went through spendgate, failed upstream calls included, leaves no drift', async () => {
    const r = await report(`from=${today}&to=${today}`);
    assert.deepEqual(r.regions, ['us-east-1', 'us-west-2']);
    assert.deepEqual(r.rows.map((x) => [x.model_id, x.verdict]).sort(), [[HAIKU, 'match'], [PROFILE, 'match'], [SONNET, 'match']].sort());
    const sonnet = row(r, today, SONNET);
    assert.equal(sonnet.spendgate.invocations, 3, 'the throttled attempt and the failed request are no invocations');
    assert.equal(sonnet.cloudwatch?.invocations, 3);
    assert.ok(sonnet.spendgate.input_tokens > 0 && sonnet.spendgate.output_tokens > 0);
    assert.deepEqual(sonnet.drift, { invocations: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0, total_tokens: 0, cost: { usd: 0, micros: 0 } });
    assert.equal(row(r, today, HAIKU).region, 'us-west-2');
    assert.equal(r.totals.rows_with_drift, 0);
    assert.equal(r.totals.drift_cost.micros, 0);
    // CloudWatch was asked per region with SigV4 scoped to the monitoring service, over several pages.
    assert.ok(cloudwatch.requests.some((q) => q.region === 'us-west-2') && cloudwatch.requests.every((q) => q.service === 'monitoring'));
    assert.ok(cloudwatch.requests.some((q) => q.body.NextToken !== undefined), 'the report followed NextToken');
  });

  test("a team mapped to an application inference profile reaches Bedrock through the profile's ARN and is priced as the model", async () => {
    const throughProfile = bedrock.requests.filter((q) => q.modelId === PROFILE);
    assert.equal(throughProfile.length, 2, 'both platform requests');
    assert.equal(bedrock.requests.filter((q) => q.modelId === SONNET).length, 6, 'research requests still call the model (3 served, a throttle and two failures)');
    const logs = await gw.api<{ logs: { virtual_key_id: string; model_served: string; cost: { total: number } | null; usage?: unknown; input_tokens?: number }[] }>(
      '/api/logs?virtual_key_ids=platform-key&limit=10',
    );
    assert.equal(logs.logs.length, 2);
    for (const log of logs.logs) {
      assert.equal(log.model_served, PROFILE);
      assert.ok(log.cost !== null && log.cost.total > 0, 'priced, not missing_cost');
    }
    const r = await report(`from=${today}&to=${today}&region=us-east-1`);
    const profileRow = row(r, today, PROFILE);
    assert.equal(profileRow.priced_as, SONNET);
    assert.deepEqual(profileRow.provider_configs, ['sonnet-east']);
    assert.equal(profileRow.spendgate.invocations, 2);
    // Sonnet 4 on the catalog: $3 / $15 per million input / output tokens.
    const expected = (profileRow.spendgate.input_tokens * 3_000_000 + profileRow.spendgate.output_tokens * 15_000_000) / 1_000_000;
    assert.equal(profileRow.spendgate.cost.micros, Math.round(expected));
  });

  test('traffic injected on the CloudWatch side shows per model and day, in tokens and dollars', async () => {
    cloudwatch.meter('us-east-1', SONNET, yesterday, { Invocations: 4, InputTokenCount: 1_000, OutputTokenCount: 500 });
    cloudwatch.meter('us-west-2', HAIKU, today, { Invocations: 1, InputTokenCount: 2_000, OutputTokenCount: 100, CacheReadInputTokenCount: 10_000 });
    const r = await report(`from=${yesterday}&to=${today}`);
    const old = row(r, yesterday, SONNET);
    assert.equal(old.verdict, 'outside_traffic');
    assert.equal(old.spendgate.invocations, 0);
    assert.deepEqual(
      { invocations: old.drift?.invocations, tokens: old.drift?.total_tokens, cost: old.drift?.cost },
      // 1000 × $3/M + 500 × $15/M
      { invocations: 4, tokens: 1_500, cost: { usd: 0.0105, micros: 10_500 } },
    );
    assert.match(old.explanation, /another client/);
    const haiku = row(r, today, HAIKU);
    assert.equal(haiku.verdict, 'outside_traffic');
    // At spendgate's (config) Haiku price: 2000 × $1/M + 100 × $5/M + 10000 × $0.1/M
    assert.deepEqual({ tokens: haiku.drift?.total_tokens, cost: haiku.drift?.cost }, { tokens: 12_100, cost: { usd: 0.0035, micros: 3_500 } });
    assert.equal(row(r, today, SONNET).verdict, 'match', 'the other model of the day is untouched');
    assert.equal(r.totals.rows_with_drift, 2);
    assert.equal(r.totals.drift_cost.micros, 14_000);
    const haikuPrice = r.pricing.find((p) => p.model === HAIKU);
    assert.match(haikuPrice?.problem ?? '', /pricing mismatch/);
    assert.equal(r.pricing.find((p) => p.model === SONNET)?.problem, null, "Sonnet is priced at AWS's catalog price");
  });

  test('spendgate reconcile prints the table, the explanations and the pricing mismatch; --json is the API answer', async () => {
    const table = await spendgate(['reconcile', '--from', yesterday, '--to', today, ...target()]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /DAY +REGION +MODEL ID/);
    assert.match(table.stdout, new RegExp(`${yesterday} +us-east-1 +${SONNET.replaceAll('.', '\\.')} +0 +4 +0 +1500 +\\+1500 +\\+\\$0\\.0105 +outside traffic`));
    assert.match(table.stdout, /What the drift means:/);
    assert.match(table.stdout, /Pricing:\n {2}pricing mismatch: spendgate prices us\.anthropic\.claude-3-5-haiku/);
    const json = await spendgate(['reconcile', '--from', today, '--to', today, '--region', 'us-west-2', '--json', ...target()]);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), await report(`from=${today}&to=${today}&region=us-west-2`));
  });

  test('bad input is refused in the API error shape, and by the CLI with exit code 2', async () => {
    const cases: [string, RegExp][] = [
      ['from=2026-02-30&to=2026-03-01', /invalid from: "2026-02-30" is not a UTC date/],
      [`from=${today}&to=${yesterday}`, /invalid to: the range ends before it starts/],
      ['from=2026-01-01&to=2026-06-30', /at most 93 days/],
      [`from=${today}&to=${today}&region=eu-central-1`, /no Bedrock provider config serves region "eu-central-1" \(the config serves us-east-1, us-west-2\)/],
      [`to=${today}`, /invalid from: required/],
      [`from=${today}&to=${today}&group_by=model`, /invalid group_by: unknown parameter/],
    ];
    for (const [query, message] of cases) {
      const res = await fetch(`${gw.url}/api/reconcile?${query}`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
      assert.equal(res.status, 400, query);
      const body = (await res.json()) as { error: { type: string; message: string } };
      assert.equal(body.error.type, 'invalid_request', query);
      assert.match(body.error.message, message, query);
    }
    const unauthenticated = await fetch(`${gw.url}/api/reconcile?from=${today}&to=${today}`);
    assert.equal(unauthenticated.status, 401);
    const cli = await spendgate(['reconcile', '--from', today, '--to', today, '--region', 'eu-central-1', ...target()]);
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /spendgate reconcile: invalid region: no Bedrock provider config serves region "eu-central-1"/);
    const missing = await spendgate(['reconcile', '--to', today, ...target()]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--from DATE is required/);
  });

  test('a model CloudWatch cannot answer for is reported as such, not as drift', async () => {
    cloudwatch.failModel('us-west-2', HAIKU);
    const r = await report(`from=${today}&to=${today}&region=us-west-2`);
    const haiku = row(r, today, HAIKU);
    assert.equal(haiku.verdict, 'cloudwatch_unavailable');
    assert.equal(haiku.cloudwatch, null);
    assert.equal(haiku.drift, null);
    assert.match(haiku.explanation, /no CloudWatch figures: CloudWatch answered InternalError/);
    assert.equal(r.totals.rows_without_cloudwatch, 1);
  });

  test('spendgate check refuses a profile ARN in another region than its provider config, at its line', async () => {
    const path = join(gw.dataDir, 'wrong-region.yaml');
    await writeFile(
      path,
      bifrost({
        accounts: [{ id: 'aws', providers: [{ id: 'sonnet-east', type: 'bedrock', region: 'us-east-1', model: SONNET, application_inference_profiles: { team: { platform: PROFILE.replace('us-east-1', 'us-west-2') } } }] }],
        budgets: { team: [{ id: 'platform', limit: 100, period: '1M' }] },
      }),
    );
    const check = await spendgate(['check', '--config', path]);
    assert.equal(check.code, 1);
    assert.match(check.stdout + check.stderr, /wrong-region\.yaml:\d+:\d+: the profile is in us-west-2 but provider config sonnet-east calls Bedrock in us-east-1/);
  });
});
