// Anthropic Messages ↔ Converse, as pure functions: the request into ConverseCommand input, the answer back to a Message.
import type { DocumentType } from '@smithy/types';
import type {
  ContentBlock,
  ConverseCommandInput,
  ConverseResponse,
  InferenceConfiguration,
  Message,
  SystemContentBlock,
  Tool,
  ToolChoice,
  ToolResultContentBlock,
} from '@aws-sdk/client-bedrock-runtime';
import type { Usage } from '../../core/usage.js';
import { ZERO_USAGE } from '../../core/usage.js';
import {
  anthropicStopReason,
  documentBlock,
  imageBlock,
  isRecord,
  toolSpec,
  untranslatable,
} from './converse-parts.js';
import type { Adaptations } from './adaptations.js';
import { foldSystemMessages, isBillingHeaderBlock } from './system-messages.js';
import { converseUsage, anthropicUsageObject } from './usage.js';

/**
 * Body fields the translation consumes, or that do not change what the model generates (routing, caching and
 * telemetry hints). Any other field has no Converse equivalent: it is left out and the request says so.
 */
const KNOWN_FIELDS = new Set(['model', 'stream', 'max_tokens', 'messages', 'system', 'tools', 'tool_choice', 'temperature',
  'top_p', 'top_k', 'stop_sequences', 'thinking', 'anthropic_version', 'service_tier', 'cache_control',
  'inference_geo', 'speed', 'diagnostics']);

interface Translation {
  documents: number;
  readonly adapt: Adaptations;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') throw untranslatable(where, 'it is not a string');
  return value;
}

function base64Source(source: unknown, where: string): { mediaType: string; data: string } {
  if (!isRecord(source)) throw untranslatable(where, 'it has no source');
  if (source.type !== 'base64') {
    throw untranslatable(`${where} with a ${String(source.type)} source`, 'Converse takes inline (base64) bytes only');
  }
  return { mediaType: text(source.media_type, `${where} media_type`), data: text(source.data, `${where} data`) };
}

function documentFromBlock(block: Record<string, unknown>, t: Translation): ContentBlock.DocumentMember {
  const source = block.source;
  t.documents += 1;
  const title = typeof block.title === 'string' ? block.title : undefined;
  if (isRecord(source) && source.type === 'text') {
    const mediaType = typeof source.media_type === 'string' ? source.media_type : 'text/plain';
    return documentBlock(mediaType, Buffer.from(text(source.data, 'a text document'), 'utf8'), title, t.documents);
  }
  const { mediaType, data } = base64Source(source, 'a document');
  return documentBlock(mediaType, Buffer.from(data, 'base64'), title, t.documents);
}

function toolResultContent(content: unknown, t: Translation): ToolResultContentBlock[] {
  if (content === undefined || content === null) return [];
  if (typeof content === 'string') return [{ text: content }];
  if (!Array.isArray(content)) throw untranslatable('a tool_result content', 'it is neither a string nor a list of blocks');
  return content.map((block: unknown): ToolResultContentBlock => {
    if (!isRecord(block)) throw untranslatable('a tool_result content block', 'it is not an object');
    switch (block.type) {
      case 'text':
        return { text: text(block.text, 'a tool_result text block') };
      case 'image': {
        const { mediaType, data } = base64Source(block.source, 'a tool_result image');
        return imageBlock(mediaType, data);
      }
      case 'document':
        return documentFromBlock(block, t);
      case 'tool_reference':
        // Claude Code's tool search result: Converse has no deferred tools, every tool is already declared.
        t.adapt.add('tool_reference', 'tool_reference blocks sent as text: Converse has no tool search');
        return { text: `Tool ${typeof block.tool_name === 'string' ? block.tool_name : 'a deferred tool'} is now available.` };
      default:
        throw untranslatable(`a tool_result ${String(block.type)} block`, 'Converse tool results hold text, images and documents');
    }
  });
}

