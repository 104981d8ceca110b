// Converse stream events → OpenAI chat.completion.chunk SSE: a small state machine fed one SDK event at a time.
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { Usage } from '../../core/usage.js';
import { openaiStreamErrorEvent } from '../openai/errors.js';
import { openaiFinishReason } from './converse-parts.js';
import type { StreamFailure } from './stream-failure.js';
import { converseUsage, openaiUsageObject } from './usage.js';

export class OpenAIStreamTranslator {
  usage: Usage | null = null;
  stopReason: string | undefined;
  private started = false;
  private finished = false;
  /** Converse content block index → OpenAI tool_calls index. */
  private readonly toolIndex = new Map<number, number>();

  constructor(
    private readonly id: string,
    private readonly model: string,
    private readonly created: number,
    private readonly includeUsage: boolean,
  ) {}

  push(event: ConverseStreamOutput): string {
    if (this.finished) return '';
    if (event.messageStart !== undefined) return this.start();
    if (event.contentBlockStart !== undefined) {
      const tool = event.contentBlockStart.start?.toolUse;
      if (tool === undefined) return this.start();
      const index = this.toolIndex.size;
      this.toolIndex.set(event.contentBlockStart.contentBlockIndex ?? 0, index);
      return this.start() + this.chunk({ tool_calls: [{ index, id: tool.toolUseId, type: 'function', function: { name: tool.name, arguments: '' } }] });
    }
    if (event.contentBlockDelta !== undefined) {
      const delta = event.contentBlockDelta.delta;
      if (delta?.text !== undefined) return this.start() + this.chunk({ content: delta.text });
      if (delta?.toolUse !== undefined) {
        const index = this.toolIndex.get(event.contentBlockDelta.contentBlockIndex ?? 0);
        if (index === undefined) return '';
        return this.chunk({ tool_calls: [{ index, function: { arguments: delta.toolUse.input ?? '' } }] });
      }
      return '';
    }
    if (event.messageStop !== undefined) {
      this.stopReason = event.messageStop.stopReason;
      return this.start() + this.chunk({}, openaiFinishReason(this.stopReason));
    }
    if (event.metadata !== undefined) {
      this.usage = converseUsage(event.metadata.usage) ?? this.usage;
      return '';
    }
    return '';
  }

  /** The final usage chunk (when asked for) and `[DONE]`; '' when already finished. */
  finish(): string {
    if (this.finished) return '';
    let out = this.start();
    if (this.stopReason === undefined) {
      this.stopReason = 'end_turn';
      out += this.chunk({}, 'stop');
    }
    if (this.includeUsage && this.usage !== null) {
      out += this.data({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage: openaiUsageObject(this.usage) });
    }
    this.finished = true;
    return `${out}data: [DONE]\n\n`;
  }

  /** The error chunk OpenAI's chat stream ends with when it breaks after it started. */
  fail(failure: StreamFailure): string {
    return openaiStreamErrorEvent(failure.message, failure.type);
  }

  get complete(): boolean {
    return this.finished;
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    return this.chunk({ role: 'assistant', content: '' });
  }

  private chunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
    return this.data({
      id: this.id,
      object: 'chat.completion.chunk',
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
    });
  }

  private data(payload: Record<string, unknown>): string {
    return `data: ${JSON.stringify(payload)}\n\n`;
  }
}
