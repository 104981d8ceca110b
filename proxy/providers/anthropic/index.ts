// The Anthropic provider: serves Anthropic Messages clients from an Anthropic-compatible upstream, bytes unchanged.
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { ClientRequest, LearnedChange, Provider, ProviderTarget, ResponseSink, SendOptions, UpstreamOutcome } from '../types.js';
import { forward, type ProtocolAdapter } from '../http/forward.js';
import { AnthropicClient } from './client.js';
import { anthropicHttpError } from './errors.js';
import { anthropicPath, buildAnthropicCall } from './request.js';
import { AnthropicStreamObserver } from './stream.js';
import { anthropicJsonResult } from './usage.js';

export { anthropicModelList } from './models.js';
export { ANTHROPIC_BASE_URL } from './client.js';

export interface AnthropicProviderOptions {
  /** For `retry-after` dates; the wall clock by default. */
  readonly clock?: Clock;
}

export class AnthropicProvider implements Provider {
  readonly parsesWholeBody = false;
  private readonly client = new AnthropicClient();
  private readonly adapter: ProtocolAdapter;

  constructor(options: AnthropicProviderOptions = {}) {
    const clock = options.clock ?? systemClock;
    this.adapter = {
      name: 'anthropic',
      httpError: (status, headers, body) => anthropicHttpError(status, headers, body, clock),
      jsonResult: anthropicJsonResult,
      streamObserver: () => new AnthropicStreamObserver(),
    };
  }

  unsupported(request: ClientRequest, target: ProviderTarget): string | null {
    if (target.type !== 'anthropic') return `provider config ${target.id} is of type ${target.type}, not anthropic`;
    if (request.protocol !== 'anthropic') {
      return `provider config ${target.id} (anthropic) serves Anthropic Messages clients, not ${request.protocol}`;
    }
    if (anthropicPath(request.operation) === undefined) {
      return `provider config ${target.id} (anthropic) does not serve the ${request.operation} operation`;
    }
    return null;
  }

  send(request: ClientRequest, target: ProviderTarget, sink: ResponseSink, options: SendOptions): Promise<UpstreamOutcome> {
    const call = buildAnthropicCall(request, target, this.client.endpoint(target));
    return forward(this.client.pools, call, this.adapter, sink, options);
  }

  /** Requests are forwarded as received: nothing to learn about a model. */
  learnedChanges(): readonly LearnedChange[] {
    return [];
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
