// A translated Converse request → one the target model accepts: content it cannot read as short text, blocks it does
// not take removed, turns merged so the conversation starts with the user and alternates, maxTokens capped.
// Pure: the input is never mutated.
import type {
  ContentBlock,
  ConverseCommandInput,
  Message,
  Tool,
  ToolResultContentBlock,
} from '@aws-sdk/client-bedrock-runtime';
import type { Adaptations } from './adaptations.js';
import type { ModelCapabilities } from './capabilities.js';
import { isClaudeModel } from './models.js';
import { toolSpec } from './converse-parts.js';
import { withoutPath, type Adjustment } from './healing.js';

/** Converse tool-use ids: letters, digits, `_` and `-`, at most 64 characters. */
const TOOL_USE_ID = /^[a-zA-Z0-9_-]{1,64}$/;

interface Fit {
  readonly caps: ModelCapabilities;
  readonly model: string;
  readonly adapt: Adaptations;
}

/** A tool-use id Converse accepts; the same input always gives the same id, so a call and its result still pair. */
export function converseToolUseId(id: string): string {
  if (TOOL_USE_ID.test(id)) return id;
  const cleaned = id.replace(/[^a-zA-Z0-9_-]/g, '_');
  if (cleaned.length <= 64 && cleaned.length > 0) return cleaned;
  let hash = 0;
  for (const ch of id) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) >>> 0;
  return `${cleaned.slice(0, 55)}_${hash.toString(16).padStart(8, '0')}`;
}

function placeholder(what: 'image' | 'document', fit: Fit): { text: string } {
  const plural = what === 'image' ? 'images' : 'documents';
  fit.adapt.add(what, `${plural} sent as a short note: ${fit.model} does not read ${plural}`);
  return { text: `[${what === 'image' ? 'an image' : 'a document'} was here; ${fit.model} cannot read ${plural}]` };
}

function fitToolResultContent(block: ToolResultContentBlock, fit: Fit): ToolResultContentBlock {
  if (block.image !== undefined && !fit.caps.vision) return placeholder('image', fit);
  if (block.document !== undefined && !fit.caps.documents) return placeholder('document', fit);
  return block;
}

/** The block as the model takes it, or undefined to leave it out. */
function fitBlock(block: ContentBlock, fit: Fit): ContentBlock | undefined {
  if (block.image !== undefined && !fit.caps.vision) return placeholder('image', fit);
  if (block.document !== undefined && !fit.caps.documents) return placeholder('document', fit);
  if (block.reasoningContent !== undefined && !fit.caps.reasoning) {
    fit.adapt.add('reasoning', `thinking blocks in the history left out: ${fit.model} has no reasoning content`);
    return undefined;
  }
  if (block.cachePoint !== undefined && !fit.caps.promptCaching) {
    fit.adapt.add('cache_point', `cache points left out: ${fit.model} has no prompt caching`);
    return undefined;
  }
  if (block.text !== undefined && block.text.trim() === '') return undefined;
  if (block.toolUse !== undefined) {
    const id = converseToolUseId(block.toolUse.toolUseId ?? '');
    return id === block.toolUse.toolUseId ? block : { toolUse: { ...block.toolUse, toolUseId: id } };
  }
  if (block.toolResult !== undefined) {
    const { status, ...rest } = block.toolResult;
    if (status !== undefined && !fit.caps.toolResultStatus) {
      fit.adapt.add('tool_result_status', `toolResult.status left out: ${fit.model} does not take it`);
    }
    const content = (rest.content ?? []).map((c) => fitToolResultContent(c, fit));
    return {
      toolResult: {
        ...rest,
        toolUseId: converseToolUseId(rest.toolUseId ?? ''),
        content: content.length > 0 ? content : [{ text: '(no output)' }],
        ...(status !== undefined && fit.caps.toolResultStatus ? { status } : {}),
      },
    };
  }
  return block;
}

/** Same-role neighbours merged, empty turns dropped, and a first user turn when the history starts with the assistant. */
function alternate(messages: readonly Message[], fit: Fit): Message[] {
  const out: Message[] = [];
  for (const m of messages) {
    const content = m.content ?? [];
    if (content.length === 0) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.role === m.role) {
      fit.adapt.add('merge_turns', 'consecutive turns of the same role merged: Converse needs user and assistant to alternate');
      out[out.length - 1] = { role: m.role, content: [...(last.content ?? []), ...content] };
    } else out.push({ role: m.role, content });
  }
  if (out.length > 0 && out[0].role === 'assistant') {
    fit.adapt.add('leading_assistant', 'a user turn added before the first assistant turn: Converse conversations start with the user');
    out.unshift({ role: 'user', content: [{ text: '(continued)' }] });
  }
  return out;
}

