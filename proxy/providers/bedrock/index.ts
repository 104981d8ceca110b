// The Bedrock provider: Claude via InvokeModel for Anthropic clients, Converse for everything translated (chat, Responses
// and its compaction), native pass-through.
import type { ProviderConfig } from '../../config/types.js';
import type { Clock } from '../../core/clock.js';
import { systemClock } from '../../core/clock.js';
import type { ClientRequest, LearnedChange, Provider, ProviderTarget, ResponseSink, SendOptions, UpstreamOutcome } from '../types.js';
import { CallSignal, InferenceProfiles, type BedrockExchange, type ProviderLog } from './call.js';
import { BedrockClientPool } from './client.js';
import { compactConversation } from './compact.js';
import { converseForClient } from './converse-client.js';
import { callSettings, credentialProblem } from './credentials.js';
import { bedrockGatewayError } from './errors.js';
import { AdaptationReporter } from './adaptations.js';
import { LearnedAdjustments } from './healing.js';
import { invokeClaude } from './invoke-claude.js';
import { isClaudeModel } from './models.js';
import { bedrockNative } from './native.js';

export { bedrockErrorResponse, bedrockErrorType, bedrockGatewayError } from './errors.js';
export { needsInferenceProfile, isClaudeModel, inferenceProfileFor } from './models.js';

export interface BedrockProviderOptions {
  /** Where credentials, region and endpoint defaults are read from; `process.env` by default. */
  readonly env?: NodeJS.ProcessEnv;
  /** One JSON event per notable occurrence (inference-profile fallback, a request adapted or healed for a model). */
  readonly log?: ProviderLog;
  readonly clock?: Clock;
}

const BEDROCK_OPERATIONS = new Set(['converse', 'converse_stream', 'invoke', 'invoke_stream']);
const OPENAI_OPERATIONS = new Set(['chat_completions', 'responses', 'responses_compact']);

export class BedrockProvider implements Provider {
  /** Every request is translated to Converse or an InvokeModel body, but for a Bedrock client's own InvokeModel. */
  readonly parsesWholeBody = true;
  private readonly env: NodeJS.ProcessEnv;
  private readonly log: ProviderLog;
  private readonly clock: Clock;
  private readonly clients = new BedrockClientPool();
  private readonly profiles: InferenceProfiles;
  private readonly learned: LearnedAdjustments;
  private readonly reporter: AdaptationReporter;

  constructor(options: BedrockProviderOptions = {}) {
    this.env = options.env ?? process.env;
    this.log = options.log ?? (() => undefined);
    this.clock = options.clock ?? systemClock;
    this.profiles = new InferenceProfiles(this.log);
    this.learned = new LearnedAdjustments(this.log, () => this.clock.now());
    this.reporter = new AdaptationReporter(this.log);
  }

  unsupported(request: ClientRequest, target: ProviderTarget): string | null {
    if (target.type !== 'bedrock') return `provider config ${target.id} is of type ${target.type}, not bedrock`;
    switch (request.protocol) {
      case 'anthropic':
        return request.operation === 'messages' ? null : `provider config ${target.id} (bedrock) does not serve ${request.operation}`;
      case 'openai':
        return OPENAI_OPERATIONS.has(request.operation) ? null : `provider config ${target.id} (bedrock) does not serve ${request.operation}`;
      case 'bedrock':
        if (!BEDROCK_OPERATIONS.has(request.operation)) return `provider config ${target.id} (bedrock) does not serve ${request.operation}`;
        // InvokeModel bodies are model-specific: only a model of the same family understands the client's body.
        if ((request.operation === 'invoke' || request.operation === 'invoke_stream') && isClaudeModel(request.model) !== isClaudeModel(target.model)) {
          return `provider config ${target.id} serves ${target.model}, which cannot read an InvokeModel body written for ${request.model}`;
        }
        return null;
    }
  }

  async send(request: ClientRequest, target: ProviderTarget, sink: ResponseSink, options: SendOptions): Promise<UpstreamOutcome> {
    const call = {
      providerId: target.id, modelId: target.model, region: target.region ?? this.env.AWS_REGION ?? '', secrets: options.secrets,
      ...(options.applicationInferenceProfile === undefined ? {} : { invokeAs: options.applicationInferenceProfile }),
    };
    const signal = new CallSignal(options);
    let exchange: BedrockExchange;
    try {
      const settings = callSettings(target, this.env);
      const client = this.clients.client(settings, { connectMs: target.timeouts?.connectMs ?? options.timeouts.connectMs });
      exchange = {
        request, sink, options, client, signal, profiles: this.profiles, log: this.log, now: this.clock.now(),
        learned: this.learned, reporter: this.reporter,
        call: { ...call, region: settings.region },
      };
    } catch (err) {
      signal.dispose();
      throw bedrockGatewayError(err, call, options.signal);
    }
    try {
      if (request.protocol === 'bedrock') return await bedrockNative(exchange);
      if (request.protocol === 'anthropic' && isClaudeModel(target.model)) return await invokeClaude(exchange);
      if (request.operation === 'responses_compact') return await compactConversation(exchange);
      return await converseForClient(exchange);
    } finally {
      signal.dispose();
    }
  }

  /** One warning per Bedrock provider config whose region or credentials cannot be resolved. */
  async checkCredentials(targets: readonly ProviderConfig[]): Promise<string[]> {
    const warnings: string[] = [];
    const checked = new Map<string, Promise<string | null>>();
    for (const target of targets) {
      if (target.type !== 'bedrock') continue;
      let settings;
      try {
        settings = callSettings(target, this.env);
      } catch (err) {
        warnings.push(err instanceof Error ? err.message : String(err));
        continue;
      }
      let problem = checked.get(settings.clientKey);
      if (problem === undefined) {
        problem = credentialProblem(settings);
        checked.set(settings.clientKey, problem);
      }
      const reason = await problem;
      if (reason !== null) {
        warnings.push(`Bedrock provider config ${target.id} has no usable AWS credentials (${settings.auth.source}): ${reason}; its requests will fail with 502`);
      }
    }
    return warnings;
  }

  learnedChanges(target: ProviderConfig): readonly LearnedChange[] {
    return this.learned.for(target.model).map(({ change, reason, learnedAt }) => ({ change, reason, learnedAt }));
  }

  async close(): Promise<void> {
    this.clients.close();
  }
}
