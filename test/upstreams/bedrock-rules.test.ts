// The loopback Bedrock refuses what real Bedrock refuses, in its words: one row per rule, and a well-formed body
// per model that passes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { refusal, type BedrockOperation } from './bedrock-rules.js';
import { baseModelId } from './bedrock-models.js';
import { STANDIN_THINKING } from './bedrock-rules-converse.js';

const SONNET_4 = 'anthropic.claude-sonnet-4-20250514-v1:0';
const SONNET_45 = 'anthropic.claude-sonnet-4-5-20250929-v1:0';
const HAIKU_45 = 'anthropic.claude-haiku-4-5-20251001-v1:0';
const OPUS_45 = 'anthropic.claude-opus-4-5-20251101-v1:0';
const MISTRAL = 'mistral.mistral-large-2407-v1:0';
const NOVA_PRO = 'amazon.nova-pro-v1:0';
const NOVA_MICRO = 'amazon.nova-micro-v1:0';
const MODEL = 'The model returned the following errors: ';
const EXTRA = ': Extra inputs are not permitted';

type Body = Record<string, unknown>;
const user = (content: unknown): Body => ({ role: 'user', content });
const claude = (extra: Body = {}): Body => ({
  anthropic_version: 'bedrock-2023-05-31', max_tokens: 1024, messages: [user([{ type: 'text', text: 'hi' }])], ...extra,
});
const converse = (extra: Body = {}): Body => ({ messages: [user([{ text: 'hi' }])], inferenceConfig: { maxTokens: 512 }, ...extra });
const toolConfig = { tools: [{ toolSpec: { name: 'get_time', inputSchema: { json: { type: 'object' } } } }] };
const thinkingOn = { thinking: { type: 'enabled', budget_tokens: 2048 } };
const toolTurns = (id: string, result: Body = {}): Body[] => [
  user([{ text: 'time?' }]),
  { role: 'assistant', content: [{ toolUse: { toolUseId: id, name: 'get_time', input: {} } }] },
  user([{ toolResult: { toolUseId: id, content: [{ text: 'noon' }], ...result } }]),
];

interface Row {
  readonly rule: string;
  readonly operation: BedrockOperation;
  readonly model: string;
  readonly body: unknown;
  readonly message: string;
}

