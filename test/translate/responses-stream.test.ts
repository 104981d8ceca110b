// Converse stream events → Responses SSE, read back with the openai SDK's own SSE parser and response accumulator,
// and Converse answers → Responses objects: item shapes, names mapped back, usage and stop reasons.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContentBlock, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type OpenAI from 'openai';
import { Stream } from 'openai/core/streaming';
import { accumulateResponse } from 'openai/lib/responses/ResponseAccumulator';
import { converseAsStream } from '../../proxy/providers/bedrock/converse-replay.js';
import { decodeReasoning } from '../../proxy/providers/bedrock/responses-reasoning.js';
import { converseToResponses, type ResponseEnvelope } from '../../proxy/providers/bedrock/responses-output.js';
import { ToolNames, bedrockToolName } from '../../proxy/providers/bedrock/responses-tools.js';
import { ResponsesStreamTranslator } from '../../proxy/providers/bedrock/stream-responses.js';

type StreamEvent = OpenAI.Responses.ResponseStreamEvent;

const MODEL = 'anthropic.claude-sonnet-4-20250514-v1:0';
const ENVELOPE: ResponseEnvelope = { id: 'resp_test', createdAt: 1_760_000_000, body: { model: 'claude', input: 'hi', tools: [] } };

function names(): ToolNames {
  const n = new ToolNames();
  n.add({ name: 'apply_patch', kind: 'custom' });
  n.add({ name: 'lookup.customer', namespace: 'mcp__crm', kind: 'function' });
  return n;
}

/** The SSE text parsed by the SDK's stream reader, then folded by its accumulator as responses.stream does. */
async function read(sse: string): Promise<{ events: StreamEvent[]; snapshot: OpenAI.Responses.Response | undefined }> {
  const stream = Stream.fromSSEResponse<StreamEvent>(new Response(sse), new AbortController());
  const events: StreamEvent[] = [];
  let snapshot: OpenAI.Responses.Response | undefined;
  for await (const event of stream) {
    events.push(event);
    snapshot = accumulateResponse(event, snapshot);
  }
  assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
  return { events, snapshot };
}

function translate(events: readonly ConverseStreamOutput[], end: 'finish' | { fail: string } = 'finish'): string {
  const t = new ResponsesStreamTranslator(ENVELOPE, MODEL, names());
  let out = events.map((e) => t.push(e)).join('');
  out += end === 'finish' ? t.finish() : t.fail({ message: end.fail, type: 'api_error', status: 502 });
  return out;
}

const usage = { inputTokens: 10, outputTokens: 5, totalTokens: 15 };
const thinking: ContentBlock = { reasoningContent: { reasoningText: { text: 'Let me think.', signature: 'sig-1' } } };

describe('Converse stream → Responses SSE', () => {
  test('thinking, text, a custom call and a namespace call: the SDK assembles the same items the stream closed with', async () => {
    const content: ContentBlock[] = [
      thinking,
      { text: 'Patching.' },
      { toolUse: { toolUseId: 't1', name: 'apply_patch', input: { input: '*** Begin Patch\n*** End Patch' } } },
      { toolUse: { toolUseId: 't2', name: bedrockToolName('lookup.customer', 'mcp__crm'), input: {} } },
    ];
    const answer = {
      output: { message: { role: 'assistant' as const, content } },
      stopReason: 'tool_use' as const,
      usage,
      metrics: { latencyMs: 1 },
    };
    const { events, snapshot } = await read(translate(converseAsStream(answer)));
    const completed = events.at(-1);
    assert.ok(completed?.type === 'response.completed');
    const done = events.flatMap((e) => (e.type === 'response.output_item.done' ? [e.item] : []));
    assert.deepEqual(completed.response.output, done);
    assert.deepEqual(snapshot?.output, done, 'the SDK accumulator agrees with the items sent');
    assert.deepEqual(done.map((i) => i.type), ['reasoning', 'message', 'custom_tool_call', 'function_call']);
    const [reasoning, message, custom, call] = done;
    assert.ok(reasoning.type === 'reasoning' && message.type === 'message' && custom.type === 'custom_tool_call' && call.type === 'function_call');
    assert.deepEqual(decodeReasoning(reasoning.encrypted_content), thinking);
    assert.equal(snapshot?.output_text, 'Patching.');
    assert.equal(custom.input, '*** Begin Patch\n*** End Patch');
    assert.deepEqual({ name: call.name, namespace: call.namespace, arguments: call.arguments }, { name: 'lookup.customer', namespace: 'mcp__crm', arguments: '{}' });
    assert.deepEqual(done.map((i) => i.id?.split('_')[0]), ['rs', 'msg', 'ctc', 'fc']);
  });

  test('a tool call with no argument deltas still ends with arguments "{}"', async () => {
    const { events } = await read(translate([
      { messageStart: { role: 'assistant' } },
      { contentBlockStart: { contentBlockIndex: 0, start: { toolUse: { toolUseId: 't', name: 'status' } } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { messageStop: { stopReason: 'tool_use' } },
      { metadata: { usage, metrics: { latencyMs: 1 } } },
    ]));
    const done = events.find((e) => e.type === 'response.function_call_arguments.done');
    assert.ok(done?.type === 'response.function_call_arguments.done');
    assert.equal(done.arguments, '{}');
  });

  test('model_context_window_exceeded ends as response.incomplete for max_output_tokens', async () => {
    const { events } = await read(translate(converseAsStream({ output: { message: { role: 'assistant', content: [{ text: 'cut' }] } }, stopReason: 'model_context_window_exceeded', usage, metrics: { latencyMs: 1 } })));
    const last = events.at(-1);
    assert.ok(last?.type === 'response.incomplete');
    assert.deepEqual(last.response.incomplete_details, { reason: 'max_output_tokens' });
  });

  test('a failure after text started ends with response.failed holding what was said so far', async () => {
    const { events } = await read(translate([
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Half' } } },
    ], { fail: 'the Bedrock stream went idle' }));
    const last = events.at(-1);
    assert.ok(last?.type === 'response.failed');
    assert.deepEqual(last.response.error, { code: 'server_error', message: 'the Bedrock stream went idle' });
    assert.equal(last.response.output.length, 1);
  });
});

describe('Converse answer → Responses object', () => {
  test('usage counts cached input in input_tokens; a guardrail stop is incomplete for content_filter', () => {
    const answer = converseToResponses({
      output: { message: { role: 'assistant', content: [{ text: 'no' }] } }, stopReason: 'guardrail_intervened',
      usage: { inputTokens: 10, outputTokens: 2, totalTokens: 42, cacheReadInputTokens: 20, cacheWriteInputTokens: 10 },
    }, ENVELOPE, MODEL, names());
    assert.equal(answer.body.status, 'incomplete');
    assert.deepEqual(answer.body.incomplete_details, { reason: 'content_filter' });
    assert.deepEqual(answer.body.usage, {
      input_tokens: 40, input_tokens_details: { cached_tokens: 20, cache_write_tokens: 10 },
      output_tokens: 2, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 42,
    });
    assert.deepEqual(answer.usage, { inputTokens: 10, outputTokens: 2, cacheReadTokens: 20, cacheWrite5mTokens: 10, cacheWrite1hTokens: 0 });
    assert.equal(answer.body.output_text, 'no');
  });
});
