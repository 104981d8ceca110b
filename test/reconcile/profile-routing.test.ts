// Application inference profiles per team and per key through a spawned gateway, on the OpenAI route (Converse) and
// the native Bedrock route: a key's profile wins over its team's, a key without a mapping calls the model, and every
// request is priced as the provider config's model.
// tier: e2e — spawns the built CLI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import type { ReconcileJson } from '../../proxy/api/wire/index.js';
import type { LogPageJson } from '../../proxy/api/wire/index.js';
import { eventually } from '../harness/eventually.js';
import { startReconcileRig, type ReconcileRig } from './rig.js';

const SONNET = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const TEAM_PROFILE = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/teamplatform1';
const KEY_PROFILE = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/cibot1';

describe('application inference profiles per team and key', () => {
  let rig: ReconcileRig;

  before(async () => {
    rig = await startReconcileRig(
      {
        accounts: [
          {
            id: 'aws',
            providers: [
              {
                id: 'sonnet-east', type: 'bedrock', region: 'us-east-1', model: SONNET,
                application_inference_profiles: { team: { platform: TEAM_PROFILE }, virtual_key: { 'ci-bot': KEY_PROFILE } },
              },
            ],
          },
        ],
        budgets: {
          team: [{ id: 'platform', limit: 100, period: '1M' }],
          virtual_key: [
            { id: 'ci-bot', team_id: 'platform', limit: 10, period: '1M' },
            { id: 'alice', team_id: 'platform', limit: 10, period: '1M' },
            { id: 'solo', limit: 10, period: '1M' },
          ],
        },
      },
      { [TEAM_PROFILE]: SONNET, [KEY_PROFILE]: SONNET },
    );
  });

  after(async () => {
    await rig.close();
  });

  test("a key's profile wins over its team's, a team's other keys use the team's, an unmapped key calls the model; all priced as the model", async () => {
    const { gw, bedrock } = rig;
    for (const key of ['ci-bot', 'alice', 'solo']) {
      const openai = new OpenAI({ baseURL: `${gw.url}/openai/v1`, apiKey: key, maxRetries: 0 });
      const answer = await openai.chat.completions.create({ model: 'sonnet-east', max_tokens: 32, messages: [{ role: 'user', content: `hello from ${key}` }] });
      assert.equal(answer.choices[0].finish_reason, 'stop');
      const native = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: `${gw.url}/bedrock`, token: { token: key }, authSchemePreference: ['httpBearerAuth'], maxAttempts: 1 });
      try {
        const out = await native.send(new ConverseCommand({ modelId: SONNET, messages: [{ role: 'user', content: [{ text: `native hello from ${key}` }] }], inferenceConfig: { maxTokens: 32 } }));
        assert.equal(out.stopReason, 'end_turn');
      } finally {
        native.destroy();
      }
    }
    assert.deepEqual(
      bedrock.requests.map((r) => [r.operation, r.modelId]),
      [
        ['converse', KEY_PROFILE], ['converse', KEY_PROFILE],
        ['converse', TEAM_PROFILE], ['converse', TEAM_PROFILE],
        ['converse', SONNET], ['converse', SONNET],
      ],
    );
    await eventually(async () => (await gw.api<LogPageJson>('/api/logs?limit=10')).pagination.total_count === 6, 5_000, 'six records');
    const { logs } = await gw.api<LogPageJson>('/api/logs?limit=10');
    for (const log of logs) {
      assert.ok(log.cost !== null, `${log.virtual_key_id} is priced`);
      // Sonnet 4 on AWS's catalog: $3 / $15 per million input / output tokens.
      assert.equal(Math.round(log.cost.total * 1e6), Math.round(log.input_tokens * 3 + log.output_tokens * 15), `${log.virtual_key_id} at Sonnet's price`);
    }
    const today = new Date().toISOString().slice(0, 10);
    const report = await gw.api<ReconcileJson>(`/api/reconcile?from=${today}&to=${today}`);
    assert.deepEqual(
      report.rows.map((r) => [r.model_id, r.priced_as, r.spendgate.invocations, r.verdict]),
      [[KEY_PROFILE, SONNET, 2, 'match'], [TEAM_PROFILE, SONNET, 2, 'match'], [SONNET, SONNET, 2, 'match']].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });
});
