// One Bedrock call: inference-profile fallback, SDK errors as GatewayErrors, and stream reading with an idle timeout.
import { GatewayError } from '../../core/errors.js';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { ClientRequest, ResponseSink, SendOptions } from '../types.js';
import { bedrockGatewayError, type CallContext } from './errors.js';
import type { AdaptationReporter } from './adaptations.js';
import { adjustmentsFor, describe, type LearnedAdjustments } from './healing.js';
import { inferenceProfileFor, isInferenceProfileId, isOnDemandUnsupported } from './models.js';

export type ProviderLog = (event: Record<string, unknown>) => void;

/** Bare model ids Bedrock only serves through a profile, learned per provider config (`id|model` → profile id). */
export class InferenceProfiles {
  private readonly learned = new Map<string, string>();

  constructor(private readonly log: ProviderLog) {}

  modelFor(providerId: string, modelId: string): string {
    return this.learned.get(`${providerId}|${modelId}`) ?? modelId;
  }

  learn(providerId: string, modelId: string, profileId: string): void {
    const key = `${providerId}|${modelId}`;
    if (this.learned.has(key)) return;
    this.learned.set(key, profileId);
    this.log({ level: 'warn', event: 'bedrock_inference_profile', provider_config: providerId, model: modelId, profile: profileId,
      message: `${modelId} needs an inference profile for on-demand calls; provider config ${providerId} now calls ${profileId} (set model: ${profileId} to skip the retry)` });
  }
}

export interface Called<T> {
  readonly output: T;
  /** The model id the successful call used (a profile id after a fallback). */
  readonly servedModel: string;
}

/**
 * Calls `invoke(modelId)`; when Bedrock says the bare id needs an inference profile, retries once with the
 * region's profile and remembers it. Any failure becomes a GatewayError.
 */
export async function callWithProfile<T>(
  profiles: InferenceProfiles,
  call: CallContext,
  signal: AbortSignal,
  invoke: (modelId: string) => Promise<T>,
): Promise<Called<T>> {
  // An application inference profile is itself a profile: Bedrock never asks for another one in its place.
  const modelId = call.invokeAs ?? profiles.modelFor(call.providerId, call.modelId);
  try {
    return { output: await invoke(modelId), servedModel: modelId };
  } catch (err) {
    if (!(err instanceof Error) || isInferenceProfileId(modelId) || !isOnDemandUnsupported(err.name, err.message)) {
      throw bedrockGatewayError(err, { ...call, modelId }, signal);
    }
    const profileId = inferenceProfileFor(modelId, call.region);
    try {
      const output = await invoke(profileId);
      profiles.learn(call.providerId, modelId, profileId);
      return { output, servedModel: profileId };
    } catch (retryErr) {
      throw bedrockGatewayError(retryErr, { ...call, modelId: profileId }, signal);
    }
  }
}

/** An abort signal for one call: the gateway's signal, plus an idle timer the stream reader re-arms per event. */
export class CallSignal {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private idle = false;

  private readonly onOuterAbort = () => this.controller.abort(this.options.signal.reason);

  constructor(private readonly options: SendOptions) {
    const outer = options.signal;
    if (outer.aborted) this.controller.abort(outer.reason);
    else outer.addEventListener('abort', this.onOuterAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborts the call unless `touch()` is called again within the idle timeout. */
  touch(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.idle = true;
      this.controller.abort(new Error('idle timeout'));
    }, this.options.timeouts.idleMs);
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /** The call is over: stop the idle timer and detach from the gateway's long-lived shutdown signal. */
  dispose(): void {
    this.stop();
    this.options.signal.removeEventListener('abort', this.onOuterAbort);
  }

  /** The GatewayError for a stream failure, naming an idle timeout when that is what aborted it. */
  failure(err: unknown, call: CallContext): GatewayError {
    if (this.idle) return new GatewayError('upstream', 'the Bedrock stream went idle past the idle timeout', { status: 504, retryable: true, cause: err });
    return bedrockGatewayError(err, call, this.options.signal);
  }
}

/** Reads an SDK event stream one event at a time, re-arming the idle timer before each read. */
export class EventReader<T> {
  private readonly iterator: AsyncIterator<T>;

