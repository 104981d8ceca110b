// The contract every provider adapter implements: one inbound request, one target, one response sink.
import type { ProviderConfig } from '../config/types.js';
import type { Usage } from '../core/usage.js';
import type { JsonBody } from '../core/json-body.js';

import type { ClientOperation, ClientProtocol } from '../core/protocol.js';

export type { ClientProtocol } from '../core/protocol.js';

/** What the client asked for (`responses`, `chat_completions`, `converse_stream`…); the list lives in core/protocol.ts. */
export type Operation = ClientOperation;

/** A client request, validated at the edge. */
export interface ClientRequest {
  readonly protocol: ClientProtocol;
  readonly operation: Operation;
  /** The model the client asked for (body `model`, or the Bedrock path's model id). */
  readonly model: string;
  readonly stream: boolean;
  /** The JSON body: its bytes as received (`body.raw`), members parsed as read, the whole parsed on demand. */
  readonly body: JsonBody;
  /** Lower-cased request headers the client sent (credentials already removed). */
  readonly headers: Readonly<Record<string, string>>;
  /** Query string without the `?` ('' when none). */
  readonly query: string;
}

/** A provider config with its secrets resolved, ready to call. */
export interface ProviderTarget extends ProviderConfig {
  /** The resolved API key for anthropic/openai targets (from `api_key: env.NAME`). */
  readonly resolvedApiKey?: string;
}

/**
 * Where a provider writes the response, in the client's protocol. The sink knows whether any byte
 * reached the client (after which the gateway never retries) and whether the client went away
 * (after which the provider keeps reading the upstream to learn the billed usage, but writes nothing).
 */
export interface ResponseSink {
  /** Send status and headers. Called once, before any write. */
  head(status: number, headers: Readonly<Record<string, string>>): void;
  /** Write a chunk; resolves once the client accepted it (back-pressure) or immediately if it is gone. */
  write(chunk: Uint8Array | string): Promise<void>;
  /** Finish the response, optionally with a last chunk. */
  end(chunk?: Uint8Array | string): void;
  /** True once head() was called: the response is committed. */
  readonly started: boolean;
  /** True once the client disconnected. */
  readonly clientGone: boolean;
}

export interface Timeouts {
  readonly connectMs: number;
  /** Time from sending the request to the first response byte (headers). */
  readonly firstByteMs: number;
  /** Longest silence between two body chunks. */
  readonly idleMs: number;
}

export interface SendOptions {
  readonly timeouts: Timeouts;
  /** Aborted when the gateway gives up on the request (shutdown, total deadline). */
  readonly signal: AbortSignal;
  /** Called with usage as soon as it is known, even partially (streams), so accounting never loses it. */
  readonly onUsage?: (usage: Usage) => void;
  /** Called when the first byte of the upstream response arrives. */
  readonly onFirstByte?: () => void;
  /**
   * Credentials the gateway knows (provider keys, virtual key secrets): scrubbed, with credential-shaped tokens,
   * from any upstream error text before it leaves the provider (redact.ts).
   */
  readonly secrets?: Iterable<string>;
  /**
   * Bedrock: the application inference profile ARN this request is attributed to (its team's or key's, from the
   * provider config's `application_inference_profiles`). Bedrock is called with it as the model id; the target's
   * model still decides the request body, and pricing treats the ARN as that model.
   */
  readonly applicationInferenceProfile?: string;
}

/** What happened on one upstream call whose response reached the client (fully or partly). */
export interface UpstreamOutcome {
  /** HTTP status sent to the client. */
  readonly status: number;
  /** Final usage as the provider billed it; null when the upstream reported none. */
  readonly usage: Usage | null;
  /** The model id actually called (e.g. an inference profile id), for pricing. */
  readonly servedModel: string;
  readonly stopReason?: string;
  /** Set when the response failed after it had started (mid-stream error, upstream error body passed through). */
  readonly error?: { readonly type: string; readonly message: string };
  /** What the provider changed in the client's request so that the target's model accepts it (empty or absent: nothing). */
  readonly adaptations?: readonly string[];
}

/** A change a provider learned at run time to make a model accept requests (shown in GET /api/routing). */
export interface LearnedChange {
  /** What the gateway now does for the model, in words. */
  readonly change: string;
  /** The upstream's refusal that taught it. */
  readonly reason: string;
  /** ISO 8601 UTC. */
  readonly learnedAt: string;
}

export interface Provider {
  /**
   * Whether send() reads the client's whole body, parsed (a translation to another API), rather than a few members
   * over the forwarded bytes. The edge then parses the body whole at once instead of scanning it (JsonBody.read).
   */
  readonly parsesWholeBody: boolean;
  /** Why this provider cannot serve this request on this target, or null when it can. */
  unsupported(request: ClientRequest, target: ProviderTarget): string | null;
  /**
   * Call the upstream and stream the answer to the sink in the client's protocol.
   * Throws GatewayError (kind 'upstream', with `retryable`) when it fails before the sink started;
   * once the sink started it never throws for upstream faults and reports them in the outcome.
   */
  send(request: ClientRequest, target: ProviderTarget, sink: ResponseSink, options: SendOptions): Promise<UpstreamOutcome>;
  /** What this provider learned at run time about the target's model (empty when it adapts nothing). */
  learnedChanges(target: ProviderConfig): readonly LearnedChange[];
  /** Release pooled connections. */
  close(): Promise<void>;
}