const ROWS: readonly Row[] = [
  // Claude on InvokeModel: Bedrock's schema.
  { rule: 'anthropic_version is required', operation: 'invoke', model: SONNET_4, body: { max_tokens: 10, messages: [user('hi')] },
    message: 'Malformed input request: #: required key [anthropic_version] not found, please reformat your input and try again.' },
  { rule: 'anthropic_version must be bedrock-2023-05-31', operation: 'invoke', model: SONNET_4, body: claude({ anthropic_version: '2023-06-01' }),
    message: 'Malformed input request: #/anthropic_version: 2023-06-01 is not a valid enum value, please reformat your input and try again.' },
  { rule: 'model belongs in the URL', operation: 'invoke', model: SONNET_4, body: claude({ model: 'claude-sonnet-4-20250514' }),
    message: 'Malformed input request: #: extraneous key [model] is not permitted, please reformat your input and try again.' },
  { rule: 'stream belongs in the URL', operation: 'invoke-with-response-stream', model: SONNET_4, body: claude({ stream: true }),
    message: 'Malformed input request: #: extraneous key [stream] is not permitted, please reformat your input and try again.' },
  { rule: 'every extraneous key is reported at once', operation: 'invoke', model: SONNET_4, body: claude({ model: 'x', stream: true }),
    message: 'Malformed input request: #: extraneous key [model] is not permitted#: extraneous key [stream] is not permitted, please reformat your input and try again.' },
  { rule: 'context_management without its beta', operation: 'invoke', model: SONNET_45, body: claude({ context_management: { edits: [] } }),
    message: 'Malformed input request: #: extraneous key [context_management] is not permitted, please reformat your input and try again.' },
  // Betas.
  { rule: 'a first-party-only beta', operation: 'invoke', model: SONNET_4, body: claude({ anthropic_beta: ['claude-code-20250219'] }), message: 'invalid beta flag' },
  { rule: 'context management on Sonnet 4', operation: 'invoke', model: SONNET_4,
    body: claude({ anthropic_beta: ['context-management-2025-06-27'], context_management: { edits: [] } }), message: 'invalid beta flag' },
  { rule: 'effort on a model without effort', operation: 'invoke', model: SONNET_45, body: claude({ anthropic_beta: ['effort-2025-11-24'] }), message: 'invalid beta flag' },
  { rule: 'tool search on Haiku 4.5', operation: 'invoke', model: HAIKU_45, body: claude({ anthropic_beta: ['tool-search-tool-2025-10-19'] }), message: 'invalid beta flag' },
  // The model's own validator.
  { rule: 'max_tokens above the model maximum', operation: 'invoke', model: SONNET_4, body: claude({ max_tokens: 128000 }),
    message: `${MODEL}max_tokens: 128000 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-20250514` },
  { rule: 'adaptive thinking on a model without it', operation: 'invoke', model: SONNET_4, body: claude({ max_tokens: 32000, thinking: { type: 'adaptive' } }),
    message: `${MODEL}thinking: Input tag 'adaptive' found using 'type' does not match any of the expected tags: 'enabled', 'disabled'` },
  { rule: 'thinking display on a model without it', operation: 'invoke', model: SONNET_4,
    body: claude({ max_tokens: 32000, thinking: { type: 'enabled', budget_tokens: 31999, display: 'summarized' } }), message: `${MODEL}thinking.enabled.display${EXTRA}` },
  { rule: 'thinking budget below 1024', operation: 'invoke', model: SONNET_4, body: claude({ thinking: { type: 'enabled', budget_tokens: 512 } }),
    message: `${MODEL}thinking.enabled.budget_tokens: Input should be greater than or equal to 1024` },
  { rule: 'thinking budget not below max_tokens', operation: 'invoke', model: SONNET_4, body: claude({ max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 2000 } }),
    message: `${MODEL}\`max_tokens\` must be greater than \`thinking.budget_tokens\`.` },
  { rule: 'output_config.effort without effort', operation: 'invoke', model: SONNET_4, body: claude({ output_config: { effort: 'high' } }), message: `${MODEL}output_config.effort${EXTRA}` },
  { rule: 'defer_loading without tool search', operation: 'invoke', model: SONNET_4,
    body: claude({ tools: [{ name: 'a', input_schema: { type: 'object' } }, { name: 'b', input_schema: { type: 'object' }, defer_loading: true }] }),
    message: `${MODEL}tools.1.custom.defer_loading${EXTRA}` },
  { rule: 'tool_reference without tool search', operation: 'invoke', model: SONNET_4,
    body: claude({ messages: [user('find'), { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'ToolSearch', input: {} }] },
      user([{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'tool_reference', tool_name: 'b' }] }])] }),
    message: `${MODEL}messages.2.content.0.tool_result.content.0: Input tag 'tool_reference' found using 'type' does not match any of the expected tags: 'document', 'image', 'search_result', 'text'` },
  { rule: 'tool_reference naming a tool the request lacks', operation: 'invoke', model: SONNET_4,
    body: claude({ anthropic_beta: ['tool-search-tool-2025-10-19'], tools: [{ name: 'a', input_schema: { type: 'object' } }],
      messages: [user('find'), { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'a', input: {} }] },
        user([{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'tool_reference', tool_name: 'missing' }] }])] }),
    message: `${MODEL}Tool reference not found in available tools` },
  { rule: 'cache_control.scope in a message', operation: 'invoke', model: SONNET_45,
    body: claude({ messages: [user('a'), { role: 'assistant', content: 'b' }, user('c'), user([{ type: 'text', text: 'd', cache_control: { type: 'ephemeral', scope: 'global' } }])] }),
    message: `${MODEL}messages.3.content.0.text.cache_control.scope${EXTRA}` },
  { rule: 'cache_control.scope in the system prompt', operation: 'invoke', model: SONNET_4,
    body: claude({ system: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b', cache_control: { type: 'ephemeral', scope: 'global' } }] }),
    message: `${MODEL}system.1.cache_control.scope${EXTRA}` },
  { rule: 'cache_control.ttl on a model without it', operation: 'invoke', model: SONNET_4,
    body: claude({ system: [{ type: 'text', text: 'a', cache_control: { type: 'ephemeral', ttl: '1h' } }] }), message: `${MODEL}system.0.cache_control.ttl${EXTRA}` },
  { rule: 'per-message output_config', operation: 'invoke', model: OPUS_45,
    body: claude({ messages: [{ ...user('hi'), output_config: { effort: 'low' } }] }), message: `${MODEL}messages.0.output_config${EXTRA}` },
  { rule: 'metadata takes only user_id', operation: 'invoke', model: SONNET_4, body: claude({ metadata: { user_id: 'u', session: 's' } }), message: `${MODEL}metadata.session${EXTRA}` },
  { rule: 'a system-role message', operation: 'invoke', model: SONNET_4, body: claude({ messages: [user('hi'), { role: 'system', content: 'be brief' }, user('again')] }),
    message: 'Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.' },
  // Converse.
  { rule: 'maxTokens above the model limit', operation: 'converse', model: MISTRAL, body: converse({ inferenceConfig: { maxTokens: 32000 } }),
    message: 'The maximum tokens you requested exceeds the model limit of 8192. Try again with a maximum tokens value that is lower than 8192.' },
  { rule: 'a conversation that starts with the assistant', operation: 'converse', model: MISTRAL, body: converse({ messages: [{ role: 'assistant', content: [{ text: 'hello' }] }, user([{ text: 'hi' }])] }),
    message: 'A conversation must start with a user message. Try again with a conversation that starts with a user message.' },
  { rule: 'two user turns in a row', operation: 'converse-stream', model: NOVA_PRO, body: converse({ messages: [user([{ text: 'a' }]), user([{ text: 'b' }])] }),
    message: 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.' },
  { rule: 'tool blocks without toolConfig', operation: 'converse', model: MISTRAL, body: converse({ messages: toolTurns('call_1') }),
    message: 'The toolConfig field must be defined when using toolUse and toolResult content blocks.' },
  { rule: 'a toolUseId outside [a-zA-Z0-9_-]', operation: 'converse', model: NOVA_PRO, body: converse({ toolConfig, messages: toolTurns('call.1') }),
    message: "2 validation errors detected: Value at 'messages.2.member.content.1.member.toolUse.toolUseId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+; " +
      "Value at 'messages.3.member.content.1.member.toolResult.toolUseId' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+" },
  { rule: 'streaming tool use on Mistral Large 2407', operation: 'converse-stream', model: MISTRAL, body: converse({ toolConfig }),
    message: "This model doesn't support tool use in streaming mode." },
  { rule: 'toolChoice.tool on Mistral Large 2407', operation: 'converse', model: MISTRAL, body: converse({ toolConfig: { ...toolConfig, toolChoice: { tool: { name: 'get_time' } } } }),
    message: "This model doesn't support the toolConfig.toolChoice.tool field. Remove toolConfig.toolChoice.tool and try again." },
  { rule: 'toolResult.status on Mistral', operation: 'converse', model: MISTRAL, body: converse({ toolConfig, messages: toolTurns('call_1', { status: 'error' }) }),
    message: "This model doesn't support the status field. Remove status and try again." },
  { rule: 'an image on a text-only model', operation: 'converse', model: MISTRAL,
    body: converse({ messages: [user([{ text: 'look' }, { image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } } }])] }),
    message: "This model doesn't support the image content block that you provided. Update the content block and try again." },
  { rule: 'a document on Nova Micro', operation: 'converse', model: NOVA_MICRO,
    body: converse({ messages: [user([{ text: 'read' }, { document: { format: 'pdf', name: 'doc', source: { bytes: 'JVBERi0=' } } }])] }),
    message: "This model doesn't support the document content block that you provided. Update the content block and try again." },
  { rule: 'an image inside a tool result', operation: 'converse', model: MISTRAL,
    body: converse({ toolConfig, messages: toolTurns('call_1').map((m, i) => (i === 2 ? user([{ toolResult: { toolUseId: 'call_1', content: [{ image: { format: 'png', source: { bytes: 'x' } } }] } }]) : m)) }),
    message: "This model doesn't support the image content block that you provided. Update the content block and try again." },
  { rule: 'reasoning in the history of a model without reasoning', operation: 'converse', model: MISTRAL,
    body: converse({ messages: [user([{ text: 'a' }]), { role: 'assistant', content: [{ reasoningContent: { reasoningText: { text: 'hm', signature: 's' } } }, { text: 'b' }] }, user([{ text: 'c' }])] }),
    message: "This model doesn't support the reasoningContent field. Remove reasoningContent and try again." },
  { rule: 'a cache point on a model without prompt caching', operation: 'converse', model: MISTRAL, body: converse({ system: [{ text: 'rules' }, { cachePoint: { type: 'default' } }] }),
    message: "This model doesn't support the cachePoint field. Remove cachePoint and try again." },
  { rule: 'a tool name outside [a-zA-Z0-9_-]', operation: 'converse', model: NOVA_PRO,
    body: converse({ toolConfig: { tools: [{ toolSpec: { name: 'crm.lookup', inputSchema: { json: { type: 'object' } } } }] } }),
    message: "1 validation error detected: Value at 'toolConfig.tools.1.member.toolSpec.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+" },
  { rule: 'thinking with a last tool turn that does not start with thinking', operation: 'converse', model: SONNET_4,
    body: converse({ toolConfig, messages: toolTurns('call_1'), inferenceConfig: { maxTokens: 4096 }, additionalModelRequestFields: thinkingOn }),
    message: `${MODEL}messages.1.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`tool_use\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking` },
  { rule: 'thinking with a thinking block signed elsewhere', operation: 'converse-stream', model: SONNET_4,
    body: converse({ inferenceConfig: { maxTokens: 4096 }, additionalModelRequestFields: thinkingOn,
      messages: [user([{ text: 'a' }]), { role: 'assistant', content: [{ reasoningContent: { reasoningText: { text: 'hm', signature: 'forged' } } }, { text: 'b' }] }, user([{ text: 'c' }])] }),
    message: `${MODEL}messages.1.content.0: Invalid \`signature\` in \`thinking\` block` },
  { rule: 'thinking with a forced tool choice', operation: 'converse', model: SONNET_4,
    body: converse({ toolConfig: { ...toolConfig, toolChoice: { any: {} } }, inferenceConfig: { maxTokens: 4096 }, additionalModelRequestFields: thinkingOn }),
    message: `${MODEL}Thinking may not be enabled when tool_choice forces tool use.` },
  { rule: 'a Claude-only additional field on Mistral', operation: 'converse', model: MISTRAL, body: converse({ additionalModelRequestFields: { thinking: { type: 'enabled', budget_tokens: 1024 } } }),
    message: 'Malformed input request: #: extraneous key [thinking] is not permitted, please reformat your input and try again.' },
];

