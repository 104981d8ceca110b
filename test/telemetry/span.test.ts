// The pure halves of the export: a finished request's span description and metric measurements, and the names they use.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as semconv from '@opentelemetry/semantic-conventions/incubating';
import { describeSpan } from '../../proxy/telemetry/span.js';
import { measure } from '../../proxy/telemetry/measurements.js';
import { ERROR_TYPE, GEN_AI, HTTP_STATUS, METRICS, PROVIDER_NAMES, TOKEN_TYPE } from '../../proxy/telemetry/names.js';
import { hrTime, signalUrl } from '../../proxy/telemetry/sdk.js';
import { ARRIVAL, sampleRecord } from './records.js';

const label = (id: string) => (id === 'secret-id' ? 'key-0000beef' : id);
const MARKER = 'CONTENT-MARKER-3b9d';

test('the GenAI names are the ones @opentelemetry/semantic-conventions defines', () => {
  assert.equal(GEN_AI.operationName, semconv.ATTR_GEN_AI_OPERATION_NAME);
  assert.equal(GEN_AI.providerName, semconv.ATTR_GEN_AI_PROVIDER_NAME);
  assert.equal(GEN_AI.system, semconv.ATTR_GEN_AI_SYSTEM);
  assert.equal(GEN_AI.requestModel, semconv.ATTR_GEN_AI_REQUEST_MODEL);
  assert.equal(GEN_AI.responseModel, semconv.ATTR_GEN_AI_RESPONSE_MODEL);
  assert.equal(GEN_AI.finishReasons, semconv.ATTR_GEN_AI_RESPONSE_FINISH_REASONS);
  assert.equal(GEN_AI.inputTokens, semconv.ATTR_GEN_AI_USAGE_INPUT_TOKENS);
  assert.equal(GEN_AI.outputTokens, semconv.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
  assert.equal(GEN_AI.cacheReadInputTokens, semconv.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS);
  assert.equal(GEN_AI.cacheCreationInputTokens, semconv.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS);
  assert.equal(GEN_AI.tokenType, semconv.ATTR_GEN_AI_TOKEN_TYPE);
  assert.equal(TOKEN_TYPE.input, semconv.GEN_AI_TOKEN_TYPE_VALUE_INPUT);
  assert.equal(TOKEN_TYPE.output, semconv.GEN_AI_TOKEN_TYPE_VALUE_OUTPUT);
  assert.equal(ERROR_TYPE, semconv.ATTR_ERROR_TYPE);
  assert.equal(HTTP_STATUS, semconv.ATTR_HTTP_RESPONSE_STATUS_CODE);
  assert.equal(METRICS.tokenUsage, semconv.METRIC_GEN_AI_CLIENT_TOKEN_USAGE);
  assert.equal(METRICS.operationDuration, semconv.METRIC_GEN_AI_CLIENT_OPERATION_DURATION);
  assert.deepEqual(PROVIDER_NAMES, {
    anthropic: semconv.GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC,
    openai: semconv.GEN_AI_PROVIDER_NAME_VALUE_OPENAI,
    bedrock: semconv.GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
  });
});

test('a span reads counts, ids and codes only: bodies and error messages never reach it', () => {
  const record = sampleRecord({
    requestBody: `{"messages":[{"role":"user","content":"${MARKER}"}]}`,
    responseBody: `{"content":[{"text":"${MARKER}"}]}`,
    errorMessage: `overloaded while reading ${MARKER}`,
    errorType: 'overloaded_error',
    status: 529,
    virtualKeyId: 'secret-id',
  });
  const request = { operation: 'messages' as const, receivedAt: ARRIVAL, durationMs: 130.25, records: [record], upstreamMs: [110.4] };
  const text = JSON.stringify([describeSpan(request, label), measure(request, label)]);
  assert.ok(!text.includes(MARKER));
  assert.ok(!text.includes('secret-id'), 'a key whose id is its secret shows as its pseudonym');
  assert.ok(text.includes('key-0000beef'));
});

test('span timing is the request arrival and its sub-millisecond duration; attempts are timed events', () => {
  const first = sampleRecord({ attempt: 1, timestamp: ARRIVAL + 1, status: 503, errorType: 'upstream_error', inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, cost: null, stopReason: undefined });
  const second = sampleRecord({ attempt: 2, timestamp: ARRIVAL + 40 });
  const span = describeSpan({ operation: 'messages', receivedAt: ARRIVAL, durationMs: 250.5, records: [first, second], upstreamMs: [30.2, 200.7] }, label);
  assert.equal(span.startMs, ARRIVAL);
  assert.equal(span.endMs, ARRIVAL + 250.5);
  assert.equal(span.errorType, undefined, 'the request succeeded on its retry');
  assert.deepEqual(
    span.events.map((e) => [e.timeMs, e.attributes['spendgate.attempt'], e.attributes[ERROR_TYPE], e.attributes['spendgate.upstream_ms']]),
    [
      [ARRIVAL + 1, 1, 'upstream_error', 30],
      [ARRIVAL + 40, 2, undefined, 201],
    ],
  );
  // Tokens and cost are the request's totals over its attempts; input includes cache reads and writes.
  assert.equal(span.attributes[GEN_AI.inputTokens], 1065);
  assert.equal(span.attributes['spendgate.cost.micros'], 6082);
  assert.equal(span.attributes['spendgate.attempts'], 2);
});

test('a request refused before routing: operation-only name when no model, no provider, error.type set', () => {
  const refused = sampleRecord({
    providerType: undefined,
    providerConfigId: undefined,
    accountId: undefined,
    modelServed: undefined,
    modelRequested: '',
    virtualKeyId: undefined,
    teamId: undefined,
    customerId: undefined,
    routing: undefined,
    status: 401,
    errorType: 'virtual_key_not_found',
    cost: null,
    stopReason: undefined,
  });
  const request = { operation: 'messages' as const, receivedAt: ARRIVAL, durationMs: 0.4, records: [refused], upstreamMs: [0] };
  const span = describeSpan(request, label);
  assert.equal(span.name, 'chat');
  assert.equal(span.errorType, 'virtual_key_not_found');
  assert.equal(span.attributes[GEN_AI.providerName], undefined);
  assert.equal(span.attributes[GEN_AI.inputTokens], undefined, 'no usage attributes without an attempt');
  assert.deepEqual(span.events, []);
  const m = measure(request, label);
  assert.deepEqual(m.tokenUsage, []);
  assert.deepEqual(m.cost, []);
  assert.equal(m.request.attributes[HTTP_STATUS], 401);
});

test('metrics keep a client-chosen model name only once routing matched it; count_tokens keeps its own operation name', () => {
  const unrouted = sampleRecord({ modelRequested: 'made-up-model-9431', providerType: undefined, providerConfigId: undefined, modelServed: undefined, routing: undefined, status: 404, errorType: 'model_not_found' });
  const m = measure({ operation: 'messages', receivedAt: ARRIVAL, durationMs: 1, records: [unrouted], upstreamMs: [0] }, label);
  assert.ok(!JSON.stringify(m).includes('made-up-model-9431'));
  const counted = describeSpan({ operation: 'count_tokens', receivedAt: ARRIVAL, durationMs: 1, records: [sampleRecord()], upstreamMs: [1] }, label);
  assert.equal(counted.name, 'count_tokens claude-sonnet-4-20250514');
});

test('measurements: input and output token points, duration in seconds, cost in dollars per attempt', () => {
  const m = measure({ operation: 'chat_completions', receivedAt: ARRIVAL, durationMs: 1500, records: [sampleRecord()], upstreamMs: [1400] }, label);
  assert.deepEqual(
    m.tokenUsage.map((p) => [p.attributes[GEN_AI.tokenType], p.value]),
    [
      ['input', 1065],
      ['output', 200],
    ],
  );
  assert.equal(m.duration.value, 1.5);
  assert.deepEqual(m.cost, [
    {
      value: 0.006082,
      attributes: { 'spendgate.virtual_key.id': 'alice', 'spendgate.team.id': 'eng', [GEN_AI.responseModel]: 'claude-sonnet-4-20250514', 'spendgate.provider_config.id': 'anthropic-direct' },
    },
  ]);
});

test('the exporter paths and timestamps', () => {
  assert.equal(signalUrl('http://127.0.0.1:4318', 'traces'), 'http://127.0.0.1:4318/v1/traces');
  assert.equal(signalUrl('https://otlp.example.com/otlp/', 'metrics'), 'https://otlp.example.com/otlp/v1/metrics');
  assert.deepEqual(hrTime(1_736_935_200_123.456), [1_736_935_200, 123_456_000]);
});
