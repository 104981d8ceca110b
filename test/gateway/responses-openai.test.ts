// End to end: the official OpenAI SDK's Responses API (create, stream, compact) → a spawned `spendgate serve` →
// the loopback OpenAI upstream, with tools, usage and cost in /api/logs, budgets, rate limits and bad input.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { TestUpstream } from '../upstreams/common.js';
import type { SpawnedGateway } from '../harness/gateway.js';
import { eventually } from '../harness/eventually.js';
import { startLoopbackGateway, type LoopbackGateway } from '../harness/loopback.js';
import { bifrost } from '../harness/config-builder.js';
import { LiveClient } from '../observability/live-client.js';

const MODEL = 'gpt-4.1';

function configFor(anthropicUrl: string, openaiUrl: string): string {
  return bifrost({
    accounts: [
      {
        id: 'dev',
        providers: [
          // First in the pool, so `model: auto` must skip it: Anthropic upstreams do not speak the Responses API.
          { id: 'anthropic-direct', type: 'anthropic', model: 'claude-sonnet-4-20250514', base_url: anthropicUrl, api_key: 'env.TEST_ANTHROPIC_KEY', weight: 1000 },
          { id: 'openai-direct', type: 'openai', model: MODEL, base_url: `${openaiUrl}/v1`, api_key: 'env.TEST_OPENAI_KEY', weight: 1 },
        ],
      },
    ],
    budgets: {
      virtual_key: [
        { id: 'dev-key', limit: 100, period: '1d' },
        { id: 'small-key', limit: 1, period: '1d' },
      ],
    },
    rate_limits: { virtual_key: [{ id: 'limited-key', requests: { limit: 1, duration: '1h' } }] },
    pricing: { models: { [MODEL]: { input: 2, output: 8, cache_read: 0.5 } } },
    routing: { retries: 0, backoff_base_ms: 1, backoff_max_ms: 2 },
  });
}

const WEATHER_TOOL: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
  strict: true,
};

interface LogJson {
  request_id: string;
  operation: string | null;
  status: number;
  stream: boolean;
  provider_config_id: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  error_type: string | null;
  stop_reason: string | null;
  cost: { input: number; output: number; cache_read: number; total: number } | null;
  routing: { excluded: { id: string; reason: string }[] } | null;
}

