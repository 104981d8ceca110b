// OpenAI Chat Completions ↔ Converse, as pure functions: the request into ConverseCommand input, the answer back.
import type { DocumentType } from '@smithy/types';
import type {
  ContentBlock,
  ConverseCommandInput,
  InferenceConfiguration,
  Message,
  SystemContentBlock,
  Tool,
  ToolChoice,
} from '@aws-sdk/client-bedrock-runtime';
import type { Usage } from '../../core/usage.js';
import { ZERO_USAGE } from '../../core/usage.js';
import { appendTurn as append, DATA_URL, imageBlock, isRecord, openaiFinishReason, stringAt as text, toolSpec, untranslatable } from './converse-parts.js';
import type { ConverseAnswer } from './translate-anthropic.js';
import { converseUsage, openaiUsageObject } from './usage.js';

/** Fields that do not change the generated text (or that the route consumed), accepted and not forwarded. */
const IGNORED_FIELDS = new Set(['model', 'stream', 'stream_options', 'messages', 'tools', 'tool_choice', 'temperature',
  'top_p', 'max_tokens', 'max_completion_tokens', 'stop', 'n', 'user', 'parallel_tool_calls', 'store', 'metadata',
  'service_tier']);

/** Text of a system/developer/tool message: a string or a list of text parts. */
function plainText(content: unknown, where: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) throw untranslatable(where, 'its content is neither a string nor a list of parts');
  return content
    .map((part: unknown) => {
      if (!isRecord(part) || part.type !== 'text') throw untranslatable(`a non-text part in ${where}`, 'only text is allowed there');
      return text(part.text, where);
    })
    .join('');
}

function userPart(part: unknown): ContentBlock {
  if (!isRecord(part)) throw untranslatable('a content part', 'it is not an object');
  if (part.type === 'text') return { text: text(part.text, 'a text part') };
  if (part.type === 'image_url') {
    const url = isRecord(part.image_url) ? part.image_url.url : undefined;
    const match = DATA_URL.exec(text(url, 'an image_url'));
    if (match === null) throw untranslatable('an image given by URL', 'Converse takes inline data: URLs (base64) only');
    return imageBlock(match[1], match[2]);
  }
  throw untranslatable(`a ${String(part.type)} content part`, 'Converse has no equivalent');
}

function toolCalls(raw: unknown): ContentBlock[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw untranslatable('tool_calls', 'it is not a list');
  return raw.map((call: unknown): ContentBlock => {
    if (!isRecord(call) || !isRecord(call.function)) throw untranslatable('a tool call', 'it has no function');
    const args = text(call.function.arguments ?? '{}', 'tool call arguments');
    let input: unknown;
    try {
      input = args.trim() === '' ? {} : JSON.parse(args);
    } catch {
      throw untranslatable(`the arguments of tool call ${String(call.id)}`, 'they are not valid JSON');
    }
    return { toolUse: { toolUseId: text(call.id, 'a tool call id'), name: text(call.function.name, 'a tool call name'), input: input as DocumentType } };
  });
}

function tools(raw: unknown): Tool[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw untranslatable('tools', 'it is not a list');
  return raw.map((tool: unknown): Tool => {
    if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function)) {
      throw untranslatable(`a ${isRecord(tool) ? String(tool.type) : 'malformed'} tool`, 'Converse runs function tools only');
    }
    const fn = tool.function;
    return toolSpec(text(fn.name, 'a function name'), typeof fn.description === 'string' ? fn.description : undefined, fn.parameters);
  });
}

function toolChoice(raw: unknown): ToolChoice | 'none' | undefined {
  if (raw === undefined || raw === null || raw === 'auto') return raw === 'auto' ? { auto: {} } : undefined;
  if (raw === 'required') return { any: {} };
  if (raw === 'none') return 'none';
  if (isRecord(raw) && raw.type === 'function' && isRecord(raw.function)) return { tool: { name: text(raw.function.name, 'tool_choice function name') } };
  throw untranslatable('tool_choice', 'Converse knows auto, required and a named function');
}