describe('the loopback Bedrock refuses what Bedrock refuses', () => {
  for (const row of ROWS) {
    test(`${row.rule} (${row.operation}, ${row.model})`, () => {
      assert.deepEqual(refusal(row.operation, row.model, row.body), { status: 400, type: 'ValidationException', message: row.message });
    });
  }
});

describe('well-formed bodies pass', () => {
  const claudeCodeOnSonnet4 = claude({
    // What Claude Code itself sends to Bedrock for Sonnet 4 (research file).
    anthropic_beta: ['interleaved-thinking-2025-05-14', 'tool-search-tool-2025-10-19'], max_tokens: 32000,
    thinking: { type: 'enabled', budget_tokens: 31999 }, metadata: { user_id: 'user_1' },
    system: [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }],
    tools: [{ name: 'Read', input_schema: { type: 'object' } }, { name: 'mcp__x', input_schema: { type: 'object' }, defer_loading: true }],
    messages: [user('hi'), { role: 'assistant', content: [{ type: 'thinking', thinking: 'x', signature: 's' }, { type: 'tool_use', id: 'toolu_1', name: 'ToolSearch', input: {} }] },
      user([{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'tool_reference', tool_name: 'mcp__x' }] }]), user('consecutive user turns are merged, not refused')],
  });
  const cases: readonly [string, BedrockOperation, string, Body][] = [
    ['Claude Code on Sonnet 4', 'invoke-with-response-stream', SONNET_4, claudeCodeOnSonnet4],
    ['context management on Sonnet 4.5', 'invoke', SONNET_45, claude({ anthropic_beta: ['context-management-2025-06-27'], context_management: { edits: [] }, max_tokens: 64000 })],
    ['a 1-hour cache on Haiku 4.5', 'invoke', HAIKU_45, claude({ system: [{ type: 'text', text: 'a', cache_control: { type: 'ephemeral', ttl: '1h' } }] })],
    ['effort and tool search on Opus 4.5', 'invoke', OPUS_45, claude({ anthropic_beta: ['effort-2025-11-24', 'tool-search-tool-2025-10-19'], output_config: { effort: 'medium' } })],
    ['Claude on Converse with everything', 'converse-stream', SONNET_4, converse({ toolConfig: { ...toolConfig, toolChoice: { any: {} } }, system: [{ text: 'r' }, { cachePoint: { type: 'default' } }],
      messages: toolTurns('tooluse_abc-1', { status: 'success' }), inferenceConfig: { maxTokens: 64000 } })],
    ['Mistral Large 2407 with tools, not streaming', 'converse', MISTRAL, converse({ toolConfig: { ...toolConfig, toolChoice: { any: {} } }, messages: toolTurns('call_1'), inferenceConfig: { maxTokens: 8192 } })],
    ['Mistral Large 2407 streaming text', 'converse-stream', MISTRAL, converse()],
    ['Claude thinking on Converse across a tool turn it signed', 'converse-stream', SONNET_4, converse({ toolConfig, inferenceConfig: { maxTokens: 4096 },
      additionalModelRequestFields: thinkingOn, messages: toolTurns('call_1').map((m, i) => (i === 1 ? { ...m, content: [
        { reasoningContent: { reasoningText: STANDIN_THINKING } }, ...(m.content as Body[])] } : m)) })],
    ['Nova Pro with an image, a status and a cache point', 'converse-stream', NOVA_PRO, converse({ toolConfig,
      messages: [user([{ text: 'look' }, { image: { format: 'png', source: { bytes: 'x' } } }, { cachePoint: { type: 'default' } }]), ...toolTurns('call_1', { status: 'error' }).slice(1)] })],
  ];
  for (const [name, operation, model, body] of cases) {
    test(name, () => assert.equal(refusal(operation, model, body), null));
  }

  test('an unknown model, or a non-Claude InvokeModel body, is not validated', () => {
    assert.equal(refusal('invoke', 'meta.llama3-3-70b-instruct-v1:0', { anything: true }), null);
    assert.equal(refusal('invoke', MISTRAL, { messages: [], stream: true }), null);
  });
});

describe('model ids', () => {
  test('a profile prefix or an ARN is matched on its base id', () => {
    assert.equal(baseModelId(`us.${SONNET_4}`), SONNET_4);
    assert.equal(baseModelId(`global.${SONNET_45}`), SONNET_45);
    assert.equal(baseModelId(`arn:aws:bedrock:us-east-1:123456789012:inference-profile/eu.${HAIKU_45}`), HAIKU_45);
    assert.equal(baseModelId(`arn:aws:bedrock:us-east-1::foundation-model/${MISTRAL}`), MISTRAL);
    assert.equal(refusal('invoke', `arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.${SONNET_4}`, claude({ max_tokens: 128000 }))?.message,
      `${MODEL}max_tokens: 128000 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-20250514`);
  });
});
