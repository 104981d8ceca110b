// The OpenAI provider: serves Chat Completions and Responses clients from an OpenAI-compatible upstream, always
// billing streams.
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { ClientRequest, LearnedChange, Provider, ProviderTarget, ResponseSink, SendOptions, UpstreamOutcome } from '../types.js';
import { forward, type ProtocolAdapter } from '../http/forward.js';
import { OpenAIClient } from './client.js';
import { openaiHttpError } from './errors.js';
import { buildOpenAICall, openaiPath } from './request.js';
import { ResponsesStreamObserver } from './responses-stream.js';
import { responsesJsonResult } from './responses-usage.js';
import { OpenAIStreamObserver } from './stream.js';
import { openaiJsonResult } from './usage.js';

export { openaiModelList } from './models.js';
export { OPENAI_BASE_URL } from './client.js';

export interface OpenAIProviderOptions {
  /** For `retry-after` dates; the wall clock by default. */
  readonly clock?: Clock;
}

export class OpenAIProvider implements Provider {
  readonly parsesWholeBody = false;
  private readonly client = new OpenAIClient();
  private readonly clock: Clock;

  constructor(options: OpenAIProviderOptions = {}) {
    this.clock = options.clock ?? systemClock;
  }

  unsupported(request: ClientRequest, target: ProviderTarget): string | null {
    if (target.type !== 'openai') return `provider config ${target.id} is of type ${target.type}, not openai`;
    if (request.protocol !== 'openai') {
      return `provider config ${target.id} (openai) serves OpenAI Chat Completions and Responses clients, not ${request.protocol}`;
    }
    if (openaiPath(request.operation) === undefined) {
      return `provider config ${target.id} (openai) does not serve the ${request.operation} operation`;
    }
    return null;
  }

  send(request: ClientRequest, target: ProviderTarget, sink: ResponseSink, options: SendOptions): Promise<UpstreamOutcome> {
    const call = buildOpenAICall(request, target, this.client.endpoint(target));
    const chat = request.operation === 'chat_completions';
    const adapter: ProtocolAdapter = {
      name: 'openai',
      httpError: (status, headers, body) => openaiHttpError(status, headers, body, this.clock),
      jsonResult: chat ? openaiJsonResult : responsesJsonResult,
      streamObserver: () => (chat ? new OpenAIStreamObserver(call.usageInjected) : new ResponsesStreamObserver()),
    };
    return forward(this.client.pools, call, adapter, sink, options);
  }

  /** Requests are forwarded as received: nothing to learn about a model. */
  learnedChanges(): readonly LearnedChange[] {
    return [];
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