function contentBlock(block: unknown, t: Translation): ContentBlock | undefined {
  if (!isRecord(block)) throw untranslatable('a content block', 'it is not an object');
  switch (block.type) {
    case 'text':
      return { text: text(block.text, 'a text block') };
    case 'image': {
      const { mediaType, data } = base64Source(block.source, 'an image');
      return imageBlock(mediaType, data);
    }
    case 'document':
      return documentFromBlock(block, t);
    case 'tool_use':
      return {
        toolUse: {
          toolUseId: text(block.id, 'a tool_use id'),
          name: text(block.name, 'a tool_use name'),
          input: (isRecord(block.input) ? block.input : {}) as DocumentType,
        },
      };
    case 'tool_result':
      return {
        toolResult: {
          toolUseId: text(block.tool_use_id, 'a tool_result tool_use_id'),
          content: toolResultContent(block.content, t),
          ...(block.is_error === true ? { status: 'error' as const } : {}),
        },
      };
    case 'thinking':
      return {
        reasoningContent: {
          reasoningText: {
            text: text(block.thinking, 'a thinking block'),
            ...(typeof block.signature === 'string' ? { signature: block.signature } : {}),
          },
        },
      };
    case 'redacted_thinking':
      return { reasoningContent: { redactedContent: Buffer.from(text(block.data, 'a redacted_thinking block'), 'base64') } };
    default:
      throw untranslatable(`a ${String(block.type)} content block`, 'Converse has no equivalent');
  }
}

function message(raw: unknown, index: number, t: Translation): Message {
  if (!isRecord(raw)) throw untranslatable(`messages[${index}]`, 'it is not an object');
  if (raw.role !== 'user' && raw.role !== 'assistant') throw untranslatable(`messages[${index}] with role ${String(raw.role)}`, 'roles are user and assistant');
  const content: ContentBlock[] = typeof raw.content === 'string'
    ? [{ text: raw.content }]
    : Array.isArray(raw.content)
      ? raw.content.map((block) => contentBlock(block, t)).filter((block): block is ContentBlock => block !== undefined)
      : [];
  return { role: raw.role, content };
}

function systemBlocks(system: unknown, adapt: Adaptations): SystemContentBlock[] | undefined {
  if (system === undefined || system === null) return undefined;
  if (typeof system === 'string') return system === '' ? undefined : [{ text: system }];
  if (!Array.isArray(system)) throw untranslatable('system', 'it is neither a string nor a list of text blocks');
  // Claude Code's billing header is telemetry for Anthropic, not instructions: no Converse model should read it.
  const kept = system.filter((block: unknown) => !isBillingHeaderBlock(block));
  if (kept.length < system.length) adapt.add('billing_header', 'the x-anthropic-billing-header system block removed (first-party telemetry)');
  if (kept.length === 0) return undefined;
  return kept.map((block: unknown): SystemContentBlock => {
    if (!isRecord(block) || block.type !== 'text') throw untranslatable('a non-text system block', 'Converse system prompts are text');
    return { text: text(block.text, 'a system text block') };
  });
}

function tools(raw: unknown, adapt: Adaptations): Tool[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw untranslatable('tools', 'it is not a list');
  return raw.flatMap((tool: unknown): Tool[] => {
    if (!isRecord(tool)) throw untranslatable('a tool', 'it is not an object');
    if (tool.type !== undefined && tool.type !== 'custom') {
      // Server tools (web search, tool search, code execution) run at Anthropic; the model here cannot call them.
      adapt.add(`server_tool:${String(tool.type)}`, `the server tool ${String(tool.type)} left out: Bedrock Converse runs only client-defined tools`);
      return [];
    }
    const description = typeof tool.description === 'string' ? tool.description : undefined;
    return [toolSpec(text(tool.name, 'a tool name'), description, tool.input_schema)];
  });
}

function toolChoice(raw: unknown): ToolChoice | 'none' | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) throw untranslatable('tool_choice', 'it is not an object');
  switch (raw.type) {
    case 'auto':
      return { auto: {} };
    case 'any':
      return { any: {} };
    case 'tool':
      return { tool: { name: text(raw.name, 'tool_choice name') } };
    case 'none':
      return 'none';
    default:
      throw untranslatable(`tool_choice ${String(raw.type)}`, 'Converse knows auto, any and tool');
  }
}

function usesTools(messages: readonly Message[]): boolean {
  return messages.some((m) => (m.content ?? []).some((b) => b.toolUse !== undefined || b.toolResult !== undefined));
}

/**
 * Anthropic Messages request body → ConverseCommand input for `modelId`. Role "system" messages are folded into the
 * adjacent user turn; fields with no Converse form are left out and noted in `adapt`. Throws a 400 GatewayError for
 * content that has no equivalent. `fitConverse` then fits the result to the model.
 */