function toolBlocksIn(messages: readonly Message[]): { names: Set<string>; any: boolean } {
  const names = new Set<string>();
  let any = false;
  for (const m of messages) {
    for (const b of m.content ?? []) {
      if (b.toolUse !== undefined) names.add(b.toolUse.name ?? 'tool');
      if (b.toolUse !== undefined || b.toolResult !== undefined) any = true;
    }
  }
  return { names, any };
}

function fitToolConfig(input: ConverseCommandInput, messages: readonly Message[], fit: Fit): ConverseCommandInput['toolConfig'] {
  const history = toolBlocksIn(messages);
  let config = input.toolConfig;
  if (config === undefined && history.any) {
    // Converse refuses tool blocks without a toolConfig; declare the tools the history used.
    fit.adapt.add('tool_config', 'tool definitions added for the tools the history uses: Converse needs toolConfig with tool blocks');
    const tools: Tool[] = [...history.names].map((name) => toolSpec(name, undefined, undefined));
    config = { tools: tools.length > 0 ? tools : [toolSpec('tool', undefined, undefined)] };
  }
  const choice = config?.toolChoice;
  if (config !== undefined && choice !== undefined) {
    // The nearest form the model takes: a named tool is still a forced call (any), and any is at least a tool offer (auto).
    const form = choice.tool !== undefined ? 'tool' : choice.any !== undefined ? 'any' : 'auto';
    if (!fit.caps.toolChoice.has(form)) {
      const fallback = form === 'tool' && fit.caps.toolChoice.has('any') ? 'any' : 'auto';
      fit.adapt.add('tool_choice', `tool_choice ${form} sent as ${fallback}: ${fit.model} does not take ${form}`);
      config = { ...config, toolChoice: fallback === 'any' ? { any: {} } : { auto: {} } };
    }
  }
  return config;
}

/** Request fields for the model only: Anthropic-only ones (top_k, thinking) are left out for other models. */
function fitAdditionalFields(input: ConverseCommandInput, fit: Fit): ConverseCommandInput['additionalModelRequestFields'] {
  const fields = input.additionalModelRequestFields;
  if (fields === undefined || isClaudeModel(fit.model) || typeof fields !== 'object' || fields === null || Array.isArray(fields)) return fields;
  for (const key of Object.keys(fields)) fit.adapt.add(`field:${key}`, `${key} left out: ${fit.model} does not take it`);
  return undefined;
}

/** `input` fitted to the model `caps` describe; `learned` are adjustments earlier refusals taught for it. */
export function fitConverse(
  input: ConverseCommandInput,
  model: string,
  caps: ModelCapabilities,
  learned: readonly Adjustment[],
  adapt: Adaptations,
): ConverseCommandInput {
  const fit: Fit = { caps, model, adapt };
  const messages = alternate((input.messages ?? []).map((m) => ({
    role: m.role,
    content: (m.content ?? []).map((b) => fitBlock(b, fit)).filter((b): b is ContentBlock => b !== undefined),
  })), fit);
  let out: ConverseCommandInput = { ...input, messages };
  const toolConfig = fitToolConfig(input, messages, fit);
  if (toolConfig === undefined) delete out.toolConfig;
  else out.toolConfig = toolConfig;
  const additional = fitAdditionalFields(input, fit);
  if (additional === undefined) delete out.additionalModelRequestFields;
  else out.additionalModelRequestFields = additional;
  const maxTokens = input.inferenceConfig?.maxTokens;
  if (maxTokens !== undefined && maxTokens > caps.maxOutputTokens) {
    adapt.add('max_tokens', `max_tokens ${maxTokens} lowered to ${caps.maxOutputTokens}, the most ${model} writes`);
    out.inferenceConfig = { ...input.inferenceConfig, maxTokens: caps.maxOutputTokens };
  }
  for (const adjustment of learned) {
    if (adjustment.kind !== 'drop_field') continue;
    // Bedrock names a model's own request fields from the root of what the model saw: additionalModelRequestFields.
    out = withoutPath(out, adjustment.path) as ConverseCommandInput;
    out = withoutPath(out, ['additionalModelRequestFields', ...adjustment.path]) as ConverseCommandInput;
  }
  return out;
}
