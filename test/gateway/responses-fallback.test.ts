// End to end: a Responses request whose OpenAI target fails falls back to Claude on Bedrock (`fallback: any`), the
// client never noticing; both attempts are in /api/logs under one request id, only the answered one charged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { eventually } from '../harness/eventually.js';
import { bifrost } from '../harness/config-builder.js';
import { startBedrockUpstream, type BedrockUpstream } from '../upstreams/bedrock.js';
import { startOpenAIUpstream } from '../upstreams/openai.js';
import type { TestUpstream } from '../upstreams/common.js';

const BEDROCK_MODEL = 'us.anthropic.claude-sonnet-4-20250514-v1:0';

interface LogJson {
  readonly attempt: number;
  readonly status: number;
  readonly provider_config_id: string | null;
  readonly operation: string | null;
  readonly cost: { readonly total: number } | null;
}

describe('the Responses API falls back from OpenAI to Bedrock', () => {
  let openaiUp: TestUpstream;
  let bedrock: BedrockUpstream;
  let gw: SpawnedGateway;

  before(async () => {
    openaiUp = await startOpenAIUpstream();
    bedrock = await startBedrockUpstream();
    gw = await spawnGateway({
      config: bifrost({
        accounts: [
          {
            id: 'dev',
            providers: [
              { id: 'openai-direct', type: 'openai', model: 'gpt-4.1', base_url: `${openaiUp.url}/v1`, api_key: 'env.TEST_OPENAI_KEY' },
              { id: 'bedrock-sonnet', type: 'bedrock', region: 'us-east-1', model: BEDROCK_MODEL, endpoint: bedrock.url },
            ],
          },
        ],
        budgets: { virtual_key: [{ id: 'dev-key', limit: 10, period: '1d' }] },
        pricing: { models: { 'gpt-4.1': { input: 2, output: 8 }, [BEDROCK_MODEL]: { input: 3, output: 15 } } },
        routing: { retries: 0, fallback: 'any', backoff_base_ms: 1, backoff_max_ms: 2 },
      }),
      env: {
        TEST_OPENAI_KEY: 'sk-openai-upstream',
        AWS_ACCESS_KEY_ID: 'AKIDFALLBACKTEST', AWS_SECRET_ACCESS_KEY: 'test-secret-key', AWS_SESSION_TOKEN: '', AWS_BEARER_TOKEN_BEDROCK: '', AWS_REGION: 'us-east-1',
      },
    });
  });

  after(async () => {
    await gw.stop();
    await openaiUp.close();
    await bedrock.close();
  });

  test('OpenAI answers 503, Claude on Bedrock answers the stream; the failed attempt is logged and not charged', async () => {
    openaiUp.script({ status: 503, error: { type: 'server_error', message: 'The server is overloaded.' } });
    bedrock.script({ text: 'Answered by Claude.', inputTokens: 100, outputTokens: 10 });
    const client = new OpenAI({ baseURL: `${gw.url}/openai/v1`, apiKey: 'dev-key', maxRetries: 0 });
    const { data: stream, response: http } = await client.responses.create({ model: 'gpt-4.1', input: 'hi', stream: true }).withResponse();
    let text = '';
    for await (const event of stream) if (event.type === 'response.output_text.delta') text += event.delta;
    assert.equal(text, 'Answered by Claude.');
    assert.equal(openaiUp.requests.at(-1)?.path, '/v1/responses');
    assert.equal(bedrock.requests.at(-1)?.operation, 'converse-stream');

    const logs = await eventually(async () => {
      const page = await gw.api<{ logs: LogJson[] }>(`/api/logs?request_id=${http.headers.get('x-request-id')}&sort_by=timestamp&order=asc`);
      return page.logs.length === 2 ? [...page.logs].sort((a, b) => a.attempt - b.attempt) : undefined;
    });
    assert.deepEqual(logs.map((l) => [l.attempt, l.provider_config_id, l.status, l.operation]), [
      [1, 'openai-direct', 503, 'responses'],
      [2, 'bedrock-sonnet', 200, 'responses'],
    ]);
    assert.equal(logs[0].cost, null, 'the refused attempt costs nothing');
    assert.equal(logs[1].cost?.total, 0.00045, '100 × $3/M + 10 × $15/M');
  });
});
