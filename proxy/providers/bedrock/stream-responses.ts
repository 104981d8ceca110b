// Converse stream events → OpenAI Responses SSE: a state machine fed one SDK event at a time that opens an output item
// per Converse content block, streams its deltas, closes it with the full item, and ends with the whole response.
import type { ConverseStreamOutput, ReasoningContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { Usage } from '../../core/usage.js';
import { ZERO_USAGE } from '../../core/usage.js';
import type { StreamFailure } from './stream-failure.js';
import { encodeReasoning } from './responses-reasoning.js';
import { converseUsage } from './usage.js';
import {
  customInput,
  incompleteReason,
  itemId,
  messageItem,
  outputText,
  reasoningItem,
  responseObject,
  toolCallItem,
  type OutputItem,
  type ResponseEnvelope,
  type ResponseState,
} from './responses-output.js';
import type { ClientTool, ToolNames } from './responses-tools.js';

type OpenItem =
  | { readonly kind: 'message'; readonly index: number; readonly id: string; text: string }
  | { readonly kind: 'tool'; readonly index: number; readonly id: string; readonly tool: ClientTool; readonly callId: string; json: string }
  | { readonly kind: 'reasoning'; readonly index: number; readonly id: string; text: string; signature?: string; redacted?: Uint8Array };

type Delta = NonNullable<ConverseStreamOutput.ContentBlockDeltaMember['contentBlockDelta']['delta']>;

export class ResponsesStreamTranslator {
  usage: Usage | null = null;
  stopReason: string | undefined;
  private sequence = 0;
  private started = false;
  private finished = false;
  private readonly open = new Map<number, OpenItem>();
  private readonly output: OutputItem[] = [];

  constructor(private readonly envelope: ResponseEnvelope, private readonly model: string, private readonly names: ToolNames) {}

  /** The SSE text for one Converse stream event ('' when it maps to nothing). */
  push(event: ConverseStreamOutput): string {
    if (this.finished) return '';
    if (event.messageStart !== undefined) return this.start();
    if (event.contentBlockStart !== undefined) {
      const { contentBlockIndex, start } = event.contentBlockStart;
      if (start?.toolUse === undefined) return this.start();
      const tool = this.names.client(start.toolUse.name ?? '');
      const item: OpenItem = { kind: 'tool', index: this.output.length, id: itemId(tool.kind === 'custom' ? 'ctc' : 'fc'), tool, callId: start.toolUse.toolUseId ?? '', json: '' };
      return this.start() + this.opened(contentBlockIndex ?? 0, item, toolCallItem(item.id, tool, item.callId, '', 'in_progress'));
    }
    if (event.contentBlockDelta !== undefined) {
      const { contentBlockIndex, delta } = event.contentBlockDelta;
      return delta === undefined ? '' : this.start() + this.delta(contentBlockIndex ?? 0, delta);
    }
    if (event.contentBlockStop !== undefined) return this.close(event.contentBlockStop.contentBlockIndex ?? 0);
    if (event.messageStop !== undefined) {
      this.stopReason = event.messageStop.stopReason;
      return this.start() + this.closeAll();
    }
    if (event.metadata !== undefined) {
      this.usage = converseUsage(event.metadata.usage) ?? this.usage;
      return this.stopReason === undefined ? '' : this.finish();
    }
    return '';
  }

  /** Closes whatever is open and ends the response: response.completed, or response.incomplete on a cut-off answer. */
  finish(): string {
    if (this.finished) return '';
    const out = this.start() + this.closeAll();
    this.finished = true;
    const incomplete = incompleteReason(this.stopReason);
    if (this.stopReason === undefined) this.stopReason = 'end_turn';
    const state: ResponseState = {
      status: incomplete === undefined ? 'completed' : 'incomplete',
      model: this.model,
      output: this.output,
      usage: this.usage ?? ZERO_USAGE,
      ...(incomplete === undefined ? {} : { incomplete }),
    };
    return out + this.event(incomplete === undefined ? 'response.completed' : 'response.incomplete', { response: responseObject(this.envelope, state) });
  }

  /** The terminal event of a stream that broke after it started: response.failed with the error and what was said. */
  fail(failure: StreamFailure): string {
    if (this.finished) return '';
    this.finished = true;
    const error = { code: failure.status === 429 ? 'rate_limit_exceeded' : 'server_error', message: failure.message };
    const state: ResponseState = { status: 'failed', model: this.model, output: this.output, usage: this.usage, error };
    return this.start() + this.event('response.failed', { response: responseObject(this.envelope, state) });
  }

  get complete(): boolean {
    return this.finished;
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    const response = responseObject(this.envelope, { status: 'in_progress', model: this.model, output: [], usage: null });
    return this.event('response.created', { response }) + this.event('response.in_progress', { response });
  }

  private event(type: string, data: Record<string, unknown>): string {
    const payload = { type, sequence_number: this.sequence++, ...data };
    return `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
  }

  private opened(converseIndex: number, item: OpenItem, shape: OutputItem): string {
    this.open.set(converseIndex, item);
    this.output.push(shape);
    return this.event('response.output_item.added', { output_index: item.index, item: shape });
  }

  private delta(converseIndex: number, delta: Delta): string {
    let item = this.open.get(converseIndex);
    let out = '';
    if (delta.text !== undefined) {
      if (item === undefined) {
        const opened: OpenItem = { kind: 'message', index: this.output.length, id: itemId('msg'), text: '' };
        out += this.opened(converseIndex, opened, messageItem(opened.id, '', 'in_progress'));
        out += this.event('response.content_part.added', { item_id: opened.id, output_index: opened.index, content_index: 0, part: outputText('') });
        item = opened;
      }
      if (item.kind !== 'message') return out;
      item.text += delta.text;
      return out + this.event('response.output_text.delta', { item_id: item.id, output_index: item.index, content_index: 0, delta: delta.text, logprobs: [] });
    }
    if (delta.toolUse !== undefined) {
      if (item?.kind !== 'tool') return '';
      const chunk = delta.toolUse.input ?? '';
      item.json += chunk;
      // A custom tool's input is one string inside the JSON Bedrock streams; it is sent whole when the call ends.
      if (item.tool.kind === 'custom' || chunk === '') return '';
      return this.event('response.function_call_arguments.delta', { item_id: item.id, output_index: item.index, delta: chunk });
    }
    const reasoning = delta.reasoningContent;
    if (reasoning === undefined) return '';
    if (item === undefined) {
      const opened: OpenItem = { kind: 'reasoning', index: this.output.length, id: itemId('rs'), text: '' };
      out += this.opened(converseIndex, opened, reasoningItem(opened.id, '', undefined));
      out += this.event('response.reasoning_summary_part.added', { item_id: opened.id, output_index: opened.index, summary_index: 0, part: { type: 'summary_text', text: '' } });
      item = opened;
    }
    if (item.kind !== 'reasoning') return out;
    if (reasoning.text !== undefined) {
      item.text += reasoning.text;
      out += this.event('response.reasoning_summary_text.delta', { item_id: item.id, output_index: item.index, summary_index: 0, delta: reasoning.text });
    }
    if (reasoning.signature !== undefined) item.signature = (item.signature ?? '') + reasoning.signature;
    if (reasoning.redactedContent !== undefined) item.redacted = reasoning.redactedContent;
    return out;
  }

  private close(converseIndex: number): string {
    const item = this.open.get(converseIndex);
    if (item === undefined) return '';
    this.open.delete(converseIndex);
    const where = { item_id: item.id, output_index: item.index };
    let out = '';
    let done: OutputItem;
    switch (item.kind) {
      case 'message':
        out += this.event('response.output_text.done', { ...where, content_index: 0, text: item.text, logprobs: [] });
        out += this.event('response.content_part.done', { ...where, content_index: 0, part: outputText(item.text) });
        done = messageItem(item.id, item.text, 'completed');
        break;
      case 'tool': {
        if (item.tool.kind === 'custom') {
          const input = customInput(parseInput(item.json));
          out += this.event('response.custom_tool_call_input.delta', { ...where, delta: input });
          out += this.event('response.custom_tool_call_input.done', { ...where, input });
          done = toolCallItem(item.id, item.tool, item.callId, input, 'completed');
        } else {
          const args = item.json.trim() === '' ? '{}' : item.json;
          out += this.event('response.function_call_arguments.done', { ...where, name: item.tool.name, arguments: args });
          done = toolCallItem(item.id, item.tool, item.callId, args, 'completed');
        }
        break;
      }
      case 'reasoning': {
        const block: ReasoningContentBlock = item.redacted === undefined
          ? { reasoningText: { text: item.text, ...(item.signature === undefined ? {} : { signature: item.signature }) } }
          : { redactedContent: item.redacted };
        out += this.event('response.reasoning_summary_text.done', { ...where, summary_index: 0, text: item.text });
        out += this.event('response.reasoning_summary_part.done', { ...where, summary_index: 0, part: { type: 'summary_text', text: item.text } });
        done = reasoningItem(item.id, item.text, encodeReasoning(block));
        break;
      }
    }
    this.output[item.index] = done;
    return out + this.event('response.output_item.done', { output_index: item.index, item: done });
  }

  private closeAll(): string {
    let out = '';
    for (const converseIndex of [...this.open.keys()]) out += this.close(converseIndex);
    return out;
  }
}

/** The streamed tool input parsed, or the raw text when the stream broke it. */
function parseInput(json: string): unknown {
  try {
    return json.trim() === '' ? {} : JSON.parse(json);
  } catch {
    return { input: json };
  }
}
