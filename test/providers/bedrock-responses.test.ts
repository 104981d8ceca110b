// OpenAI Responses clients through the Bedrock provider: the openai SDK's responses.create and responses.stream against
// the strict loopback Bedrock, with text, function, custom and namespace tools, cut-off answers and broken streams.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { bedrockToolName } from '../../proxy/providers/bedrock/responses-tools.js';
import { CLAUDE_MODEL, claudeTarget, sendsSettled, openAiRig } from './bedrock-fixture.js';

type StreamEvent = OpenAI.Responses.ResponseStreamEvent;

const SHELL: OpenAI.Responses.FunctionTool = {
  type: 'function', name: 'shell_command', description: 'Runs a shell command.', strict: false,
  parameters: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] },
};
const APPLY_PATCH: OpenAI.Responses.CustomTool = {
  type: 'custom', name: 'apply_patch', description: 'Edit files with a patch.',
  format: { type: 'grammar', syntax: 'lark', definition: 'start: "*** Begin Patch" LF hunk+ "*** End Patch"' },
};
const CRM: OpenAI.Responses.NamespaceTool = {
  type: 'namespace', name: 'mcp__crm', description: 'CRM tools.',
  tools: [{ type: 'function', name: 'lookup.customer', description: 'Look a customer up.', parameters: { type: 'object', properties: { q: { type: 'string' } } } }],
};

/** Every event of a streamed response, with the checks every Responses stream must pass. */
async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i), 'sequence_number counts up from 0 without gaps');
  assert.deepEqual(events.slice(0, 2).map((e) => e.type), ['response.created', 'response.in_progress']);
  return events;
}

function ofType<T extends StreamEvent['type']>(events: readonly StreamEvent[], type: T): Extract<StreamEvent, { type: T }>[] {
  return events.filter((e): e is Extract<StreamEvent, { type: T }> => e.type === type);
}

