// OpenAI Responses request → ConverseCommand input, as a pure function: instructions and system/developer items become
// the system prompt, input items alternating user/assistant turns, tools functions, reasoning.effort a thinking budget.
import type { DocumentType } from '@smithy/types';
import type {
  ContentBlock,
  ConverseCommandInput,
  InferenceConfiguration,
  Message,
  SystemContentBlock,
  ToolResultContentBlock,
} from '@aws-sdk/client-bedrock-runtime';
import type { Adaptations } from './adaptations.js';
import { modelCapabilities } from './capabilities.js';
import { appendTurn, DATA_URL, documentBlock, imageBlock, isRecord, stringAt as text, untranslatable } from './converse-parts.js';
import { isClaudeModel } from './models.js';
import { decodeReasoning } from './responses-reasoning.js';
import { CUSTOM_INPUT, responsesToolChoice, responsesTools, type ToolNames } from './responses-tools.js';

/** Fields the translation reads, or that do not change what the model generates (caching, telemetry, storage hints). */
const KNOWN_FIELDS = new Set(['model', 'stream', 'stream_options', 'input', 'instructions', 'tools', 'tool_choice',
  'parallel_tool_calls', 'max_output_tokens', 'temperature', 'top_p', 'reasoning', 'store', 'include', 'prompt_cache_key',
  'prompt_cache_retention', 'text', 'metadata', 'user', 'safety_identifier', 'service_tier', 'truncation',
  'top_logprobs', 'max_tool_calls', 'client_metadata', 'previous_response_id', 'background', 'conversation']);

/** Thinking budget per reasoning effort (tokens); minimal and none ask for no thinking. */
const THINKING_BUDGET: Readonly<Record<string, number>> = { low: 4_000, medium: 10_000, high: 24_000, xhigh: 32_000 };
/** Anthropic's smallest thinking budget. */
const MIN_BUDGET = 1_024;

function image(part: Record<string, unknown>, where: string): ContentBlock.ImageMember {
  if (typeof part.image_url !== 'string') throw untranslatable(`${where} without image_url`, 'Converse takes inline data: URLs (base64) only, not file ids');
  const match = DATA_URL.exec(part.image_url);
  if (match === null) throw untranslatable(`${where} given by URL`, 'Converse takes inline data: URLs (base64) only');
  return imageBlock(match[1], match[2]);
}

function file(part: Record<string, unknown>, where: string, ordinal: number): ContentBlock.DocumentMember {
  const match = typeof part.file_data === 'string' ? DATA_URL.exec(part.file_data) : null;
  if (match === null) throw untranslatable(`${where} without inline file_data`, 'Converse takes files as data: URLs (base64) only');
  const title = typeof part.filename === 'string' ? part.filename.replace(/\.[^.]*$/, '') : undefined;
  return documentBlock(match[1], Buffer.from(match[2], 'base64'), title, ordinal);
}

interface Translation {
  readonly system: SystemContentBlock[];
  readonly messages: Message[];
  readonly names: ToolNames;
  readonly adapt: Adaptations;
  documents: number;
}

/** Message content: a string or a list of text, image, file and refusal parts. */
function contentParts(content: unknown, where: string, t: Translation): ContentBlock[] {
  if (typeof content === 'string') return content === '' ? [] : [{ text: content }];
  if (!Array.isArray(content)) throw untranslatable(where, 'its content is neither a string nor a list of parts');
  return content.map((part: unknown): ContentBlock => {
    if (!isRecord(part)) throw untranslatable(`a content part in ${where}`, 'it is not an object');
    switch (part.type) {
      case 'input_text':
      case 'output_text':
      case 'text':
        return { text: text(part.text, `a text part in ${where}`) };
      case 'refusal':
        return { text: text(part.refusal, `a refusal part in ${where}`) };
      case 'input_image':
        return image(part, `an input_image in ${where}`);
      case 'input_file':
        t.documents += 1;
        return file(part, `an input_file in ${where}`, t.documents);
      default:
        throw untranslatable(`a ${String(part.type)} part in ${where}`, 'Converse has no equivalent');
    }
  });
}

