// Converse stream events → Anthropic Messages SSE: a small state machine fed one SDK event at a time.
import type { ConverseStreamOutput, StopReason } from '@aws-sdk/client-bedrock-runtime';
import type { Usage } from '../../core/usage.js';
import { ZERO_USAGE } from '../../core/usage.js';
import { anthropicStreamErrorEvent } from '../anthropic/errors.js';
import { anthropicStopReason } from './converse-parts.js';
import type { StreamFailure } from './stream-failure.js';
import { anthropicUsageObject, converseUsage } from './usage.js';

type BlockKind = 'text' | 'tool_use' | 'thinking';

interface OpenBlock {
  readonly index: number;
  readonly kind: BlockKind;
}

export function sseEvent(type: string, data: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

/**
 * Converse numbers content blocks itself and sends no start event for text; Anthropic wants every block opened,
 * numbered from 0 in order, and closed. Converse also reports the stop reason (messageStop) before the usage
 * (metadata), while Anthropic's message_delta carries both: the delta is held until usage arrives or the stream ends.
 */
export class AnthropicStreamTranslator {
  usage: Usage | null = null;
  stopReason: string | undefined;
  private started = false;
  private finished = false;
  private converseStop: StopReason | string | undefined;
  private readonly blocks = new Map<number, OpenBlock>();
  private nextIndex = 0;

  constructor(private readonly id: string, private readonly model: string) {}

  /** The SSE text for one Converse stream event ('' when it maps to nothing). */
  push(event: ConverseStreamOutput): string {
    if (this.finished) return '';
    let out = '';
    if (event.messageStart !== undefined) out += this.start();
    else if (event.contentBlockStart !== undefined) {
      out += this.start();
      const { contentBlockIndex, start } = event.contentBlockStart;
      if (start?.toolUse !== undefined) {
        out += this.open(contentBlockIndex ?? 0, 'tool_use', { type: 'tool_use', id: start.toolUse.toolUseId, name: start.toolUse.name, input: {} });
      }
    } else if (event.contentBlockDelta !== undefined) {
      out += this.start();
      out += this.delta(event.contentBlockDelta.contentBlockIndex ?? 0, event.contentBlockDelta.delta);
    } else if (event.contentBlockStop !== undefined) {
      out += this.close(event.contentBlockStop.contentBlockIndex ?? 0);
    } else if (event.messageStop !== undefined) {
      out += this.start() + this.closeAll();
      this.converseStop = event.messageStop.stopReason;
      this.stopReason = anthropicStopReason(this.converseStop);
    } else if (event.metadata !== undefined) {
      this.usage = converseUsage(event.metadata.usage) ?? this.usage;
      if (this.stopReason !== undefined) out += this.finish();
    }
    return out;
  }

  /** Closes whatever is open and ends the message; '' when already ended. */
  finish(): string {
    if (this.finished) return '';
    const out = this.start() + this.closeAll() +
      sseEvent('message_delta', {
        delta: { stop_reason: this.stopReason ?? 'end_turn', stop_sequence: null },
        usage: anthropicUsageObject(this.usage ?? ZERO_USAGE),
      }) +
      sseEvent('message_stop', {});
    this.finished = true;
    return out;
  }

  /** Anthropic's `error` event, which ends a stream that broke after it started. */
  fail(failure: StreamFailure): string {
    return anthropicStreamErrorEvent(failure.message, failure.type);
  }

  /** True once message_stop was emitted. */
  get complete(): boolean {
    return this.finished;
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    return sseEvent('message_start', {
      message: {
        id: this.id,
        type: 'message',
        role: 'assistant',
        model: this.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: anthropicUsageObject(ZERO_USAGE),
      },
    });
  }

  private open(converseIndex: number, kind: BlockKind, contentBlock: Record<string, unknown>): string {
    const block = { index: this.nextIndex++, kind };
    this.blocks.set(converseIndex, block);
    return sseEvent('content_block_start', { index: block.index, content_block: contentBlock });
  }

  private delta(converseIndex: number, delta: ConverseStreamOutput.ContentBlockDeltaMember['contentBlockDelta']['delta']): string {
    if (delta === undefined) return '';
    let out = '';
    let block = this.blocks.get(converseIndex);
    if (delta.text !== undefined) {
      if (block === undefined) {
        out += this.open(converseIndex, 'text', { type: 'text', text: '' });
        block = this.blocks.get(converseIndex) as OpenBlock;
      }
      return out + sseEvent('content_block_delta', { index: block.index, delta: { type: 'text_delta', text: delta.text } });
    }
    if (delta.toolUse !== undefined) {
      if (block === undefined) return '';
      return sseEvent('content_block_delta', { index: block.index, delta: { type: 'input_json_delta', partial_json: delta.toolUse.input ?? '' } });
    }
    const reasoning = delta.reasoningContent;
    if (reasoning !== undefined) {
      if (block === undefined) {
        out += this.open(converseIndex, 'thinking', { type: 'thinking', thinking: '', signature: '' });
        block = this.blocks.get(converseIndex) as OpenBlock;
      }
      if (reasoning.text !== undefined) {
        out += sseEvent('content_block_delta', { index: block.index, delta: { type: 'thinking_delta', thinking: reasoning.text } });
      } else if (reasoning.signature !== undefined) {
        out += sseEvent('content_block_delta', { index: block.index, delta: { type: 'signature_delta', signature: reasoning.signature } });
      }
    }
    return out;
  }

  private close(converseIndex: number): string {
    const block = this.blocks.get(converseIndex);
    if (block === undefined) return '';
    this.blocks.delete(converseIndex);
    return sseEvent('content_block_stop', { index: block.index });
  }

  private closeAll(): string {
    let out = '';
    for (const converseIndex of [...this.blocks.keys()]) out += this.close(converseIndex);
    return out;
  }
}