describe('Claude on Bedrock for OpenAI Responses clients', () => {
  const on = openAiRig(claudeTarget);

  test('responses.create answers a response object with output_text and usage counting cached tokens', async () => {
    on.rig.upstream.script({ inputTokens: 40, outputTokens: 7, cacheReadTokens: 100, cacheWriteTokens: 10 });
    const before = on.rig.harness.sends.length;
    const response = await on.client.responses.create({ model: 'claude', instructions: 'Be brief.', input: 'Hello', max_output_tokens: 200 });
    assert.equal(response.object, 'response');
    assert.match(response.id, /^resp_/);
    assert.equal(response.status, 'completed');
    assert.equal(response.output_text, `Reply from ${CLAUDE_MODEL}.`);
    assert.match(response.output[0].id ?? '', /^msg_/);
    assert.deepEqual(response.usage, {
      input_tokens: 150, input_tokens_details: { cached_tokens: 100, cache_write_tokens: 10 },
      output_tokens: 7, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 157,
    });
    const sent = on.rig.upstream.requests.at(-1)?.json;
    assert.equal(on.rig.upstream.requests.at(-1)?.operation, 'converse');
    assert.deepEqual(sent?.system, [{ text: 'Be brief.' }]);
    assert.deepEqual(sent?.inferenceConfig, { maxTokens: 200 });
    await sendsSettled(on.rig.harness, before + 1);
    assert.deepEqual(on.rig.harness.sends[before].outcome?.usage, { inputTokens: 40, outputTokens: 7, cacheReadTokens: 100, cacheWrite5mTokens: 10, cacheWrite1hTokens: 0 });
  });

  test('responses.stream delivers text deltas inside an opened message item and a final response the SDK assembles', async () => {
    const stream = on.client.responses.stream({ model: 'claude', input: 'Hi' });
    const events = await collect(stream);
    const final = await stream.finalResponse();
    assert.equal(final.output_text, `Reply from ${CLAUDE_MODEL}.`);
    assert.equal(ofType(events, 'response.output_text.delta').map((e) => e.delta).join(''), final.output_text);
    assert.deepEqual(events.map((e) => e.type).filter((t) => !t.endsWith('.delta')), [
      'response.created', 'response.in_progress', 'response.output_item.added', 'response.content_part.added',
      'response.output_text.done', 'response.content_part.done', 'response.output_item.done', 'response.completed',
    ]);
    const completed = ofType(events, 'response.completed')[0].response;
    assert.equal(completed.status, 'completed');
    assert.ok((completed.usage?.output_tokens ?? 0) > 0);
  });

  test('a streamed function call sends its arguments in deltas and whole in .done; its output goes back as a toolResult', async () => {
    on.rig.upstream.script({ text: 'Listing.', toolUse: { name: 'shell_command', input: { command: 'ls -la' } } });
    const events = await collect(await on.client.responses.create({ model: 'claude', input: 'list files', tools: [SHELL], stream: true }));
    const deltas = ofType(events, 'response.function_call_arguments.delta');
    assert.ok(deltas.length >= 2, 'arguments arrive in more than one delta');
    const done = ofType(events, 'response.function_call_arguments.done')[0];
    assert.equal(done.arguments, '{"command":"ls -la"}');
    assert.equal(deltas.map((d) => d.delta).join(''), done.arguments);
    const call = ofType(events, 'response.output_item.done').map((e) => e.item).find((i) => i.type === 'function_call');
    assert.ok(call?.type === 'function_call');
    assert.equal(call.name, 'shell_command');
    assert.equal(call.call_id, 'tooluse_test_1');
    assert.match(call.id ?? '', /^fc_/);
    assert.deepEqual(ofType(events, 'response.completed')[0].response.output.map((i) => i.type), ['message', 'function_call']);

    const answer = await on.client.responses.create({
      model: 'claude', tools: [SHELL],
      input: [{ role: 'user', content: 'list files' }, call, { type: 'function_call_output', call_id: call.call_id, output: 'README.md' }],
    });
    assert.equal(answer.output_text, 'The tool said: README.md');
    const history = on.rig.upstream.requests.at(-1)?.json?.messages as { role: string; content: Record<string, unknown>[] }[];
    assert.deepEqual(history[1], { role: 'assistant', content: [{ toolUse: { toolUseId: 'tooluse_test_1', name: 'shell_command', input: { command: 'ls -la' } } }] });
    assert.deepEqual(history[2], { role: 'user', content: [{ toolResult: { toolUseId: 'tooluse_test_1', content: [{ text: 'README.md' }] } }] });
  });

  test('a custom tool call comes back as custom_tool_call with the freeform input, streamed through its input events', async () => {
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+hello\n*** End Patch';
    on.rig.upstream.script({ toolUse: { name: 'apply_patch', input: { input: patch } } });
    const events = await collect(await on.client.responses.create({ model: 'claude', input: 'add a.txt', tools: [APPLY_PATCH], stream: true }));
    assert.equal(ofType(events, 'response.custom_tool_call_input.done')[0].input, patch);
    assert.equal(ofType(events, 'response.custom_tool_call_input.delta').map((e) => e.delta).join(''), patch);
    const item = ofType(events, 'response.output_item.done').map((e) => e.item).find((i) => i.type === 'custom_tool_call');
    assert.ok(item?.type === 'custom_tool_call');
    assert.deepEqual({ name: item.name, input: item.input, call_id: item.call_id }, { name: 'apply_patch', input: patch, call_id: 'tooluse_test_1' });
  });

  test('a namespace tool is called under its own name and namespace, from a name Bedrock accepts', async () => {
    on.rig.upstream.script({ toolUse: { name: bedrockToolName('lookup.customer', 'mcp__crm'), input: { q: 'acme' } } });
    const response = await on.client.responses.create({ model: 'claude', input: 'find acme', tools: [CRM] });
    const call = response.output.find((i) => i.type === 'function_call');
    assert.ok(call?.type === 'function_call');
    assert.deepEqual({ name: call.name, namespace: call.namespace, arguments: call.arguments }, { name: 'lookup.customer', namespace: 'mcp__crm', arguments: '{"q":"acme"}' });
    const tools = (on.rig.upstream.requests.at(-1)?.json?.toolConfig as { tools: { toolSpec: { name: string } }[] }).tools;
    assert.deepEqual(tools.map((t) => t.toolSpec.name), [bedrockToolName('lookup.customer', 'mcp__crm')]);
  });

  test('a max-tokens stop is an incomplete response: response.incomplete when streamed, status incomplete as JSON', async () => {
    on.rig.upstream.script({ stopReason: 'max_tokens' }, { stopReason: 'max_tokens' });
    const events = await collect(await on.client.responses.create({ model: 'claude', input: 'write a lot', max_output_tokens: 16, stream: true }));
    const last = events.at(-1);
    assert.equal(last?.type, 'response.incomplete');
    assert.ok(last?.type === 'response.incomplete');
    assert.equal(last.response.status, 'incomplete');
    assert.deepEqual(last.response.incomplete_details, { reason: 'max_output_tokens' });
    const json = await on.client.responses.create({ model: 'claude', input: 'write a lot', max_output_tokens: 16 });
    assert.equal(json.status, 'incomplete');
    assert.deepEqual(json.incomplete_details, { reason: 'max_output_tokens' });
  });

  test('an exception mid-stream ends it with response.failed carrying the error, and the outcome records it', async () => {
    on.rig.upstream.script({ streamException: { type: 'ThrottlingException', message: 'slow down mid-stream', afterEvents: 3 } });
    const before = on.rig.harness.sends.length;
    const events = await collect(await on.client.responses.create({ model: 'claude', input: 'Hi', stream: true }));
    const last = events.at(-1);
    assert.ok(last?.type === 'response.failed');
    assert.equal(last.response.status, 'failed');
    assert.equal(last.response.error?.code, 'rate_limit_exceeded');
    assert.match(last.response.error?.message ?? '', /slow down mid-stream/);
    await sendsSettled(on.rig.harness, before + 1);
    assert.match(on.rig.harness.sends[before].outcome?.error?.message ?? '', /slow down mid-stream/);
  });

  test('a refusal before the stream started is an OpenAI-shaped error the SDK raises, with nothing streamed', async () => {
    on.rig.upstream.script({ error: { type: 'ThrottlingException', status: 429, message: 'Too many requests, please wait before trying again.' } });
    await assert.rejects(on.client.responses.create({ model: 'claude', input: 'Hi', stream: true }), (err: unknown) => err instanceof OpenAI.RateLimitError);
  });

  test('previous_response_id is refused with a 400 that says to send the whole conversation', async () => {
    const before = on.rig.upstream.requests.length;
    await assert.rejects(on.client.responses.create({ model: 'claude', input: 'and then?', previous_response_id: 'resp_abc' }),
      (err: unknown) => err instanceof OpenAI.BadRequestError && /previous_response_id .*send the whole conversation/.test(err.message));
    assert.equal(on.rig.upstream.requests.length, before, 'nothing reached Bedrock');
  });
});
