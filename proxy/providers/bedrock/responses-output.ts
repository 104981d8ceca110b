// Converse answers → OpenAI Responses objects: output items (message, function_call, custom_tool_call, reasoning),
// usage, status, and the response envelope shared by the JSON answer and the stream's lifecycle events.
import { randomUUID } from 'node:crypto';
import type { ContentBlock, StopReason } from '@aws-sdk/client-bedrock-runtime';
import type { Usage } from '../../core/usage.js';
import { ZERO_USAGE } from '../../core/usage.js';
import { isRecord } from './converse-parts.js';
import { encodeReasoning } from './responses-reasoning.js';
import { CUSTOM_INPUT, type ClientTool, type ToolNames } from './responses-tools.js';
import type { ConverseAnswer } from './translate-anthropic.js';
import { converseUsage } from './usage.js';

export type OutputItem = Record<string, unknown>;

/** An id in OpenAI's style: a type prefix and 48 hex digits. */
export function itemId(prefix: 'resp' | 'msg' | 'fc' | 'ctc' | 'rs'): string {
  return `${prefix}_${randomUUID().replace(/-/g, '')}${randomUUID().replace(/-/g, '').slice(0, 16)}`;
}

/** The Responses `usage` object: input tokens include cached ones (reads and writes), reported apart in the details. */
export function responsesUsageObject(usage: Usage): Record<string, unknown> {
  const writes = usage.cacheWrite5mTokens + usage.cacheWrite1hTokens;
  const input = usage.inputTokens + usage.cacheReadTokens + writes;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cacheReadTokens, cache_write_tokens: writes },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + usage.outputTokens,
  };
}

/** Why a Converse answer stopped short, as Responses `incomplete_details.reason`; undefined when it completed. */
export function incompleteReason(stopReason: StopReason | string | undefined): string | undefined {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'max_output_tokens';
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'content_filter';
    default:
      return undefined;
  }
}

export function messageItem(id: string, text: string, status: 'in_progress' | 'completed'): OutputItem {
  return { id, type: 'message', status, role: 'assistant', content: status === 'in_progress' ? [] : [outputText(text)] };
}

export function outputText(text: string): Record<string, unknown> {
  return { type: 'output_text', text, annotations: [], logprobs: [] };
}

/** The tool input a custom tool's call carries: the string parameter it was exposed with. */
export function customInput(input: unknown): string {
  if (isRecord(input) && typeof input[CUSTOM_INPUT] === 'string') return input[CUSTOM_INPUT];
  return JSON.stringify(input ?? {});
}

/** A function_call or custom_tool_call item for a Bedrock tool call, under the client's name and namespace. */
export function toolCallItem(id: string, tool: ClientTool, callId: string, payload: string, status: 'in_progress' | 'completed'): OutputItem {
  const namespace = tool.namespace === undefined ? {} : { namespace: tool.namespace };
  if (tool.kind === 'custom') return { id, type: 'custom_tool_call', status, call_id: callId, name: tool.name, input: payload, ...namespace };
  return { id, type: 'function_call', status, call_id: callId, name: tool.name, arguments: payload, ...namespace };
}

export function reasoningItem(id: string, summary: string, encryptedContent: string | undefined): OutputItem {
  return {
    id,
    type: 'reasoning',
    summary: summary === '' ? [] : [{ type: 'summary_text', text: summary }],
    ...(encryptedContent === undefined ? {} : { encrypted_content: encryptedContent }),
  };
}

function answerItem(block: ContentBlock, names: ToolNames): OutputItem | undefined {
  if (block.text !== undefined) return block.text === '' ? undefined : messageItem(itemId('msg'), block.text, 'completed');
  if (block.toolUse !== undefined) {
    const tool = names.client(block.toolUse.name ?? '');
    const payload = tool.kind === 'custom' ? customInput(block.toolUse.input) : JSON.stringify(block.toolUse.input ?? {});
    return toolCallItem(itemId(tool.kind === 'custom' ? 'ctc' : 'fc'), tool, block.toolUse.toolUseId ?? '', payload, 'completed');
  }
  if (block.reasoningContent !== undefined) {
    return reasoningItem(itemId('rs'), block.reasoningContent.reasoningText?.text ?? '', encodeReasoning(block.reasoningContent));
  }
  return undefined;
}

/** What the envelope of every response of one request repeats: its id, request echo and clock. */
export interface ResponseEnvelope {
  readonly id: string;
  readonly createdAt: number;
  readonly body: Readonly<Record<string, unknown>>;
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed';

export interface ResponseState {
  readonly status: ResponseStatus;
  readonly model: string;
  readonly output: readonly OutputItem[];
  readonly usage: Usage | null;
  readonly incomplete?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

function echo(value: unknown, fallback: unknown): unknown {
  return value === undefined ? fallback : value;
}

/** A Responses `response` object: the request's settings echoed around the state of the answer. */
export function responseObject(envelope: ResponseEnvelope, state: ResponseState): Record<string, unknown> {
  const { body } = envelope;
  const reasoning = isRecord(body.reasoning) ? { effort: echo(body.reasoning.effort, null), summary: echo(body.reasoning.summary, null) } : { effort: null, summary: null };
  const text = state.output
    .filter((item) => item.type === 'message')
    .flatMap((item) => (Array.isArray(item.content) ? item.content : []))
    .map((part: Record<string, unknown>) => (typeof part.text === 'string' ? part.text : ''))
    .join('');
  return {
    id: envelope.id,
    object: 'response',
    created_at: envelope.createdAt,
    status: state.status,
    background: false,
    error: state.error ?? null,
    incomplete_details: state.incomplete === undefined ? null : { reason: state.incomplete },
    instructions: echo(body.instructions, null),
    max_output_tokens: echo(body.max_output_tokens, null),
    model: state.model,
    output: state.output,
    output_text: text,
    parallel_tool_calls: echo(body.parallel_tool_calls, true),
    previous_response_id: null,
    reasoning,
    store: false,
    temperature: echo(body.temperature, null),
    text: echo(body.text, { format: { type: 'text' } }),
    tool_choice: echo(body.tool_choice, 'auto'),
    tools: echo(body.tools, []),
    top_p: echo(body.top_p, null),
    truncation: echo(body.truncation, 'disabled'),
    usage: state.usage === null ? null : responsesUsageObject(state.usage),
    metadata: echo(body.metadata, {}),
  };
}

export interface ResponsesAnswer {
  readonly body: Record<string, unknown>;
  readonly usage: Usage | null;
  readonly stopReason: string;
}

/** A Converse answer → the Responses `response` object. */
export function converseToResponses(answer: ConverseAnswer, envelope: ResponseEnvelope, model: string, names: ToolNames): ResponsesAnswer {
  const output = (answer.output?.message?.content ?? [])
    .map((block) => answerItem(block, names))
    .filter((item): item is OutputItem => item !== undefined);
  const usage = converseUsage(answer.usage);
  const incomplete = incompleteReason(answer.stopReason);
  return {
    body: responseObject(envelope, {
      status: incomplete === undefined ? 'completed' : 'incomplete',
      model,
      output,
      usage: usage ?? ZERO_USAGE,
      ...(incomplete === undefined ? {} : { incomplete }),
    }),
    usage,
    stopReason: answer.stopReason ?? 'end_turn',
  };
}