describe('the Responses API through the gateway to an OpenAI upstream', () => {
  let rig: LoopbackGateway;
  let openaiUp: TestUpstream;
  let anthropicUp: TestUpstream;
  let gw: SpawnedGateway;
  /** The exact bytes of the SDK's last request body. */
  let sentBodies: string[];

  before(async () => {
    rig = await startLoopbackGateway(configFor, { TEST_ANTHROPIC_KEY: 'sk-ant-upstream', TEST_OPENAI_KEY: 'sk-openai-upstream' });
    ({ openaiUp, anthropicUp, gw } = rig);
  });

  after(async () => {
    assert.equal(await rig.close(), 0, 'the gateway exits 0 on SIGTERM');
  });

  const client = (key = 'dev-key') => {
    sentBodies = [];
    return new OpenAI({
      baseURL: `${gw.url}/openai/v1`,
      apiKey: key,
      maxRetries: 0,
      fetch: async (url, init) => {
        if (typeof init?.body === 'string') sentBodies.push(init.body);
        return fetch(url, init);
      },
    });
  };

  const logOf = (requestId: string) =>
    eventually(async () => {
      const page = await gw.api<{ logs: LogJson[] }>(`/api/logs?request_id=${requestId}`);
      return page.logs[0];
    }, 5000, `the log record of ${requestId}`);

  test('responses.create with a function tool: the upstream gets the SDK\'s bytes, the client the tool call, the log its exact cost', async () => {
    openaiUp.script({ text: 'Let me check.', toolUse: { name: 'get_weather', input: { city: 'Paris' } }, inputTokens: 1000, cacheReadTokens: 500, outputTokens: 300, reasoningTokens: 100 });
    const { data: response, response: http } = await client()
      .responses.create({ model: MODEL, input: [{ role: 'user', content: 'Weather in Paris?' }], tools: [WEATHER_TOOL], store: false })
      .withResponse();

    assert.equal(response.output_text, 'Let me check.');
    const call = response.output.find((item) => item.type === 'function_call');
    assert.ok(call && call.type === 'function_call');
    assert.equal(call.name, 'get_weather');
    assert.deepEqual(JSON.parse(call.arguments), { city: 'Paris' });
    assert.equal(response.usage?.input_tokens_details.cached_tokens, 500);
    assert.equal(response.usage?.output_tokens_details.reasoning_tokens, 100);

    const upstream = openaiUp.requests.at(-1)!;
    assert.equal(upstream.path, '/v1/responses');
    assert.equal(upstream.headers.authorization, 'Bearer sk-openai-upstream', 'the provider key replaces the virtual key');
    assert.equal(upstream.body.toString('utf8'), sentBodies[0], 'the body reaches OpenAI byte for byte');

    const log = await logOf(http.headers.get('x-request-id')!);
    assert.equal(log.status, 200);
    assert.equal(log.operation, 'responses');
    assert.equal(log.provider_config_id, 'openai-direct');
    assert.equal(log.input_tokens, 1000, 'uncached input only');
    assert.equal(log.cache_read_tokens, 500);
    assert.equal(log.output_tokens, 300, 'reasoning tokens are output tokens');
    // 1,000 × $2/M + 500 × $0.50/M + 300 × $8/M
    assert.deepEqual(
      { input: log.cost?.input, cache_read: log.cost?.cache_read, output: log.cost?.output, total: log.cost?.total },
      { input: 0.002, cache_read: 0.00025, output: 0.0024, total: 0.00465 },
    );
  });

  test('responses.stream delivers text and function-call arguments event by event; the stream is billed from response.completed', async () => {
    openaiUp.script({ text: 'Checking the weather now.', toolUse: { name: 'get_weather', input: { city: 'Oslo' } }, inputTokens: 200, outputTokens: 50, dripMs: 2 });
    const stream = client().responses.stream({ model: MODEL, input: 'Weather in Oslo?', tools: [WEATHER_TOOL] });
    const deltas: string[] = [];
    let argumentsDone = '';
    const sequence: number[] = [];
    for await (const event of stream) {
      sequence.push(event.sequence_number);
      if (event.type === 'response.output_text.delta') deltas.push(event.delta);
      if (event.type === 'response.function_call_arguments.done') argumentsDone = event.arguments;
    }
    const final = await stream.finalResponse();
    assert.ok(deltas.length >= 4, 'text arrives in several deltas');
    assert.equal(deltas.join(''), 'Checking the weather now.');
    assert.deepEqual(JSON.parse(argumentsDone), { city: 'Oslo' });
    assert.deepEqual(sequence, sequence.map((_, i) => i), 'sequence numbers pass through unchanged');
    assert.equal(final.status, 'completed');

    const log = await eventually(async () => {
      const page = await gw.api<{ logs: LogJson[] }>('/api/logs?virtual_key_ids=dev-key&stream=true&limit=1');
      return page.logs[0]?.output_tokens === 50 ? page.logs[0] : undefined;
    });
    assert.equal(log.input_tokens, 200);
    assert.equal(log.stop_reason, 'completed');
    assert.equal(log.cost?.total, 0.0008, '200 × $2/M + 50 × $8/M');
  });

  test('`model: auto` skips the Anthropic target, which does not speak the Responses API, and says why in the log', async () => {
    const before = anthropicUp.requests.length;
    const { response: http } = await client().responses.create({ model: 'auto', input: 'hi' }).withResponse();
    assert.equal(anthropicUp.requests.length, before, 'the Anthropic upstream was never called');
    const log = await logOf(http.headers.get('x-request-id')!);
    assert.equal(log.provider_config_id, 'openai-direct');
    const excluded = log.routing?.excluded.find((e) => e.id === 'anthropic-direct');
    assert.match(excluded?.reason ?? '', /anthropic/i);
  });

  test('responses.compact goes to the upstream\'s /v1/responses/compact and is billed and logged like any request', async () => {
    openaiUp.script({ text: 'the summary', inputTokens: 400, outputTokens: 40 });
    const { data: compacted, response: http } = await client()
      .responses.compact({
        model: MODEL,
        input: [
          { role: 'user', content: 'first question' },
          { role: 'assistant', content: 'first answer' },
          { role: 'user', content: 'second question' },
        ],
      })
      .withResponse();
    assert.equal(compacted.object, 'response.compaction');
    assert.equal(compacted.output.at(-1)?.type, 'compaction');
    assert.equal(openaiUp.requests.at(-1)!.path, '/v1/responses/compact');
    assert.equal(openaiUp.requests.at(-1)!.body.toString('utf8'), sentBodies[0]);
    const log = await logOf(http.headers.get('x-request-id')!);
    assert.equal(log.status, 200);
    assert.equal(log.operation, 'responses_compact');
    assert.equal(log.cost?.total, 0.00112, '400 × $2/M + 40 × $8/M');
  });

  test('the live feed announces a Responses request with its operation', async () => {
    const live = await LiveClient.connect(gw.url, gw.adminToken);
    try {
      const { response: http } = await client().responses.create({ model: MODEL, input: 'live' }).withResponse();
      const id = http.headers.get('x-request-id');
      const message = await live.next((m) => m.type === 'log' && (m.payload as LogJson).request_id === id, 5000, 'log');
      assert.equal(message.operation, 'create');
      assert.equal((message.payload as LogJson).operation, 'responses');
    } finally {
      await live.close();
    }
  });

  test('GET /openai/v1/models lists the account\'s models in OpenAI\'s list shape', async () => {
    const ids: string[] = [];
    for await (const model of client().models.list()) ids.push(model.id);
    assert.deepEqual(ids.sort(), ['claude-sonnet-4-20250514', MODEL]);
  });

  test('previous_response_id is refused with a 400 that says to send the full history, before any upstream call', async () => {
    const before = openaiUp.requests.length;
    const err = await client()
      .responses.create({ model: MODEL, input: 'and then?', previous_response_id: 'resp_abc123' })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.BadRequestError, `expected a 400, got ${String(err)}`);
    assert.equal(err.param, 'previous_response_id');
    assert.equal(err.code, 'invalid_request');
    assert.match(err.message, /does not store responses.*full conversation/s);
    assert.equal(openaiUp.requests.length, before);
  });

  test('malformed bodies get 400 in OpenAI\'s error shape naming the field', async () => {
    const post = async (body: string) => {
      const res = await fetch(`${gw.url}/openai/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer dev-key' },
        body,
      });
      return { status: res.status, body: (await res.json()) as { error: { message: string; type: string; param: string | null; code: string } } };
    };
    const notJson = await post('{"model": "gpt-4.1", "input": ');
    assert.equal(notJson.status, 400);
    assert.equal(notJson.body.error.type, 'invalid_request_error');
    assert.match(notJson.body.error.message, /not valid JSON/);

    const wrongType = await post(JSON.stringify({ model: MODEL, input: 42 }));
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.body.error.param, 'input');
    assert.equal(wrongType.body.error.code, 'invalid_request');

    const noModel = await post(JSON.stringify({ input: 'hi' }));
    assert.equal(noModel.status, 400);
    assert.equal(noModel.body.error.param, 'model');

    const badMax = await post(JSON.stringify({ model: MODEL, input: 'hi', max_output_tokens: -5 }));
    assert.equal(badMax.status, 400);
    assert.equal(badMax.body.error.param, 'max_output_tokens');
  });

  test('a key whose budget is spent gets 402 budget_exceeded, which the SDK raises without retrying', async () => {
    // $2.40 of input on a $1 budget: admitted while nothing is spent, then the tier is exhausted.
    openaiUp.script({ inputTokens: 1_200_000, outputTokens: 1 });
    await client('small-key').responses.create({ model: MODEL, input: 'expensive' });
    const before = openaiUp.requests.length;
    const err = await new OpenAI({ baseURL: `${gw.url}/openai/v1`, apiKey: 'small-key', maxRetries: 2 })
      .responses.create({ model: MODEL, input: 'one more' })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, `expected an API error, got ${String(err)}`);
    assert.equal(err.status, 402);
    assert.equal(err.code, 'budget_exceeded');
    assert.match(err.message, /virtual key "small-key".*resets/, "the message names the tier and when it resets");
    assert.equal(openaiUp.requests.length, before, 'the refused request never reached the upstream');
  });

  test('a key over its request rate gets 429 request_limited with retry-after', async () => {
    await client('limited-key').responses.create({ model: MODEL, input: 'first' });
    const res = await fetch(`${gw.url}/openai/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer limited-key' },
      body: JSON.stringify({ model: MODEL, input: 'second' }),
    });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    const body = (await res.json()) as { error: { code: string; type: string } };
    assert.equal(body.error.code, 'request_limited');
    assert.equal(body.error.type, 'rate_limit_error');
  });

  test('an error OpenAI answers reaches the client in OpenAI\'s shape with its status and message', async () => {
    openaiUp.script({ status: 400, error: { type: 'invalid_request_error', message: "Invalid schema for function 'get_weather'.", code: 'invalid_function_parameters' } });
    const err = await client()
      .responses.create({ model: MODEL, input: 'hi', tools: [WEATHER_TOOL] })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.BadRequestError, `expected a 400, got ${String(err)}`);
    assert.match(err.message, /Invalid schema for function 'get_weather'/);
    assert.equal(err.type, 'invalid_request_error');
  });

  test('a stream the upstream cuts ends with an error event numbered after the last event the client saw', async () => {
    openaiUp.script({ text: 'one two three four five', resetAfterEvents: 5 });
    const res = await fetch(`${gw.url}/openai/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer dev-key' },
      body: JSON.stringify({ model: MODEL, input: 'count', stream: true }),
    });
    assert.equal(res.status, 200);
    const events = (await res.text())
      .trim()
      .split('\n\n')
      .map((block) => JSON.parse(block.split('\n').find((line) => line.startsWith('data: '))!.slice(6)) as { type: string; sequence_number: number; code?: string });
    assert.equal(events.length, 6);
    assert.deepEqual(events.map((e) => e.sequence_number), [0, 1, 2, 3, 4, 5]);
    assert.equal(events[5].type, 'error');
    assert.equal(events[5].code, 'upstream_error');
    const log = await logOf(res.headers.get('x-request-id')!);
    assert.equal(log.cost, null, 'no usage arrived, so nothing was billed');
  });
});