/** A tool's output as toolResult content; blank text is left out (Bedrock refuses blank text, and an empty result is noted). */
function toolOutput(output: unknown, where: string, t: Translation): ToolResultContentBlock[] {
  const parts = typeof output === 'string' ? [{ text: output }] : contentParts(output, where, t);
  return parts.filter((block) => block.text === undefined || block.text.trim() !== '').map((block): ToolResultContentBlock => {
    if (block.text !== undefined) return { text: block.text };
    if (block.image !== undefined) return { image: block.image };
    if (block.document !== undefined) return { document: block.document };
    throw untranslatable(`a part of ${where}`, 'tool results hold text, images and files');
  });
}

function append(t: Translation, role: 'user' | 'assistant', content: ContentBlock[]): void {
  appendTurn(t.messages, role, content);
}

function parseArguments(args: unknown, where: string): DocumentType {
  const raw = text(args ?? '{}', `the arguments of ${where}`);
  try {
    const parsed: unknown = raw.trim() === '' ? {} : JSON.parse(raw);
    if (!isRecord(parsed)) throw untranslatable(`the arguments of ${where}`, 'they are not a JSON object');
    return parsed as DocumentType;
  } catch (err) {
    if (err instanceof SyntaxError) throw untranslatable(`the arguments of ${where}`, 'they are not valid JSON');
    throw err;
  }
}

function namespaceOf(item: Record<string, unknown>): string | undefined {
  return typeof item.namespace === 'string' && item.namespace !== '' ? item.namespace : undefined;
}

function inputItem(item: unknown, i: number, t: Translation): void {
  const where = `input[${i}]`;
  if (!isRecord(item)) throw untranslatable(where, 'it is not an object');
  const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
  switch (type) {
    case 'message': {
      if (item.role === 'system' || item.role === 'developer') {
        const said = contentParts(item.content, where, t).map((b) => b.text ?? '').filter((s) => s !== '').join('\n');
        if (said !== '') t.system.push({ text: said });
        return;
      }
      if (item.role !== 'user' && item.role !== 'assistant') throw untranslatable(`${where} with role ${String(item.role)}`, 'roles are user, assistant, system and developer');
      append(t, item.role, contentParts(item.content, where, t));
      return;
    }
    case 'function_call':
    case 'custom_tool_call': {
      const callId = text(item.call_id, `${where}.call_id`);
      const kind = type === 'function_call' ? 'function' : 'custom';
      const name = t.names.add({ name: text(item.name, `${where}.name`), namespace: namespaceOf(item), kind });
      const input = kind === 'function' ? parseArguments(item.arguments, where) : { [CUSTOM_INPUT]: text(item.input, `${where}.input`) };
      append(t, 'assistant', [{ toolUse: { toolUseId: callId, name, input } }]);
      return;
    }
    case 'function_call_output':
    case 'custom_tool_call_output':
      append(t, 'user', [{ toolResult: { toolUseId: text(item.call_id, `${where}.call_id`), content: toolOutput(item.output, `${where}.output`, t) } }]);
      return;
    case 'reasoning': {
      const block = decodeReasoning(item.encrypted_content);
      if (block === undefined) {
        t.adapt.add('foreign_reasoning', 'reasoning items not written by spendgate left out: their encrypted_content is readable only where it was made');
        return;
      }
      append(t, 'assistant', [block]);
      return;
    }
    case 'compaction':
    case 'compaction_summary':
      // OpenAI's own compacted context, opaque outside OpenAI; spendgate's compaction returns plain messages instead.
      t.adapt.add('foreign_compaction', 'compaction items from OpenAI left out: their encrypted_content is readable only where it was made');
      return;
    case 'web_search_call':
      t.adapt.add('hosted_tool_call', 'records of hosted tool calls (web search) left out: Bedrock ran no such tool');
      return;
    case 'item_reference':
      throw untranslatable(`${where} (item_reference)`, 'spendgate keeps no response state; send the items themselves');
    default:
      throw untranslatable(`${where} of type ${String(type)}`, 'Converse has no equivalent');
  }
}

