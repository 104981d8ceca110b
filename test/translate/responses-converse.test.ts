// OpenAI Responses → Converse: a Codex-shaped request item by item, and every translated body checked against the
// loopback Bedrock's rules (what real Bedrock refuses), after the same fitting the provider applies.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConverseCommandInput, ContentBlock } from '@aws-sdk/client-bedrock-runtime';
import { GatewayError } from '../../proxy/core/errors.js';
import { Adaptations } from '../../proxy/providers/bedrock/adaptations.js';
import { BedrockProvider } from '../../proxy/providers/bedrock/index.js';
import { modelCapabilities } from '../../proxy/providers/bedrock/capabilities.js';
import { fitConverse } from '../../proxy/providers/bedrock/converse-fit.js';
import { encodeReasoning } from '../../proxy/providers/bedrock/responses-reasoning.js';
import { ToolNames, bedrockToolName } from '../../proxy/providers/bedrock/responses-tools.js';
import { responsesToConverse } from '../../proxy/providers/bedrock/translate-responses.js';
import { blobsToWire } from '../../proxy/providers/bedrock/wire-json.js';
import { refusal } from '../upstreams/bedrock-rules.js';
import { STANDIN_THINKING } from '../upstreams/bedrock-rules-converse.js';
import { JsonBody } from '../../proxy/core/json-body.js';

const CLAUDE = 'anthropic.claude-sonnet-4-20250514-v1:0';
const MISTRAL = 'mistral.mistral-large-2407-v1:0';
const PNG = 'iVBORw0KGgo=';

/** Tools as Codex declares them: a function, the freeform apply_patch, an MCP namespace, and a hosted tool. */
export const CODEX_TOOLS = [
  { type: 'function', name: 'shell_command', description: 'Runs a shell command and returns its output.', strict: false,
    parameters: { type: 'object', properties: { command: { type: 'string' }, workdir: { type: 'string' } }, required: ['command'], additionalProperties: false } },
  { type: 'custom', name: 'apply_patch', description: 'Use the `apply_patch` tool to edit files.',
    format: { type: 'grammar', syntax: 'lark', definition: 'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF' } },
  { type: 'namespace', name: 'mcp__crm', description: 'Tools in the mcp__crm namespace.',
    tools: [{ type: 'function', name: 'lookup.customer', description: 'Look a customer up.', strict: false, parameters: { type: 'object', properties: { q: { type: 'string' } } } }] },
  { type: 'web_search' },
];

/** A Codex turn with store: false and the whole history, as codex-rs builds it. */
function codexRequest(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    model: 'claude-sonnet-4',
    instructions: 'You are Codex, a coding agent.',
    input: [
      { type: 'message', role: 'developer', content: [{ type: 'input_text', text: '<permissions instructions>sandbox: workspace-write</permissions instructions>' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: '<environment_context><cwd>/repo</cwd></environment_context>' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'list the files, then fix the README' }] },
      { type: 'reasoning', summary: [{ type: 'summary_text', text: '**Listing files**' }], content: null, encrypted_content: 'gAAAAABoForeignOpenAIBlob==' },
      { type: 'function_call', name: 'shell_command', arguments: '{"command":"ls","workdir":"/repo"}', call_id: 'call_abc123' },
      { type: 'function_call_output', call_id: 'call_abc123', output: 'README.md\nsrc\n' },
      { type: 'custom_tool_call', status: 'completed', call_id: 'call_patch.1', name: 'apply_patch', input: '*** Begin Patch\n*** Update File: README.md\n*** End Patch' },
      { type: 'custom_tool_call_output', call_id: 'call_patch.1', output: 'Success. Updated the following files:\nM README.md\n' },
      { type: 'function_call', name: 'lookup.customer', namespace: 'mcp__crm', arguments: '{"q":"acme"}', call_id: 'call_ns1' },
      { type: 'function_call_output', call_id: 'call_ns1', output: [{ type: 'input_text', text: 'found' }, { type: 'input_image', image_url: `data:image/png;base64,${PNG}` }] },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Done.' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'what is in this picture?' }, { type: 'input_image', image_url: `data:image/png;base64,${PNG}` }] },
    ],
    tools: CODEX_TOOLS,
    tool_choice: 'auto',
    parallel_tool_calls: false,
    reasoning: { effort: 'medium', summary: 'auto' },
    store: false,
    stream: true,
    include: ['reasoning.encrypted_content'],
    prompt_cache_key: '019a0000-0000-7000-8000-000000000000',
    ...extra,
  };
}

