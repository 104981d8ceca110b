// End to end: the official OpenAI SDK's Responses API (create, stream, compact) with a function tool → a spawned
// `spendgate serve` → Claude on the strict loopback Bedrock, priced and logged like every request.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { eventually } from '../harness/eventually.js';
import { bifrost } from '../harness/config-builder.js';
import { startBedrockUpstream, type BedrockUpstream } from '../upstreams/bedrock.js';

const MODEL = 'claude-sonnet-4-20250514';
const BEDROCK_MODEL = 'us.anthropic.claude-sonnet-4-20250514-v1:0';

const WEATHER_TOOL: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  strict: false,
};

interface LogJson {
  readonly status: number;
  readonly stream: boolean;
  readonly provider_config_id: string | null;
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cost: { readonly total: number } | null;
}

describe('the Responses API through the gateway to Claude on Bedrock', () => {
  let bedrock: BedrockUpstream;
  let gw: SpawnedGateway;
  let client: OpenAI;

  before(async () => {
    bedrock = await startBedrockUpstream();
    gw = await spawnGateway({
      config: bifrost({
        accounts: [{ id: 'dev', providers: [{ id: 'bedrock-sonnet', type: 'bedrock', region: 'us-east-1', model: BEDROCK_MODEL, endpoint: bedrock.url }] }],
        budgets: { virtual_key: [{ id: 'dev-key', limit: 10, period: '1d' }] },
        pricing: { models: { [BEDROCK_MODEL]: { input: 3, output: 15 } } },
        routing: { retries: 0, backoff_base_ms: 1, backoff_max_ms: 2 },
      }),
      env: { AWS_ACCESS_KEY_ID: 'AKIDRESPONSESTEST', AWS_SECRET_ACCESS_KEY: 'test-secret-key', AWS_SESSION_TOKEN: '', AWS_BEARER_TOKEN_BEDROCK: '', AWS_REGION: 'us-east-1' },
    });
    client = new OpenAI({ baseURL: `${gw.url}/openai/v1`, apiKey: 'dev-key', maxRetries: 0 });
  });

  after(async () => {
    await gw.stop();
    await bedrock.close();
  });

  const logOf = (requestId: string | null) =>
    eventually(async () => (await gw.api<{ logs: LogJson[] }>(`/api/logs?request_id=${requestId}`)).logs[0], 5000, 'the log record');

  test('responses.create with a function tool: Claude\'s tool call comes back as a function_call item, billed from Converse usage', async () => {
    bedrock.script({ text: 'Let me look.', toolUse: { name: 'get_weather', input: { city: 'Lyon' } }, inputTokens: 1000, outputTokens: 100 });
    const { data: response, response: http } = await client.responses
      .create({ model: MODEL, input: 'Weather in Lyon?', tools: [WEATHER_TOOL], store: false })
      .withResponse();
    const call = response.output.find((item) => item.type === 'function_call');
    assert.ok(call && call.type === 'function_call', 'a function_call item');
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.arguments), { city: 'Lyon' });
    assert.equal(bedrock.requests.at(-1)?.operation, 'converse');
    const log = await logOf(http.headers.get('x-request-id'));
    assert.equal(log.provider_config_id, 'bedrock-sonnet');
    assert.equal(log.cost?.total, 0.0045, '1,000 × $3/M + 100 × $15/M');
  });

  test('responses.stream with the tool result sent back: text deltas, a completed response, a streamed log record', async () => {
    bedrock.script({ text: 'It is sunny in Lyon.', inputTokens: 1200, outputTokens: 10 });
    const stream = client.responses.stream({
      model: MODEL,
      tools: [WEATHER_TOOL],
      input: [
        { role: 'user', content: 'Weather in Lyon?' },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Lyon"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny, 24°C' },
      ],
    });
    const deltas: string[] = [];
    const sequence: number[] = [];
    for await (const event of stream) {
      sequence.push(event.sequence_number);
      if (event.type === 'response.output_text.delta') deltas.push(event.delta);
    }
    const final = await stream.finalResponse();
    assert.equal(deltas.join(''), 'It is sunny in Lyon.');
    assert.equal(final.status, 'completed');
    assert.deepEqual(sequence, sequence.map((_, i) => i), 'strictly increasing from 0');
    const sent = bedrock.requests.at(-1);
    assert.equal(sent?.operation, 'converse-stream');
    assert.match(JSON.stringify(sent?.json?.messages), /sunny, 24°C/, 'the tool output reached Claude');
    const log = await eventually(async () => {
      const page = await gw.api<{ logs: LogJson[] }>('/api/logs?virtual_key_ids=dev-key&stream=true&limit=1');
      return page.logs[0]?.input_tokens === 1200 ? page.logs[0] : undefined;
    });
    assert.equal(log.cost?.total, 0.00375, '1,200 × $3/M + 10 × $15/M');
  });

  test('responses.compact summarises the conversation in one Bedrock call, billed and logged', async () => {
    bedrock.script({ text: 'The user asked about the weather in Lyon; it is sunny.', inputTokens: 500, outputTokens: 40 });
    const before = bedrock.requests.length;
    const { data: compacted, response: http } = await client.responses
      .compact({
        model: MODEL,
        input: [
          { role: 'user', content: 'Weather in Lyon?' },
          { role: 'assistant', content: 'It is sunny in Lyon.' },
        ],
      })
      .withResponse();
    assert.equal(compacted.object, 'response.compaction');
    assert.equal(bedrock.requests.length, before + 1, 'one model call');
    const log = await logOf(http.headers.get('x-request-id'));
    assert.equal(log.status, 200);
    assert.equal(log.cost?.total, 0.0021, '500 × $3/M + 40 × $15/M');
  });
});
