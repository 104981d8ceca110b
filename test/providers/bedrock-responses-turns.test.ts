// Responses conversations over several turns on Bedrock, as Codex holds them with store: false: Claude's thinking
// carried across a tool call, a model that takes tools only without streaming, and compaction.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { SUMMARY_PREFIX } from '../../proxy/providers/bedrock/compact.js';
import { STANDIN_THINKING } from '../upstreams/bedrock-rules-converse.js';
import { CLAUDE_MODEL, claudeTarget, mistralTarget, sendsSettled, openAiRig, type Rig } from './bedrock-fixture.js';

type StreamEvent = OpenAI.Responses.ResponseStreamEvent;
type Item = OpenAI.Responses.ResponseOutputItem;
type Turn = { role: string; content: Record<string, unknown>[] };

const SHELL: OpenAI.Responses.FunctionTool = {
  type: 'function', name: 'shell', description: 'Runs a command.', strict: false,
  parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'] },
};

async function finalItems(stream: AsyncIterable<StreamEvent>): Promise<{ items: Item[]; events: StreamEvent[] }> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i));
  const items = events.flatMap((e) => (e.type === 'response.output_item.done' ? [e.item] : []));
  return { items, events };
}

/** The output items Codex keeps in its history and sends back as input. */
type Replayed = OpenAI.Responses.ResponseReasoningItem | OpenAI.Responses.ResponseOutputMessage | OpenAI.Responses.ResponseFunctionToolCall;
function replayable(item: Item): item is Replayed {
  return item.type === 'reasoning' || item.type === 'message' || item.type === 'function_call';
}

function sentTurns(rig: Rig): Turn[] {
  return rig.upstream.requests.at(-1)?.json?.messages as Turn[];
}

