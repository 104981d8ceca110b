// Anthropic Messages ↔ Converse translation, field by field, both directions.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError } from '../../proxy/core/errors.js';
import { anthropicStopReason, converseStopReason } from '../../proxy/providers/bedrock/converse-parts.js';
import { Adaptations } from '../../proxy/providers/bedrock/adaptations.js';
import { anthropicToConverse as translate, converseToAnthropic } from '../../proxy/providers/bedrock/translate-anthropic.js';

const MISTRAL = 'mistral.mistral-large-2407-v1:0';
const CLAUDE = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64');

/** The translation, with what it left out collected in `adapt` (a fresh list unless one is passed). */
function anthropicToConverse(body: Record<string, unknown>, model: string, adapt = new Adaptations()) {
  return translate(body, model, adapt);
}

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof GatewayError && err.kind === 'invalid_request' && err.status === 400 && pattern.test(err.message));
}

describe('Anthropic request → Converse', () => {
  test('system as a string and as text blocks becomes system text blocks', () => {
    assert.deepEqual(anthropicToConverse({ max_tokens: 5, system: 'Be brief.', messages: [] }, MISTRAL).system, [{ text: 'Be brief.' }]);
    const blocks = anthropicToConverse({ max_tokens: 5, system: [{ type: 'text', text: 'A' }, { type: 'text', text: 'B', cache_control: { type: 'ephemeral' } }], messages: [] }, MISTRAL);
    assert.deepEqual(blocks.system, [{ text: 'A' }, { text: 'B' }]);
  });

  test('Claude Code\'s x-anthropic-billing-header system block is left out of the system prompt, and the request says so', () => {
    const adapt = new Adaptations();
    const input = anthropicToConverse({ max_tokens: 5, messages: [], system: [
      { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.332.461; cc_entrypoint=sdk-cli;' },
      { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } },
    ] }, MISTRAL, adapt);
    assert.deepEqual(input.system, [{ text: 'You are Claude Code.' }]);
    assert.deepEqual(adapt.list.map((a) => a.key), ['billing_header']);
    const alone = anthropicToConverse({ max_tokens: 5, messages: [], system: [{ type: 'text', text: 'x-anthropic-billing-header: cc_version=1;' }] }, MISTRAL);
    assert.ok(!('system' in alone), 'no empty system list when the header was all there was');
  });

  test('multi-turn string and block content keeps roles and order', () => {
    const input = anthropicToConverse({
      max_tokens: 5,
      messages: [
        { role: 'user', content: 'one' },
        { role: 'assistant', content: [{ type: 'text', text: 'two' }] },
        { role: 'user', content: [{ type: 'text', text: 'three' }] },
      ],
    }, MISTRAL);
    assert.equal(input.modelId, MISTRAL);
    assert.deepEqual(input.messages, [
      { role: 'user', content: [{ text: 'one' }] },
      { role: 'assistant', content: [{ text: 'two' }] },
      { role: 'user', content: [{ text: 'three' }] },
    ]);
  });

  test('base64 images become image blocks with bytes and a format', () => {
    const input = anthropicToConverse({ max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] }] }, MISTRAL);
    const image = input.messages?.[0].content?.[0].image;
    assert.equal(image?.format, 'png');
    assert.deepEqual(Buffer.from(image?.source?.bytes ?? new Uint8Array()), Buffer.from(PNG, 'base64'));
  });

  test('images by URL and unsupported documents are refused with the reason', () => {
    refused(() => anthropicToConverse({ max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] }] }, MISTRAL), /url source.*base64/);
    refused(() => anthropicToConverse({ max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64', media_type: 'application/zip', data: 'AA==' } }] }] }, MISTRAL), /application\/zip/);
  });

  test('PDF and text documents become named document blocks', () => {
    const input = anthropicToConverse({ max_tokens: 5, messages: [{ role: 'user', content: [
      { type: 'document', title: 'Q3 report.pdf', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERg==' } },
      { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'hello' } },
    ] }] }, MISTRAL);
    const [pdf, txt] = input.messages?.[0].content ?? [];
    assert.equal(pdf.document?.format, 'pdf');
    assert.equal(pdf.document?.name, 'Q3 report pdf');
    assert.equal(txt.document?.format, 'txt');
    assert.equal(txt.document?.name, 'document 2');
    assert.equal(Buffer.from(txt.document?.source?.bytes ?? new Uint8Array()).toString('utf8'), 'hello');
  });

  test('tool definitions become toolConfig; tool_choice auto/any/tool map; none leaves the tools out', () => {
    const tools = [{ name: 'f', description: 'does f', input_schema: { type: 'object', properties: { a: { type: 'number' } } } }];
    const base = { max_tokens: 5, messages: [{ role: 'user', content: 'x' }], tools };
    assert.deepEqual(anthropicToConverse(base, MISTRAL).toolConfig, { tools: [{ toolSpec: { name: 'f', description: 'does f', inputSchema: { json: tools[0].input_schema } } }] });
    assert.deepEqual(anthropicToConverse({ ...base, tool_choice: { type: 'auto' } }, MISTRAL).toolConfig?.toolChoice, { auto: {} });
    assert.deepEqual(anthropicToConverse({ ...base, tool_choice: { type: 'any' } }, MISTRAL).toolConfig?.toolChoice, { any: {} });
    assert.deepEqual(anthropicToConverse({ ...base, tool_choice: { type: 'tool', name: 'f' } }, MISTRAL).toolConfig?.toolChoice, { tool: { name: 'f' } });
    assert.equal(anthropicToConverse({ ...base, tool_choice: { type: 'none' } }, MISTRAL).toolConfig, undefined);
  });

  test('tool_use and tool_result (with is_error) become toolUse and toolResult with status error', () => {
    const input = anthropicToConverse({ max_tokens: 5, messages: [
      { role: 'user', content: 'go' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } }] },
      { role: 'user', content: [
        { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'boom' }], is_error: true },
        { type: 'tool_result', tool_use_id: 't2', content: 'fine' },
      ] },
    ], tools: [{ name: 'f', input_schema: { type: 'object' } }] }, MISTRAL);
    assert.deepEqual(input.messages?.[1].content, [{ toolUse: { toolUseId: 't1', name: 'f', input: { a: 1 } } }]);
    assert.deepEqual(input.messages?.[2].content, [
      { toolResult: { toolUseId: 't1', content: [{ text: 'boom' }], status: 'error' } },
      { toolResult: { toolUseId: 't2', content: [{ text: 'fine' }] } },
    ]);
  });

  test('temperature, top_p, max_tokens and stop_sequences go to inferenceConfig; top_k to additional fields', () => {
    const input = anthropicToConverse({ max_tokens: 42, temperature: 0.5, top_p: 0.8, top_k: 7, stop_sequences: ['X', 'Y'], messages: [] }, MISTRAL);
    assert.deepEqual(input.inferenceConfig, { maxTokens: 42, temperature: 0.5, topP: 0.8, stopSequences: ['X', 'Y'] });
    assert.deepEqual(input.additionalModelRequestFields, { top_k: 7 });
  });

  test('thinking passes through as a model field and history blocks as reasoning content (fitConverse drops them for other models)', () => {
    const input = anthropicToConverse({ max_tokens: 5, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [
      { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: 'sig' }] },
    ] }, CLAUDE);
    assert.deepEqual(input.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 1024 } });
    assert.deepEqual(input.messages?.[0].content?.[0], { reasoningContent: { reasoningText: { text: 'hmm', signature: 'sig' } } });
  });

  test('server tools and fields with no Converse form are left out, and the request says so', () => {
    const adapt = new Adaptations();
    const input = anthropicToConverse({ max_tokens: 5, messages: [{ role: 'user', content: 'hi' }], container: 'c1', context_management: { edits: [] },
      tools: [{ type: 'web_search_20250305', name: 'web_search' }, { name: 'f', input_schema: { type: 'object' } }] }, MISTRAL, adapt);
    assert.deepEqual(input.toolConfig?.tools?.map((t) => t.toolSpec?.name), ['f']);
    assert.deepEqual(adapt.list.map((a) => a.key), ['field:container', 'field:context_management', 'server_tool:web_search_20250305']);
  });

  test('role "system" messages are folded into the adjacent user turn as <system-reminder> text', () => {
    const input = anthropicToConverse({ max_tokens: 5, messages: [
      { role: 'user', content: 'hi' },
      { role: 'system', content: 'Today is Tuesday.' },
    ] }, MISTRAL);
    assert.deepEqual(input.messages, [{ role: 'user', content: [{ text: 'hi' }, { text: '<system-reminder>\nToday is Tuesday.\n</system-reminder>' }] }]);
  });

  test('tool_reference results become text; document results stay documents', () => {
    const input = anthropicToConverse({ max_tokens: 5, messages: [
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'ToolSearch', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [
        { type: 'tool_reference', tool_name: 'WebFetch' },
        { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: PNG } },
      ] }] },
    ] }, MISTRAL);
    const result = input.messages?.[1].content?.[0].toolResult;
    assert.deepEqual(result?.content?.[0], { text: 'Tool WebFetch is now available.' });
    assert.equal(result?.content?.[1].document?.format, 'pdf');
  });
});