interface Translated {
  readonly input: ConverseCommandInput;
  readonly names: ToolNames;
  readonly adapt: Adaptations;
}

/** The request as the provider sends it: translated, fitted to the model, and checked by the strict stand-in. */
function translate(body: Record<string, unknown>, model = CLAUDE): Translated {
  const adapt = new Adaptations();
  const names = new ToolNames();
  const caps = modelCapabilities(model);
  const input = fitConverse(responsesToConverse(body, model, adapt, names), model, caps, [], adapt);
  // The provider answers a stream from one Converse call when the model takes tools only without streaming.
  const operation = input.toolConfig !== undefined && !caps.streamingToolUse ? 'converse' : 'converse-stream';
  const refused = refusal(operation, model, blobsToWire(input));
  assert.equal(refused?.message, undefined, 'the strict Bedrock stand-in accepts the translated request');
  return { input, names, adapt };
}

function refused(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof GatewayError && err.status === 400 && pattern.test(err.message));
}

const blocks = (input: ConverseCommandInput, i: number): ContentBlock[] => input.messages?.[i]?.content ?? [];

describe('Responses request → Converse', () => {
  test('instructions and developer items become the system prompt; user items merge into one turn', () => {
    const { input } = translate(codexRequest({ prompt_cache_key: undefined }));
    assert.deepEqual(input.system, [{ text: 'You are Codex, a coding agent.' }, { text: '<permissions instructions>sandbox: workspace-write</permissions instructions>' }]);
    assert.equal(input.messages?.[0].role, 'user');
    assert.deepEqual(blocks(input, 0).map((b) => b.text), ['<environment_context><cwd>/repo</cwd></environment_context>', 'list the files, then fix the README']);
    assert.deepEqual(input.messages?.map((m) => m.role), ['user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user']);
  });

  test('function calls and outputs pair by call_id as toolUse/toolResult; ids Bedrock refuses are rewritten on both sides', () => {
    const { input } = translate(codexRequest());
    assert.deepEqual(blocks(input, 1), [{ toolUse: { toolUseId: 'call_abc123', name: 'shell_command', input: { command: 'ls', workdir: '/repo' } } }]);
    assert.deepEqual(blocks(input, 2), [{ toolResult: { toolUseId: 'call_abc123', content: [{ text: 'README.md\nsrc\n' }] } }]);
    assert.equal(blocks(input, 3)[0].toolUse?.toolUseId, 'call_patch_1');
    assert.equal(blocks(input, 4)[0].toolResult?.toolUseId, 'call_patch_1');
  });

  test('a custom tool is a function of one string; its calls carry the freeform input under that parameter', () => {
    const { input } = translate(codexRequest());
    const spec = input.toolConfig?.tools?.find((t) => t.toolSpec?.name === 'apply_patch')?.toolSpec;
    assert.deepEqual(spec?.inputSchema?.json, { type: 'object', properties: { input: { type: 'string', description: 'The raw tool input, exactly as the tool reads it.' } }, required: ['input'] });
    assert.match(spec?.description ?? '', /lark grammar:\nstart: begin_patch/);
    assert.deepEqual(blocks(input, 3)[0].toolUse?.input, { input: '*** Begin Patch\n*** Update File: README.md\n*** End Patch' });
  });

  test('namespace tools are flattened under a name Bedrock accepts, the same for the declaration and the history', () => {
    const { input, names } = translate(codexRequest());
    const flat = bedrockToolName('lookup.customer', 'mcp__crm');
    assert.match(flat, /^[a-zA-Z0-9_-]{1,64}$/);
    assert.ok(input.toolConfig?.tools?.some((t) => t.toolSpec?.name === flat));
    assert.equal(blocks(input, 5)[0].toolUse?.name, flat);
    assert.deepEqual(names.client(flat), { name: 'lookup.customer', namespace: 'mcp__crm', kind: 'function' });
    assert.deepEqual(names.client('apply_patch'), { name: 'apply_patch', namespace: undefined, kind: 'custom' });
  });

  test('tools whose names clean up alike get distinct Bedrock names, each named back to its own tool', () => {
    const { input, names } = translate({ model: 'm', input: 'hi', tools: [
      { type: 'function', name: 'files.read', parameters: { type: 'object' } },
      { type: 'function', name: 'files_read', parameters: { type: 'object' } },
    ] });
    const sent = input.toolConfig?.tools?.map((t) => t.toolSpec?.name ?? '') ?? [];
    assert.equal(new Set(sent).size, 2);
    assert.deepEqual(sent.map((n) => names.client(n).name), ['files.read', 'files_read']);
  });

  test('an empty tool output is sent as a result that says so, not as blank text', () => {
    const { input } = translate({ model: 'm', input: [
      { role: 'user', content: 'touch a' },
      { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c1', output: '' },
    ] });
    assert.deepEqual(blocks(input, 2), [{ toolResult: { toolUseId: 'c1', content: [{ text: '(no output)' }] } }]);
  });

  test('tool output lists and input_image parts become text and image bytes', () => {
    const { input } = translate(codexRequest());
    const result = blocks(input, 6)[0].toolResult;
    assert.equal(result?.content?.[0].text, 'found');
    assert.deepEqual(Buffer.from(result?.content?.[1].image?.source?.bytes ?? []), Buffer.from(PNG, 'base64'));
    const last = blocks(input, 8);
    assert.equal(last[1].image?.format, 'png');
  });

  test('hosted tools and foreign reasoning are left out and said so; the encrypted blob never reaches Bedrock', () => {
    const { input, adapt } = translate(codexRequest());
    assert.equal(input.toolConfig?.tools?.length, 3);
    const said = adapt.messages().join('\n');
    assert.match(said, /web_search tool left out/);
    assert.match(said, /reasoning items not written by spendgate left out/);
    assert.doesNotMatch(JSON.stringify(blobsToWire(input)), /gAAAAAB/);
  });

  test('reasoning.effort medium is a thinking budget under a maxTokens that leaves room for it', () => {
    const { input } = translate(codexRequest());
    assert.deepEqual(input.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 10_000 } });
    assert.equal(input.inferenceConfig?.maxTokens, 64_000);
    const small = translate(codexRequest({ max_output_tokens: 5_000, reasoning: { effort: 'high' } })).input;
    assert.deepEqual(small.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 3_976 } });
    assert.equal(translate(codexRequest({ reasoning: { effort: 'minimal' } })).input.additionalModelRequestFields, undefined);
  });

  test('a JSON request keeps the maxTokens it picks for thinking at 21,333, above which Bedrock wants Claude streamed', () => {
    const { input } = translate(codexRequest({ stream: false, reasoning: { effort: 'high' } }));
    assert.equal(input.inferenceConfig?.maxTokens, 21_333);
    assert.deepEqual(input.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 20_309 } });
  });

  test('a model that thinks adaptively gets adaptive thinking, not a fixed budget', () => {
    const { input } = translate(codexRequest(), 'anthropic.claude-opus-4-7');
    assert.deepEqual(input.additionalModelRequestFields, { thinking: { type: 'adaptive' } });
    assert.equal(input.inferenceConfig?.maxTokens, 128_000);
  });

  test('thinking is turned off when the last tool call in the history has no thinking block spendgate can restore', () => {
    const body = codexRequest();
    const input = (body.input as unknown[]).slice(0, 6);
    const { input: sent, adapt } = translate({ ...body, input });
    assert.equal(sent.additionalModelRequestFields, undefined);
    assert.match(adapt.messages().join('\n'), /thinking off for this request/);
  });

  test("spendgate's own reasoning item comes back as the signed thinking block that leads the tool turn", () => {
    const body = codexRequest();
    const own = encodeReasoning({ reasoningText: { text: STANDIN_THINKING.text, signature: STANDIN_THINKING.signature } });
    const input = [...(body.input as Record<string, unknown>[]).slice(0, 3), { type: 'reasoning', summary: [], encrypted_content: own },
      ...(body.input as unknown[]).slice(4, 6)];
    const { input: sent } = translate({ ...body, input });
    assert.deepEqual(sent.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 10_000 } });
    assert.deepEqual(blocks(sent, 1)[0], { reasoningContent: { reasoningText: { text: STANDIN_THINKING.text, signature: STANDIN_THINKING.signature } } });
    assert.ok(blocks(sent, 1)[1].toolUse);
  });

  test('prompt_cache_key puts cache points after the system prompt and the last turn, only on models that cache', () => {
    const { input } = translate(codexRequest());
    const point = { cachePoint: { type: 'default' } };
    assert.deepEqual(input.system?.at(-1), point);
    assert.deepEqual(blocks(input, 8).at(-1), point);
    assert.equal(JSON.stringify(input).split('cachePoint').length - 1, 2, 'two of the four cache points Bedrock allows');
    assert.ok(!JSON.stringify(translate(codexRequest({ prompt_cache_key: undefined })).input).includes('cachePoint'));
    const mistral = translate(codexRequest(), MISTRAL);
    assert.ok(!JSON.stringify(mistral.input).includes('cachePoint'));
    assert.doesNotMatch(mistral.adapt.messages().join('\n'), /cache points left out/);
  });

  test('a forced tool choice is sent as auto while thinking, and as Converse any or tool otherwise', () => {
    const thinking = translate(codexRequest({ tool_choice: 'required' }));
    assert.equal(thinking.input.toolConfig?.toolChoice, undefined);
    const plain = translate(codexRequest({ tool_choice: { type: 'custom', name: 'apply_patch' }, reasoning: null }));
    assert.deepEqual(plain.input.toolConfig?.toolChoice, { tool: { name: 'apply_patch' } });
  });

  test('history with tool blocks keeps a toolConfig even with tool_choice none or no tools at all', () => {
    assert.ok(translate(codexRequest({ tool_choice: 'none', reasoning: null })).input.toolConfig);
    const { tools: _tools, ...noTools } = codexRequest({ reasoning: null });
    assert.ok(translate(noTools).input.toolConfig);
  });

  test('Mistral gets no thinking and text where images were; the strict stand-in accepts the result', () => {
    const { input, adapt } = translate(codexRequest(), MISTRAL);
    assert.equal(input.additionalModelRequestFields, undefined);
    assert.match(adapt.messages().join('\n'), /reasoning.effort left out/);
    assert.match(JSON.stringify(input.messages), /an image was here/);
  });

  test('a string input is one user turn; max_output_tokens, temperature and top_p map to inferenceConfig', () => {
    const { input } = translate({ model: 'm', input: 'Hello', max_output_tokens: 100, temperature: 0.2, top_p: 0.9 });
    assert.deepEqual(input.messages, [{ role: 'user', content: [{ text: 'Hello' }] }]);
    assert.deepEqual(input.inferenceConfig, { maxTokens: 100, temperature: 0.2, topP: 0.9 });
  });

  test("OpenAI's compaction items and web search records are left out and said so", () => {
    const { input, adapt } = translate({ model: 'm', input: [
      { type: 'compaction', encrypted_content: 'gAAAAABcompacted' },
      { type: 'web_search_call', id: 'ws_1', status: 'completed', action: { type: 'search', query: 'x' } },
      { role: 'user', content: 'go on' },
    ] });
    assert.deepEqual(input.messages, [{ role: 'user', content: [{ text: 'go on' }] }]);
    assert.match(adapt.messages().join('\n'), /compaction items from OpenAI left out[^]*hosted tool calls/);
  });

  test('a Bedrock provider config serves both Responses operations for OpenAI clients', () => {
    const target = { id: 'b', accountId: 'a', type: 'bedrock' as const, model: CLAUDE, weight: 1 };
    const request = (operation: 'responses' | 'responses_compact') => ({ protocol: 'openai' as const, operation, model: 'm', stream: false, body: JsonBody.EMPTY, headers: {}, query: '' });
    const provider = new BedrockProvider({ env: {} });
    assert.equal(provider.unsupported(request('responses'), target), null);
    assert.equal(provider.unsupported(request('responses_compact'), target), null);
  });

  test('previous_response_id, item references, URL images and unknown items are refused with a 400 naming them', () => {
    const adapt = new Adaptations();
    const names = new ToolNames();
    refused(() => responsesToConverse({ model: 'm', input: 'hi', previous_response_id: 'resp_123' }, CLAUDE, adapt, names), /previous_response_id .*keeps no response state/);
    refused(() => responsesToConverse({ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }, CLAUDE, adapt, names), /item_reference/);
    refused(() => responsesToConverse({ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'https://x.test/a.png' }] }] }, CLAUDE, adapt, names), /given by URL/);
    refused(() => responsesToConverse({ model: 'm', input: [{ type: 'local_shell_call', call_id: 'c' }] }, CLAUDE, adapt, names), /local_shell_call/);
    refused(() => responsesToConverse({ model: 'm', input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: '{oops' }] }, CLAUDE, adapt, names), /not valid JSON/);
  });
});
