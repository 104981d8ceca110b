// OpenAI Chat Completions ↔ Converse translation, field by field, both directions.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../proxy/core/errors.js';
import { converseToOpenAI, openaiToConverse } from '../../proxy/providers/bedrock/translate-openai.js';

const M = 'mistral.mistral-large-2407-v1:0';

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof GatewayError && err.status === 400 && pattern.test(err.message));
}

describe('OpenAI request → Converse', () => {
  test('system and developer messages become system blocks; user text and data-URL images become content', () => {
    const input = openaiToConverse({ messages: [
      { role: 'system', content: 'S1' },
      { role: 'developer', content: [{ type: 'text', text: 'S2' }] },
      { role: 'user', content: [{ type: 'text', text: 'look' }, { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/' } }] },
    ] }, M);
    assert.deepEqual(input.system, [{ text: 'S1' }, { text: 'S2' }]);
    const content = input.messages?.[0].content ?? [];
    assert.deepEqual(content[0], { text: 'look' });
    assert.equal(content[1].image?.format, 'jpeg');
  });

  test('assistant tool calls become toolUse; consecutive tool messages merge into one user turn of toolResults', () => {
    const input = openaiToConverse({ messages: [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: 'calling', tool_calls: [
        { id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
        { id: 'b', type: 'function', function: { name: 'g', arguments: '' } },
      ] },
      { role: 'tool', tool_call_id: 'a', content: 'A' },
      { role: 'tool', tool_call_id: 'b', content: [{ type: 'text', text: 'B' }] },
    ], tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }] }, M);
    assert.deepEqual(input.messages?.[1], { role: 'assistant', content: [{ text: 'calling' }, { toolUse: { toolUseId: 'a', name: 'f', input: { x: 1 } } }, { toolUse: { toolUseId: 'b', name: 'g', input: {} } }] });
    assert.deepEqual(input.messages?.[2], { role: 'user', content: [{ toolResult: { toolUseId: 'a', content: [{ text: 'A' }] } }, { toolResult: { toolUseId: 'b', content: [{ text: 'B' }] } }] });
  });

  test('tools and tool_choice map (auto, required, named function, none)', () => {
    const base = { messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object', properties: {} } } }] };
    assert.deepEqual(openaiToConverse(base, M).toolConfig?.tools, [{ toolSpec: { name: 'f', description: 'd', inputSchema: { json: { type: 'object', properties: {} } } } }]);
    assert.deepEqual(openaiToConverse({ ...base, tool_choice: 'auto' }, M).toolConfig?.toolChoice, { auto: {} });
    assert.deepEqual(openaiToConverse({ ...base, tool_choice: 'required' }, M).toolConfig?.toolChoice, { any: {} });
    assert.deepEqual(openaiToConverse({ ...base, tool_choice: { type: 'function', function: { name: 'f' } } }, M).toolConfig?.toolChoice, { tool: { name: 'f' } });
    assert.equal(openaiToConverse({ ...base, tool_choice: 'none' }, M).toolConfig, undefined);
  });

  test('temperature, top_p, max_tokens / max_completion_tokens and stop go to inferenceConfig', () => {
    assert.deepEqual(openaiToConverse({ messages: [], temperature: 1, top_p: 0.5, max_tokens: 9, stop: 'Z' }, M).inferenceConfig, { maxTokens: 9, temperature: 1, topP: 0.5, stopSequences: ['Z'] });
    assert.deepEqual(openaiToConverse({ messages: [], max_tokens: 9, max_completion_tokens: 11, stop: ['A', 'B'] }, M).inferenceConfig, { maxTokens: 11, stopSequences: ['A', 'B'] });
  });

  test('what Converse cannot express is refused: n > 1, image URLs, invalid tool arguments, unknown fields', () => {
    refused(() => openaiToConverse({ messages: [], n: 2 }, M), /n > 1/);
    refused(() => openaiToConverse({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] }] }, M), /URL/);
    refused(() => openaiToConverse({ messages: [{ role: 'assistant', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{bad' } }] }] }, M), /not valid JSON/);
    refused(() => openaiToConverse({ messages: [], response_format: { type: 'json_object' } }, M), /response_format/);
  });
});

describe('Converse answer → chat.completion', () => {
  test('text, tool calls, finish_reason and usage (prompt includes cached tokens)', () => {
    const a = converseToOpenAI({
      output: { message: { role: 'assistant', content: [{ toolUse: { toolUseId: 't', name: 'f', input: { q: 1 } } }] } },
      stopReason: 'tool_use',
      usage: { inputTokens: 3, outputTokens: 4, totalTokens: 12, cacheReadInputTokens: 5 },
      additionalModelResponseFields: undefined,
    }, 'chatcmpl-x', M, 1700000000);
    assert.deepEqual(a.completion, {
      id: 'chatcmpl-x', object: 'chat.completion', created: 1700000000, model: M,
      choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{"q":1}' } }] }, finish_reason: 'tool_calls', logprobs: null }],
      usage: { prompt_tokens: 8, completion_tokens: 4, total_tokens: 12, prompt_tokens_details: { cached_tokens: 5 } },
    });
  });

  test('max_tokens reads as length and content filtering as content_filter', () => {
    const mk = (stopReason: 'max_tokens' | 'content_filtered') => converseToOpenAI({ output: { message: { role: 'assistant', content: [{ text: 'a' }] } }, stopReason, usage: undefined, additionalModelResponseFields: undefined }, 'c', M, 1);
    assert.equal((mk('max_tokens').completion.choices as { finish_reason: string }[])[0].finish_reason, 'length');
    assert.equal((mk('content_filtered').completion.choices as { finish_reason: string }[])[0].finish_reason, 'content_filter');
  });
});