describe('Converse answer → Anthropic message', () => {
  test('text, tool use, stop reason and usage (cache split by TTL) map back', () => {
    const answer = converseToAnthropic({
      output: { message: { role: 'assistant', content: [{ text: 'Hi' }, { toolUse: { toolUseId: 't1', name: 'f', input: { a: 1 } } }] } },
      stopReason: 'tool_use',
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 45, cacheReadInputTokens: 20, cacheWriteInputTokens: 10, cacheDetails: [{ ttl: '1h', inputTokens: 4 }, { ttl: '5m', inputTokens: 6 }] },
      additionalModelResponseFields: undefined,
    }, 'msg_1', MISTRAL);
    assert.deepEqual(answer.message, {
      id: 'msg_1', type: 'message', role: 'assistant', model: MISTRAL,
      content: [{ type: 'text', text: 'Hi' }, { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } }],
      stop_reason: 'tool_use', stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 5, cache_creation_input_tokens: 10, cache_read_input_tokens: 20, cache_creation: { ephemeral_5m_input_tokens: 6, ephemeral_1h_input_tokens: 4 } },
    });
    assert.deepEqual(answer.usage, { inputTokens: 10, outputTokens: 5, cacheReadTokens: 20, cacheWrite5mTokens: 6, cacheWrite1hTokens: 4 });
  });

  test('a stop sequence is reported when the model names it', () => {
    const answer = converseToAnthropic({ output: { message: { role: 'assistant', content: [{ text: 'a' }] } }, stopReason: 'stop_sequence', usage: undefined, additionalModelResponseFields: { stop_sequence: 'END' } }, 'm', MISTRAL);
    assert.equal(answer.message.stop_reason, 'stop_sequence');
    assert.equal(answer.message.stop_sequence, 'END');
    assert.equal(answer.usage, null);
  });
});

describe('stop reasons both ways', () => {
  const table: [string, string][] = [['end_turn', 'end_turn'], ['tool_use', 'tool_use'], ['max_tokens', 'max_tokens'], ['stop_sequence', 'stop_sequence']];
  for (const [converse, anthropic] of table) {
    test(`${converse} ↔ ${anthropic}`, () => {
      assert.equal(anthropicStopReason(converse), anthropic);
      assert.equal(converseStopReason(anthropic), converse);
    });
  }
  test('content_filtered and guardrail_intervened read as refusal; refusal maps back to content_filtered', () => {
    assert.equal(anthropicStopReason('content_filtered'), 'refusal');
    assert.equal(anthropicStopReason('guardrail_intervened'), 'refusal');
    assert.equal(converseStopReason('refusal'), 'content_filtered');
  });
  test('malformed output ends the turn', () => {
    assert.equal(anthropicStopReason('malformed_model_output'), 'end_turn');
  });
});