describe("Claude's thinking across a tool turn", () => {
  const on = openAiRig(claudeTarget);

  test('the reasoning item spendgate returns is sent back and restored as the signed thinking block Bedrock requires', async () => {
    on.rig.upstream.script({ text: 'Checking.', toolUse: { name: 'shell', input: { command: ['ls'] } } });
    const first = await finalItems(await on.client.responses.create({
      model: 'claude', input: 'what is here?', tools: [SHELL], reasoning: { effort: 'low', summary: 'auto' },
      include: ['reasoning.encrypted_content'], store: false, stream: true,
    }));
    assert.deepEqual((on.rig.upstream.requests.at(-1)?.json?.additionalModelRequestFields as Record<string, unknown>).thinking, { type: 'enabled', budget_tokens: 4_000 });
    assert.deepEqual(first.items.map((i) => i.type), ['reasoning', 'message', 'function_call']);
    const reasoning = first.items[0];
    assert.ok(reasoning.type === 'reasoning');
    assert.match(reasoning.id, /^rs_/);
    assert.deepEqual(reasoning.summary, [{ type: 'summary_text', text: STANDIN_THINKING.text }]);
    assert.ok(reasoning.encrypted_content, 'the item carries the thinking for the next turn');
    assert.equal(first.events.filter((e) => e.type === 'response.reasoning_summary_text.delta').length, 1);

    // Codex sends the whole history back with the command's output; Bedrock refuses it unless the thinking leads the turn.
    const call = first.items[2];
    assert.ok(call.type === 'function_call');
    const second = await on.client.responses.create({
      model: 'claude', tools: [SHELL], reasoning: { effort: 'low' }, store: false,
      input: [{ role: 'user', content: 'what is here?' }, ...first.items.filter(replayable), { type: 'function_call_output', call_id: call.call_id, output: 'README.md' }],
    });
    assert.equal(second.status, 'completed');
    assert.equal(second.output.find((i) => i.type === 'message')?.type, 'message');
    const turns = sentTurns(on.rig);
    assert.deepEqual(turns[1].content[0], { reasoningContent: { reasoningText: { text: STANDIN_THINKING.text, signature: STANDIN_THINKING.signature } } });
    assert.ok('toolUse' in turns[1].content[2]);
    assert.ok(on.rig.upstream.requests.at(-1)?.json?.additionalModelRequestFields, 'thinking stays on');
  });

  test('a history whose tool turn has only foreign reasoning is answered with thinking off, not refused', async () => {
    const response = await on.client.responses.create({
      model: 'claude', tools: [SHELL], reasoning: { effort: 'high' },
      input: [
        { role: 'user', content: 'what is here?' },
        { type: 'reasoning', id: 'rs_foreign', summary: [], encrypted_content: 'gAAAAABforeign' },
        { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":["ls"]}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'README.md' },
      ],
    });
    assert.equal(response.output_text, 'The tool said: README.md');
    assert.equal(on.rig.upstream.requests.at(-1)?.json?.additionalModelRequestFields, undefined);
  });
});

describe('Mistral on Bedrock (tools only without streaming) for Responses clients', () => {
  const on = openAiRig(mistralTarget);

  test('a streamed request with tools is answered by one Converse call and still streamed as Responses events', async () => {
    on.rig.upstream.script({ text: 'Running.', toolUse: { name: 'shell', input: { command: ['git', 'status'] } } });
    const before = on.rig.harness.sends.length;
    const { items, events } = await finalItems(await on.client.responses.create({ model: 'mistral', input: 'status?', tools: [SHELL], stream: true }));
    assert.equal(on.rig.upstream.requests.at(-1)?.operation, 'converse');
    assert.deepEqual(items.map((i) => i.type), ['message', 'function_call']);
    const done = events.find((e) => e.type === 'response.function_call_arguments.done');
    assert.ok(done?.type === 'response.function_call_arguments.done');
    assert.equal(done.arguments, '{"command":["git","status"]}');
    assert.equal(events.at(-1)?.type, 'response.completed');
    await sendsSettled(on.rig.harness, before + 1);
    assert.ok(on.rig.harness.sends[before].outcome?.adaptations?.some((a) => /does not stream tool use/.test(a)));
  });
});

describe('compaction on Bedrock', () => {
  const on = openAiRig(claudeTarget);

  const history: OpenAI.Responses.ResponseInputItem[] = [
    { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'sandbox: read-only' }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'fix the build' }] },
    { type: 'function_call', call_id: 'call_1', name: 'shell', arguments: '{"command":["npm","test"]}' },
    { type: 'function_call_output', call_id: 'call_1', output: '1 failing' },
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'One test fails.', annotations: [] }], id: 'msg_1', status: 'completed' },
  ];

  test('one model call summarises the conversation, billed like any request; the compacted items work as the next input', async () => {
    on.rig.upstream.script({ text: 'The user wants the build fixed; npm test shows 1 failing test.', inputTokens: 300, outputTokens: 20 });
    const before = on.rig.harness.sends.length;
    const compacted = await on.client.responses.compact({ model: 'claude', input: history, instructions: 'You are Codex.' });
    assert.equal(compacted.object, 'response.compaction');
    assert.match(compacted.id, /^resp_/);
    const texts = compacted.output.map((item) => JSON.stringify(item));
    assert.equal(compacted.output.length, 2, 'the user message and the summary');
    assert.match(texts[0], /fix the build/);
    assert.ok(texts[1].includes(JSON.stringify(SUMMARY_PREFIX + 'The user wants the build fixed; npm test shows 1 failing test.').slice(1, -1)));
    assert.equal(compacted.usage.input_tokens, 300);

    const sent = on.rig.upstream.requests.at(-1)?.json;
    assert.equal(sent?.toolConfig, undefined, 'tool calls are summarised as text, so no tool is offered');
    assert.deepEqual(sent?.system, [{ text: 'You are Codex.' }, { text: 'sandbox: read-only' }]);
    const turns = sent?.messages as Turn[];
    assert.match(JSON.stringify(turns.at(-1)), /Summarise the conversation above/);
    assert.match(JSON.stringify(turns), /called the tool shell.*returned: 1 failing/);
    await sendsSettled(on.rig.harness, before + 1);
    assert.deepEqual(on.rig.harness.sends[before].outcome?.usage, { inputTokens: 300, outputTokens: 20, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 });
    assert.equal(on.rig.harness.sends[before].outcome?.servedModel, CLAUDE_MODEL);

    const next = await on.client.responses.create({ model: 'claude', input: [...compacted.output, { role: 'user', content: 'go on' }] as OpenAI.Responses.ResponseInput });
    assert.equal(next.status, 'completed');
    assert.equal(sentTurns(on.rig).length, 1, 'the compacted window and the new message are one user turn');
  });
});
