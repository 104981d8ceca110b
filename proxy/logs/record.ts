// One request log record: what a user filters, sorts and sums on. One record per upstream attempt.
import type { ClientOperation, ClientProtocol } from '../core/protocol.js';
import type { ProviderType } from '../config/types.js';
import type { CostMicros } from '../pricing/cost.js';

export type { CostMicros } from '../pricing/cost.js';

export interface RoutingDecision {
  /** Provider config ids that matched the requested model. */
  readonly candidates: readonly string[];
  /** Candidates excluded, with the reason (over budget, rate limited, cooldown, unsupported…). */
  readonly excluded: readonly { readonly id: string; readonly reason: string }[];
  /** The provider config chosen for this attempt. */
  readonly chosen?: string;
  /** What the provider changed in the request so that the chosen target's model accepts it. */
  readonly adaptations?: readonly string[];
}

export type CacheStatus = 'hit' | 'write' | 'none';

export interface LogRecord {
  /** Unique per record (per attempt). */
  readonly id: string;
  /** Shared by every attempt of one client request. */
  readonly requestId: string;
  /** 1-based attempt number within the request. */
  readonly attempt: number;
  /** Milliseconds since the epoch when the request arrived. */
  readonly timestamp: number;
  readonly route: ClientProtocol;
  /** What the client asked for on that route (`messages`, `chat_completions`, `responses`, `responses_compact`…); absent on records written before it was kept. */
  readonly operation?: ClientOperation;
  readonly providerType?: ProviderType;
  readonly providerConfigId?: string;
  readonly accountId?: string;
  readonly modelRequested: string;
  readonly modelServed?: string;
  readonly virtualKeyId?: string;
  readonly teamId?: string;
  readonly customerId?: string;
  /** HTTP status sent to the client (or the upstream's status for a failed attempt that was retried). */
  readonly status: number;
  /** Error type (e.g. budget_exceeded, upstream_error, overloaded_error) when the attempt failed. */
  readonly errorType?: string;
  readonly errorMessage?: string;
  readonly stream: boolean;
  /** Total latency in milliseconds. */
  readonly latencyMs: number;
  /** Time to first token (first upstream byte) in milliseconds. */
  readonly ttftMs?: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWrite5mTokens: number;
  readonly cacheWrite1hTokens: number;
  /** null when the model has no price (then missingCost is true). */
  readonly cost: CostMicros | null;
  readonly missingCost: boolean;
  readonly cache: CacheStatus;
  readonly routing?: RoutingDecision;
  readonly stopReason?: string;
  /** Free-form tags (`x-spendgate-tags`, git branch, workspace). */
  readonly tags?: Readonly<Record<string, string>>;
  /** Only when logging.capture_bodies is on and the request reached an upstream (refused requests keep no body). */
  readonly requestBody?: string;
  readonly responseBody?: string;
  /** The full byte sizes of captured bodies that were cut at logging.max_body_capture_bytes. */
  readonly bodiesCut?: BodiesCut;
}

export interface BodiesCut {
  readonly request?: number;
  readonly response?: number;
}