/** OpenAI chat request body → ConverseCommand input for `modelId`. Throws a 400 GatewayError for what has no equivalent. */
export function openaiToConverse(body: Readonly<Record<string, unknown>>, modelId: string): ConverseCommandInput {
  for (const key of Object.keys(body)) {
    if (!IGNORED_FIELDS.has(key)) throw untranslatable(`the field ${key}`, 'Converse has no equivalent');
  }
  if (typeof body.n === 'number' && body.n !== 1) throw untranslatable('n > 1', 'Converse returns one choice');
  if (!Array.isArray(body.messages)) throw untranslatable('the request', 'it has no messages list');
  const system: SystemContentBlock[] = [];
  const messages: Message[] = [];
  body.messages.forEach((raw: unknown, i) => {
    if (!isRecord(raw)) throw untranslatable(`messages[${i}]`, 'it is not an object');
    switch (raw.role) {
      case 'system':
      case 'developer':
        system.push({ text: plainText(raw.content, `messages[${i}]`) });
        break;
      case 'user':
        append(messages, 'user', typeof raw.content === 'string' ? [{ text: raw.content }] : Array.isArray(raw.content) ? raw.content.map(userPart) : []);
        break;
      case 'assistant': {
        const content: ContentBlock[] = [];
        const said = raw.content === undefined || raw.content === null ? '' : plainText(raw.content, `messages[${i}]`);
        if (said !== '') content.push({ text: said });
        append(messages, 'assistant', [...content, ...toolCalls(raw.tool_calls)]);
        break;
      }
      case 'tool':
        append(messages, 'user', [{
          toolResult: { toolUseId: text(raw.tool_call_id, `messages[${i}].tool_call_id`), content: [{ text: plainText(raw.content, `messages[${i}]`) }] },
        }]);
        break;
      default:
        throw untranslatable(`messages[${i}] with role ${String(raw.role)}`, 'roles are system, developer, user, assistant and tool');
    }
  });

  const inference: InferenceConfiguration = {};
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (typeof maxTokens === 'number') inference.maxTokens = maxTokens;
  if (typeof body.temperature === 'number') inference.temperature = body.temperature;
  if (typeof body.top_p === 'number') inference.topP = body.top_p;
  if (typeof body.stop === 'string') inference.stopSequences = [body.stop];
  else if (Array.isArray(body.stop)) inference.stopSequences = body.stop.map((s) => text(s, 'a stop sequence'));

  const input: ConverseCommandInput = {
    modelId,
    messages,
    ...(system.length === 0 ? {} : { system }),
    ...(Object.keys(inference).length === 0 ? {} : { inferenceConfig: inference }),
  };
  const specs = tools(body.tools);
  const choice = toolChoice(body.tool_choice);
  const historyUsesTools = messages.some((m) => (m.content ?? []).some((b) => b.toolUse !== undefined || b.toolResult !== undefined));
  if (specs !== undefined && specs.length > 0 && (choice !== 'none' || historyUsesTools)) {
    input.toolConfig = { tools: specs, ...(choice === undefined || choice === 'none' ? {} : { toolChoice: choice }) };
  }
  return input;
}

export interface OpenAIAnswer {
  readonly completion: Record<string, unknown>;
  readonly usage: Usage | null;
  readonly stopReason: string;
}

/** A Converse answer → chat.completion JSON. `created` is in Unix seconds. */
export function converseToOpenAI(answer: ConverseAnswer, id: string, model: string, created: number): OpenAIAnswer {
  let content = '';
  const calls: Record<string, unknown>[] = [];
  for (const block of answer.output?.message?.content ?? []) {
    if (block.text !== undefined) content += block.text;
    else if (block.toolUse !== undefined) {
      calls.push({
        id: block.toolUse.toolUseId,
        type: 'function',
        function: { name: block.toolUse.name, arguments: JSON.stringify(block.toolUse.input ?? {}) },
      });
    }
  }
  const usage = converseUsage(answer.usage);
  const finishReason = openaiFinishReason(answer.stopReason);
  const message: Record<string, unknown> = { role: 'assistant', content: content === '' && calls.length > 0 ? null : content, refusal: null };
  if (calls.length > 0) message.tool_calls = calls;
  return {
    completion: {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message, finish_reason: finishReason, logprobs: null }],
      usage: openaiUsageObject(usage ?? ZERO_USAGE),
    },
    usage,
    stopReason: answer.stopReason ?? 'end_turn',
  };
}
