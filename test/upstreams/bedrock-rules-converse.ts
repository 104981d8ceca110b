// How Bedrock refuses a Converse / ConverseStream body (REST JSON) for a model: conversation shape, tool plumbing,
// and the content a model cannot take, in the service's own words.
import type { ConverseTraits } from './bedrock-models.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

// Wordings as Bedrock returns them (collected from public error reports; see each use).
const START_WITH_USER = 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
const ALTERNATE = 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
const TOOL_CONFIG_REQUIRED = 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
const NO_STREAMING_TOOLS = "This model doesn't support tool use in streaming mode.";
const TOOL_USE_ID = /^[a-zA-Z0-9_-]+$/;
/** Tool names: AWS ToolSpecification and ToolUseBlock `name`, pattern ^[a-zA-Z0-9_-]{1,64}$. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MODEL_PREFIX = 'The model returned the following errors: ';

/** The signature the loopback Bedrock signs its thinking with; Claude refuses a thinking block signed otherwise. */
export const STANDIN_THINKING = { text: 'Thinking it over.', signature: 'c2lnbmF0dXJlLWJlZHJvY2stdGVzdA==' } as const;

/** "This model doesn't support the toolConfig.toolChoice.any field. Remove toolConfig.toolChoice.any and try again." */
const unsupportedField = (field: string): string => `This model doesn't support the ${field} field. Remove ${field} and try again.`;
/** "This model doesn't support the image content block that you provided. Update the content block and try again." */
const unsupportedBlock = (kind: string): string => `This model doesn't support the ${kind} content block that you provided. Update the content block and try again.`;

function roleError(messages: readonly Json[]): string | undefined {
  if (messages.length > 0 && messages[0].role !== 'user') return START_WITH_USER;
  for (let i = 1; i < messages.length; i++) if (messages[i].role === messages[i - 1].role) return ALTERNATE;
  return undefined;
}

/** Smithy's field validation: 1-based `member` paths, all violations counted in one message. */
function fieldError(body: Json, messages: readonly Json[]): string | undefined {
  const violations: string[] = [];
  messages.forEach((message, i) => {
    objects(message.content).forEach((block, j) => {
      for (const kind of ['toolUse', 'toolResult'] as const) {
        const inner = block[kind];
        if (!isObject(inner) || typeof inner.toolUseId !== 'string') continue;
        // "Value at 'messages.10.member.content.1.member.toolUse.name' failed to satisfy constraint: Member must
        // satisfy regular expression pattern: [a-zA-Z0-9_-]+" (Bedrock, verbatim); ids are limited to 64 characters.
        const at = `Value at 'messages.${i + 1}.member.content.${j + 1}.member.${kind}.toolUseId' failed to satisfy constraint: `;
        if (!TOOL_USE_ID.test(inner.toolUseId)) violations.push(`${at}Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+`);
        if (inner.toolUseId.length > 64) violations.push(`${at}Member must have length less than or equal to 64`);
      }
    });
  });
  const tools = isObject(body.toolConfig) ? objects(body.toolConfig.tools) : [];
  tools.forEach((tool, i) => {
    const name = isObject(tool.toolSpec) ? tool.toolSpec.name : undefined;
    // Smithy's pattern refusal, as for toolUse.name ("Value at 'messages.10.member.content.1.member.toolUse.name'
    // failed to satisfy constraint: …", Bedrock, verbatim), at the tool spec's own path.
    if (typeof name === 'string' && !TOOL_NAME.test(name)) {
      violations.push(`Value at 'toolConfig.tools.${i + 1}.member.toolSpec.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+`);
    }
  });
  messages.forEach((message, i) => {
    objects(message.content).forEach((block, j) => {
      const name = isObject(block.toolUse) ? block.toolUse.name : undefined;
      if (typeof name === 'string' && !TOOL_NAME.test(name)) {
        violations.push(`Value at 'messages.${i + 1}.member.content.${j + 1}.member.toolUse.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+`);
      }
    });
  });
  if (violations.length === 0) return undefined;
  return `${violations.length} validation error${violations.length > 1 ? 's' : ''} detected: ${violations.join('; ')}`;
}

/** The first piece of content the model cannot take, searched through messages, tool results and system blocks. */
function contentError(body: Json, model: ConverseTraits): string | undefined {
  const blocks: Json[] = [...objects(body.system), ...objects(isObject(body.toolConfig) ? body.toolConfig.tools : undefined)];
  for (const message of objects(body.messages)) {
    for (const block of objects(message.content)) {
      blocks.push(block);
      if (isObject(block.toolResult)) {
        // Only Claude and Nova take `status`: AWS ToolResultBlock reference; Bedrock's refusal for another model
        // is "This model doesn't support the status field. Remove status and try again." (strands-agents issue 393).
        if ('status' in block.toolResult && !model.toolResultStatus) return unsupportedField('status');
        blocks.push(...objects(block.toolResult.content));
      }
    }
  }
  for (const block of blocks) {
    if ('image' in block && !model.images) return unsupportedBlock('image');
    if ('document' in block && !model.documents) return unsupportedBlock('document');
    // "This model doesn't support the cachePoint field. Remove cachePoint and try again." (reported for Kimi).
    if ('cachePoint' in block && !model.cachePoint) return unsupportedField('cachePoint');
    // Same family of wording as Bedrock's "doesn't support the reasoningContent.reasoningText.signature field".
    if ('reasoningContent' in block && !model.reasoning) return unsupportedField('reasoningContent');
  }
  return undefined;
}