  constructor(source: AsyncIterable<T>, private readonly callSignal: CallSignal) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  async next(): Promise<T | undefined> {
    this.callSignal.touch();
    try {
      const result = await this.iterator.next();
      return result.done === true ? undefined : result.value;
    } finally {
      this.callSignal.stop();
    }
  }
}

/** The Anthropic error type a failed Bedrock call reads as in an SSE `error` event. */
export function anthropicTypeFor(err: GatewayError): string {
  if (err.status === 429) return 'rate_limit_error';
  if (err.status === 503) return 'overloaded_error';
  if (err.status === 400) return 'invalid_request_error';
  if (err.status === 403) return 'permission_error';
  if (err.status === 404) return 'not_found_error';
  return 'api_error';
}

/** Everything one provider.send needs, assembled by the provider. */
export interface BedrockExchange {
  readonly request: ClientRequest;
  readonly sink: ResponseSink;
  readonly options: SendOptions;
  readonly client: BedrockRuntimeClient;
  readonly call: CallContext;
  readonly profiles: InferenceProfiles;
  readonly signal: CallSignal;
  /** Unix milliseconds, for `created` stamps. */
  readonly now: number;
  readonly log: ProviderLog;
  /** What earlier refusals taught about each model. */
  readonly learned: LearnedAdjustments;
  /** Reports each kind of change made to fit a request to a model, once per model. */
  readonly reporter: AdaptationReporter;
}

/** SDK send options for one attempt: the call's abort signal and the first-byte timeout. */
export function sdkOptions(exchange: BedrockExchange): { abortSignal: AbortSignal; requestTimeout: number } {
  return { abortSignal: exchange.signal.signal, requestTimeout: exchange.options.timeouts.firstByteMs };
}

/** Calls with the profile fallback, then reports the first byte. */
export async function attempt<T>(exchange: BedrockExchange, invoke: (modelId: string) => Promise<T>): Promise<Called<T>> {
  const called = await callWithProfile(exchange.profiles, exchange.call, exchange.options.signal, invoke);
  exchange.options.onFirstByte?.();
  return called;
}

/**
 * Open an SDK event stream and wait for its first event before anything is sent to the client, so
 * a stream that fails at once is still a retryable error rather than a broken response.
 */
export async function openEventStream<T>(
  exchange: BedrockExchange,
  stream: AsyncIterable<T> | undefined,
  servedModel: string,
): Promise<{ reader: EventReader<T>; first: T | undefined }> {
  if (stream === undefined) throw exchange.signal.failure(new Error('Bedrock answered without a stream'), exchange.call);
  const reader = new EventReader<T>(stream, exchange.signal);
  try {
    return { reader, first: await reader.next() };
  } catch (err) {
    throw exchange.signal.failure(err, { ...exchange.call, modelId: servedModel });
  }
}

/** A request body built for one model; rebuilt after a refusal taught the model something new. */
export interface BuiltRequest {
  /** The betas the body sends, confirmed for the model once a call with them succeeds. */
  readonly betas: readonly string[];
  /** What the gateway changed in the client's request for this model. */
  readonly adaptations: readonly string[];
}

/**
 * Calls with the profile fallback; when Bedrock refuses the body (400 ValidationException) naming something the
 * gateway can remove, learns that for the model, rebuilds the body and retries once on the same target. A second
 * refusal, or one that names nothing removable, is thrown unchanged. Nothing is billed for a refused call.
 */
export async function attemptHealing<T, B extends BuiltRequest>(
  exchange: BedrockExchange,
  learned: LearnedAdjustments,
  build: () => B,
  invoke: (modelId: string, built: B) => Promise<T>,
): Promise<Called<T> & { readonly built: B }> {
  const { providerId, modelId } = exchange.call;
  let built = build();
  let called: Called<T>;
  try {
    called = await callWithProfile(exchange.profiles, exchange.call, exchange.options.signal, (id) => invoke(id, built));
  } catch (err) {
    if (!(err instanceof GatewayError) || err.status !== 400 || err.upstreamType !== 'ValidationException') throw err;
    const added = learned.learn(providerId, modelId, adjustmentsFor(err.message, learned.unconfirmedBetas(modelId, built.betas)), err.message);
    if (added.length === 0) throw err;
    const healed = added.map((a) => `healed after Bedrock refused the request: ${describe(a)}`);
    const rebuilt = build();
    built = { ...rebuilt, adaptations: [...rebuilt.adaptations, ...healed] };
    called = await callWithProfile(exchange.profiles, exchange.call, exchange.options.signal, (id) => invoke(id, built));
  }
  learned.confirmBetas(modelId, built.betas);
  exchange.options.onFirstByte?.();
  return { ...called, built };
}