/** Whether the last assistant turn calls tools whose results follow, without the thinking block it must start with. */
function unsignedToolTurn(messages: readonly Message[]): boolean {
  for (let i = messages.length - 1; i >= 0; i--) {
    const content = messages[i].content ?? [];
    if (messages[i].role !== 'assistant') continue;
    return content.some((b) => b.toolUse !== undefined) && content[0]?.reasoningContent === undefined;
  }
  return false;
}

/**
 * Above this many output tokens Bedrock wants Claude streamed (its extended-thinking guide), so a JSON request whose
 * maxTokens the gateway picks stays at or below it.
 */
const UNSTREAMED_MAX_TOKENS = 21_333;

type Thinking = { readonly type: 'enabled'; readonly budget_tokens: number } | { readonly type: 'adaptive' };

/**
 * `reasoning.effort` as Claude's thinking, fitted under maxTokens; undefined for no thinking. Models that think
 * adaptively get that form (Claude 4.7 and later refuse a fixed budget); the others a budget per effort.
 */
function thinking(body: Readonly<Record<string, unknown>>, modelId: string, inference: InferenceConfiguration, messages: readonly Message[], adapt: Adaptations): Thinking | undefined {
  const effort = isRecord(body.reasoning) ? body.reasoning.effort : undefined;
  if (typeof effort !== 'string') return undefined;
  const wanted = THINKING_BUDGET[effort];
  const caps = modelCapabilities(modelId);
  const adaptive = caps.thinking.has('adaptive');
  if (wanted === undefined || !isClaudeModel(modelId) || !(adaptive || caps.thinking.has('enabled'))) {
    if (wanted !== undefined) adapt.add('reasoning_effort', `reasoning.effort left out: ${modelId} has no thinking budget`);
    return undefined;
  }
  if (unsignedToolTurn(messages)) {
    // Bedrock requires the signed thinking block before a tool call once thinking is on; this history lacks it.
    adapt.add('thinking_off', 'thinking off for this request: the last tool call in the history has no thinking block from spendgate');
    return undefined;
  }
  const maxTokens = inference.maxTokens ?? (body.stream === true ? caps.maxOutputTokens : Math.min(caps.maxOutputTokens, UNSTREAMED_MAX_TOKENS));
  const budget = Math.min(wanted, maxTokens - MIN_BUDGET);
  if (budget < MIN_BUDGET) {
    adapt.add('reasoning_effort', `reasoning.effort left out: max_output_tokens ${maxTokens} leaves no room for thinking`);
    return undefined;
  }
  inference.maxTokens = maxTokens;
  if (inference.temperature !== undefined || inference.topP !== undefined) {
    adapt.add('thinking_sampling', 'temperature and top_p left out: Claude takes neither while thinking');
    delete inference.temperature;
    delete inference.topP;
  }
  return adaptive ? { type: 'adaptive' } : { type: 'enabled', budget_tokens: budget };
}

const CACHE_POINT = { cachePoint: { type: 'default' as const } };

/**
 * A conversation the client asks to cache (`prompt_cache_key`, which Codex sends) gets Bedrock cache points on models
 * that cache: after the system prompt and at the end of the last turn, so the next turn reads the whole prefix from
 * the cache (OpenAI caches on its own; Claude on Bedrock only where told).
 */
function promptCaching(body: Readonly<Record<string, unknown>>, modelId: string, system: SystemContentBlock[], messages: Message[]): { system: SystemContentBlock[]; messages: Message[] } {
  if (typeof body.prompt_cache_key !== 'string' || body.prompt_cache_key === '' || !modelCapabilities(modelId).promptCaching) return { system, messages };
  const last = messages[messages.length - 1];
  return {
    system: system.length === 0 ? system : [...system, CACHE_POINT],
    messages: [...messages.slice(0, -1), { ...last, content: [...(last.content ?? []), CACHE_POINT] }],
  };
}