function toolChoiceError(toolConfig: Json, model: ConverseTraits): string | undefined {
  const choice = toolConfig.toolChoice;
  if (!isObject(choice)) return undefined;
  // `any` is for Claude, Mistral Large and Nova; `tool` only for Claude and Nova (AWS ToolChoice reference).
  if ('any' in choice && !model.toolChoiceAny) return unsupportedField('toolConfig.toolChoice.any');
  if ('tool' in choice && !model.toolChoiceTool) return unsupportedField('toolConfig.toolChoice.tool');
  return undefined;
}

function additionalFieldsError(body: Json, model: ConverseTraits): string | undefined {
  const fields = body.additionalModelRequestFields;
  if (model.additionalFields === undefined || !isObject(fields)) return undefined;
  // The fields join the model's native body, whose schema refuses strangers the InvokeModel way.
  const extra = Object.keys(fields).filter((k) => !model.additionalFields?.has(k));
  if (extra.length === 0) return undefined;
  return `Malformed input request: ${extra.map((k) => `#: extraneous key [${k}] is not permitted`).join('')}, please reformat your input and try again.`;
}

/**
 * Claude's own checks of extended thinking, which Converse passes through from `additionalModelRequestFields`:
 * the budget (the InvokeModel wording), no forced tool use, a genuine signature on every thinking block, and a
 * thinking block leading the last assistant turn of a tool loop (Anthropic's extended-thinking documentation).
 */
function thinkingError(body: Json, messages: readonly Json[], model: ConverseTraits): string | undefined {
  const fields = isObject(body.additionalModelRequestFields) ? body.additionalModelRequestFields : undefined;
  const thinking = fields !== undefined && isObject(fields.thinking) ? fields.thinking : undefined;
  if (!model.reasoning || thinking?.type !== 'enabled') return undefined;
  const budget = thinking.budget_tokens;
  if (typeof budget !== 'number' || budget < 1024) return `${MODEL_PREFIX}thinking.enabled.budget_tokens: Input should be greater than or equal to 1024`;
  const maxTokens = isObject(body.inferenceConfig) ? body.inferenceConfig.maxTokens : undefined;
  if (typeof maxTokens === 'number' && budget >= maxTokens) return `${MODEL_PREFIX}\`max_tokens\` must be greater than \`thinking.budget_tokens\`.`;
  const choice = isObject(body.toolConfig) && isObject(body.toolConfig.toolChoice) ? body.toolConfig.toolChoice : undefined;
  if (choice !== undefined && ('any' in choice || 'tool' in choice)) return `${MODEL_PREFIX}Thinking may not be enabled when tool_choice forces tool use.`;
  for (const [i, message] of messages.entries()) {
    for (const [j, block] of objects(message.content).entries()) {
      const text = isObject(block.reasoningContent) && isObject(block.reasoningContent.reasoningText) ? block.reasoningContent.reasoningText : undefined;
      if (text !== undefined && text.signature !== STANDIN_THINKING.signature) return `${MODEL_PREFIX}messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
    }
  }
  const lastAssistant = messages.map((m, i) => ({ m, i })).filter(({ m }) => m.role === 'assistant').at(-1);
  if (lastAssistant === undefined) return undefined;
  const content = objects(lastAssistant.m.content);
  if (!content.some((b) => 'toolUse' in b) || 'reasoningContent' in (content[0] ?? {})) return undefined;
  const found = 'toolUse' in (content[0] ?? {}) ? 'tool_use' : 'text';
  return `${MODEL_PREFIX}messages.${lastAssistant.i}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${found}\`. `
    + 'When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). '
    + 'We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. '
    + 'Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking';
}

function hasToolBlocks(messages: readonly Json[]): boolean {
  return messages.some((m) => objects(m.content).some((b) => 'toolUse' in b || 'toolResult' in b));
}

/** The first refusal Bedrock gives this Converse body for the model, or undefined when it would answer. */
export function converseRefusal(streaming: boolean, body: unknown, model: ConverseTraits): string | undefined {
  if (!isObject(body)) return 'Malformed input request, please reformat your input and try again.';
  const messages = objects(body.messages);
  const maxTokens = isObject(body.inferenceConfig) ? body.inferenceConfig.maxTokens : undefined;
  // "The maximum tokens you requested exceeds the model limit of 4096. Try again with a maximum tokens value that is
  // lower than 4096." (sigoden/aichat PR 813; the same sentence is reported for Nova Pro's 10000).
  if (typeof maxTokens === 'number' && maxTokens > model.maxOutputTokens) {
    return `The maximum tokens you requested exceeds the model limit of ${model.maxOutputTokens}. Try again with a maximum tokens value that is lower than ${model.maxOutputTokens}.`;
  }
  const toolConfig = isObject(body.toolConfig) ? body.toolConfig : undefined;
  return roleError(messages)
    ?? (toolConfig === undefined && hasToolBlocks(messages) ? TOOL_CONFIG_REQUIRED : undefined)
    ?? fieldError(body, messages)
    ?? (streaming && toolConfig !== undefined && !model.streamingToolUse ? NO_STREAMING_TOOLS : undefined)
    ?? (toolConfig === undefined ? undefined : toolChoiceError(toolConfig, model))
    ?? contentError(body, model)
    ?? additionalFieldsError(body, model)
    ?? thinkingError(body, messages, model);
}
