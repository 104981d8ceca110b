// Converse stream events → Anthropic SSE and OpenAI chunks, including streamed tool input JSON.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { AnthropicStreamTranslator } from '../../proxy/providers/bedrock/stream-anthropic.js';
import { OpenAIStreamTranslator } from '../../proxy/providers/bedrock/stream-openai.js';

const TOOL_STREAM: ConverseStreamOutput[] = [
  { messageStart: { role: 'assistant' } },
  { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Let me ' } } },
  { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'check.' } } },
  { contentBlockStop: { contentBlockIndex: 0 } },
  { contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 't1', name: 'weather' } } } },
  { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":' } } } },
  { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '"Paris"}' } } } },
  { contentBlockStop: { contentBlockIndex: 1 } },
  { messageStop: { stopReason: 'tool_use' } },
  { metadata: { usage: { inputTokens: 12, outputTokens: 7, totalTokens: 19 }, metrics: { latencyMs: 1 } } },
];

function parseSse(text: string): { event: string; data: Record<string, unknown> }[] {
  return text.split('\n\n').filter((e) => e !== '').map((e) => {
    const [eventLine, dataLine] = e.split('\n');
    return { event: eventLine.replace('event: ', ''), data: JSON.parse(dataLine.replace('data: ', '')) as Record<string, unknown> };
  });
}

describe('Converse stream → Anthropic SSE', () => {
  test('text and tool blocks open, stream and close in order, with the stop reason and usage held for message_delta', () => {
    const t = new AnthropicStreamTranslator('msg_1', 'mistral');
    const out = TOOL_STREAM.map((e) => t.push(e)).join('') + t.finish();
    const events = parseSse(out);
    assert.deepEqual(events.map((e) => e.event), [
      'message_start', 'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop',
      'content_block_start', 'content_block_delta', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop',
    ]);
    for (const e of events) assert.equal(e.data.type, e.event, 'each data names its own event type');
    assert.deepEqual(events[1].data, { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    assert.deepEqual(events[2].data, { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me ' } });
    assert.deepEqual(events[5].data, { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 't1', name: 'weather', input: {} } });
    assert.deepEqual(events[6].data.delta, { type: 'input_json_delta', partial_json: '{"city":' });
    assert.deepEqual(events[7].data.delta, { type: 'input_json_delta', partial_json: '"Paris"}' });
    assert.deepEqual(events[9].data.delta, { stop_reason: 'tool_use', stop_sequence: null });
    assert.equal((events[9].data.usage as { output_tokens: number }).output_tokens, 7);
    assert.equal((events[9].data.usage as { input_tokens: number }).input_tokens, 12);
    assert.deepEqual(t.usage, { inputTokens: 12, outputTokens: 7, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 });
    assert.equal(t.stopReason, 'tool_use');
    assert.equal(t.finish(), '', 'finishing twice emits nothing');
  });

  test('a stream cut before messageStop still closes open blocks and ends the message', () => {
    const t = new AnthropicStreamTranslator('m', 'x');
    const out = [t.push({ messageStart: { role: 'assistant' } }), t.push({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'a' } } }), t.finish()].join('');
    assert.deepEqual(parseSse(out).map((e) => e.event), ['message_start', 'content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta', 'message_stop']);
  });

  test('content_filtered ends with stop_reason refusal', () => {
    const t = new AnthropicStreamTranslator('m', 'x');
    const out = [{ messageStart: { role: 'assistant' as const } }, { messageStop: { stopReason: 'content_filtered' as const } }].map((e) => t.push(e)).join('') + t.finish();
    const delta = parseSse(out).find((e) => e.event === 'message_delta');
    assert.equal((delta?.data.delta as { stop_reason: string }).stop_reason, 'refusal');
  });
});

describe('Converse stream → OpenAI chunks', () => {
  test('role first, content deltas, tool call with streamed arguments, finish_reason, usage chunk, [DONE]', () => {
    const t = new OpenAIStreamTranslator('chatcmpl-1', 'mistral', 1700000000, true);
    const out = TOOL_STREAM.map((e) => t.push(e)).join('') + t.finish();
    const lines = out.split('\n\n').filter((l) => l !== '');
    assert.equal(lines.at(-1), 'data: [DONE]');
    const chunks = lines.slice(0, -1).map((l) => JSON.parse(l.replace('data: ', '')) as { object: string; created: number; choices: { delta: Record<string, unknown>; finish_reason: string | null }[]; usage?: Record<string, number> });
    for (const c of chunks) assert.equal(c.object, 'chat.completion.chunk');
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '' });
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    assert.equal(text, 'Let me check.');
    const toolDeltas = chunks.flatMap((c) => (c.choices[0]?.delta.tool_calls as { index: number; id?: string; function: { name?: string; arguments: string } }[] | undefined) ?? []);
    assert.deepEqual(toolDeltas[0], { index: 0, id: 't1', type: 'function', function: { name: 'weather', arguments: '' } });
    assert.equal(toolDeltas.map((d) => d.function.arguments).join(''), '{"city":"Paris"}');
    assert.equal(chunks.find((c) => c.choices[0]?.finish_reason !== null && c.choices.length > 0)?.choices[0].finish_reason, 'tool_calls');
    const usage = chunks.at(-1);
    assert.deepEqual(usage?.choices, []);
    assert.deepEqual(usage?.usage, { prompt_tokens: 12, completion_tokens: 7, total_tokens: 19, prompt_tokens_details: { cached_tokens: 0 } });
  });

  test('without include_usage there is no usage chunk', () => {
    const t = new OpenAIStreamTranslator('c', 'm', 1, false);
    const out = TOOL_STREAM.map((e) => t.push(e)).join('') + t.finish();
    assert.ok(!out.includes('"usage"'));
    assert.deepEqual(t.usage, { inputTokens: 12, outputTokens: 7, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 });
  });
});