/** Refusals for what spendgate cannot serve without state it does not keep. */
function checkStateless(body: Readonly<Record<string, unknown>>): void {
  if (typeof body.previous_response_id === 'string' && body.previous_response_id !== '') {
    throw untranslatable('previous_response_id', 'spendgate keeps no response state; send the whole conversation in input (store: false)');
  }
  if (body.conversation !== undefined && body.conversation !== null) {
    throw untranslatable('conversation', 'spendgate keeps no conversation state; send the whole conversation in input');
  }
  if (body.background === true) throw untranslatable('background: true', 'spendgate answers in the request');
}

/** The system prompt and turns of a Responses body (shared with compaction). */
export function responsesConversation(body: Readonly<Record<string, unknown>>, names: ToolNames, adapt: Adaptations): { system: SystemContentBlock[]; messages: Message[] } {
  checkStateless(body);
  const t: Translation = { system: [], messages: [], names, adapt, documents: 0 };
  if (typeof body.instructions === 'string' && body.instructions !== '') t.system.push({ text: body.instructions });
  if (typeof body.input === 'string') append(t, 'user', body.input === '' ? [] : [{ text: body.input }]);
  else if (Array.isArray(body.input)) body.input.forEach((item, i) => inputItem(item, i, t));
  else throw untranslatable('the request', 'input is neither a string nor a list of items');
  return { system: t.system, messages: t.messages };
}

/**
 * Responses request body → ConverseCommand input for `modelId`; `names` learns the Bedrock name of every tool so the
 * answer can name them back. Throws a 400 GatewayError for what has no equivalent. `fitConverse` then fits the result.
 */
export function responsesToConverse(body: Readonly<Record<string, unknown>>, modelId: string, adapt: Adaptations, names: ToolNames): ConverseCommandInput {
  for (const key of Object.keys(body)) {
    if (!KNOWN_FIELDS.has(key)) adapt.add(`field:${key}`, `${key} left out: Converse has no equivalent`);
  }
  const format = isRecord(body.text) && isRecord(body.text.format) ? body.text.format.type : undefined;
  if (format !== undefined && format !== 'text') adapt.add('text_format', `text.format ${String(format)} left out: Converse has no structured output`);
  // Declared tools first, so the history's calls of them map to the same names and kinds.
  const specs = responsesTools(body.tools, names, adapt);
  const { system, messages } = responsesConversation(body, names, adapt);
  if (messages.length === 0) throw untranslatable('the request', 'its input holds no user or assistant content');

  const inference: InferenceConfiguration = {};
  if (typeof body.max_output_tokens === 'number') inference.maxTokens = body.max_output_tokens;
  if (typeof body.temperature === 'number') inference.temperature = body.temperature;
  if (typeof body.top_p === 'number') inference.topP = body.top_p;
  const thought = thinking(body, modelId, inference, messages, adapt);

  const cached = promptCaching(body, modelId, system, messages);
  const input: ConverseCommandInput = {
    modelId,
    messages: cached.messages,
    ...(cached.system.length === 0 ? {} : { system: cached.system }),
    ...(Object.keys(inference).length === 0 ? {} : { inferenceConfig: inference }),
    ...(thought === undefined ? {} : { additionalModelRequestFields: { thinking: thought } }),
  };
  const choice = responsesToolChoice(body.tool_choice, names);
  const historyUsesTools = messages.some((m) => (m.content ?? []).some((b) => b.toolUse !== undefined || b.toolResult !== undefined));
  // tool_choice none has no Converse form: leave the tools out unless the history needs their definitions.
  if (specs.length > 0 && (choice !== 'none' || historyUsesTools)) {
    // Claude refuses a forced tool choice while thinking; auto keeps the tools and the thinking.
    const forced = thought !== undefined && choice !== undefined && choice !== 'none' && choice.auto === undefined;
    if (forced) adapt.add('thinking_tool_choice', 'tool_choice sent as auto: Claude takes only auto while thinking');
    const sent = choice === undefined || choice === 'none' || forced ? undefined : choice;
    input.toolConfig = { tools: specs, ...(sent === undefined ? {} : { toolChoice: sent }) };
  }
  return input;
}