export function anthropicToConverse(body: Readonly<Record<string, unknown>>, modelId: string, adapt: Adaptations): ConverseCommandInput {
  const t: Translation = { documents: 0, adapt };
  if (!Array.isArray(body.messages)) throw untranslatable('the request', 'it has no messages list');
  const messages = foldSystemMessages(body.messages, adapt).map((m, i) => message(m, i, t));
  const inference: InferenceConfiguration = {};
  if (typeof body.max_tokens === 'number') inference.maxTokens = body.max_tokens;
  if (typeof body.temperature === 'number') inference.temperature = body.temperature;
  if (typeof body.top_p === 'number') inference.topP = body.top_p;
  if (Array.isArray(body.stop_sequences)) inference.stopSequences = body.stop_sequences.map((s) => text(s, 'a stop sequence'));

  const additional: Record<string, unknown> = {};
  if (typeof body.top_k === 'number') additional.top_k = body.top_k;
  if (body.thinking !== undefined && body.thinking !== null) additional.thinking = body.thinking;
  for (const key of Object.keys(body)) {
    if (!KNOWN_FIELDS.has(key)) adapt.add(`field:${key}`, `${key} left out: Converse has no equivalent`);
  }

  const specs = tools(body.tools, adapt);
  const choice = toolChoice(body.tool_choice);
  const system = systemBlocks(body.system, adapt);
  const input: ConverseCommandInput = {
    modelId,
    messages,
    ...(system === undefined ? {} : { system }),
    ...(Object.keys(inference).length === 0 ? {} : { inferenceConfig: inference }),
    ...(Object.keys(additional).length === 0 ? {} : { additionalModelRequestFields: additional as DocumentType }),
  };
  // tool_choice none has no Converse form: leave the tools out unless the history needs their definitions.
  if (specs !== undefined && specs.length > 0 && (choice !== 'none' || usesTools(messages))) {
    input.toolConfig = { tools: specs, ...(choice === undefined || choice === 'none' ? {} : { toolChoice: choice }) };
  }
  return input;
}

/** The parts of a Converse answer the translation reads. */
export type ConverseAnswer = Pick<ConverseResponse, 'output' | 'stopReason' | 'usage' | 'additionalModelResponseFields'>;

export interface AnthropicAnswer {
  readonly message: Record<string, unknown>;
  readonly usage: Usage | null;
  readonly stopReason: string;
}

function answerBlock(block: ContentBlock): Record<string, unknown> | undefined {
  if (block.text !== undefined) return { type: 'text', text: block.text };
  if (block.toolUse !== undefined) {
    return { type: 'tool_use', id: block.toolUse.toolUseId, name: block.toolUse.name, input: block.toolUse.input ?? {} };
  }
  const reasoning = block.reasoningContent;
  if (reasoning?.reasoningText !== undefined) {
    return { type: 'thinking', thinking: reasoning.reasoningText.text ?? '', signature: reasoning.reasoningText.signature ?? '' };
  }
  if (reasoning?.redactedContent !== undefined) {
    return { type: 'redacted_thinking', data: Buffer.from(reasoning.redactedContent).toString('base64') };
  }
  return undefined;
}

/** The stop sequence that ended the answer, when the model reports it. */
function matchedStopSequence(fields: unknown): string | null {
  if (!isRecord(fields)) return null;
  return typeof fields.stop_sequence === 'string' ? fields.stop_sequence : null;
}

/** A Converse answer → Anthropic Message JSON. `id` and `model` are what the client sees. */
export function converseToAnthropic(answer: ConverseAnswer, id: string, model: string): AnthropicAnswer {
  const content = (answer.output?.message?.content ?? [])
    .map(answerBlock)
    .filter((block): block is Record<string, unknown> => block !== undefined);
  const usage = converseUsage(answer.usage);
  const stopReason = anthropicStopReason(answer.stopReason);
  return {
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content,
      stop_reason: stopReason,
      stop_sequence: stopReason === 'stop_sequence' ? matchedStopSequence(answer.additionalModelResponseFields) : null,
      usage: anthropicUsageObject(usage ?? ZERO_USAGE),
    },
    usage,
    stopReason,
  };
}
