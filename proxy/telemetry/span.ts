// A finished request as one GenAI span: name, real timing, attributes, one event per attempt. Pure; no OpenTelemetry types.
import type { Operation } from '../providers/types.js';
import type { LogRecord } from '../logs/record.js';
import { ATTEMPT_EVENT, ERROR_TYPE, GEN_AI, HTTP_STATUS, OPERATION_CHAT, OPERATION_COUNT_TOKENS, PROVIDER_NAMES, SPENDGATE } from './names.js';

export type AttributeValue = string | number | boolean | string[];
export type Attributes = Record<string, AttributeValue>;

/** Maps a virtual key id to the value exports may show for it (the /metrics labeller: never a key's secret). */
export type KeyLabel = (id: string) => string;

/** What the record stage hands over once a request is answered and journaled. */
export interface FinishedRequest {
  readonly operation: Operation;
  /** Wall-clock arrival, ms since the epoch. */
  readonly receivedAt: number;
  /** Arrival to the end of the request, sub-millisecond (the records round to whole ms). */
  readonly durationMs: number;
  /** The request's log records: one per upstream attempt in order, or one without a provider when refused before any. */
  readonly records: readonly LogRecord[];
  /** Milliseconds each record's upstream call took, index-aligned with `records` (0 for a refusal). */
  readonly upstreamMs: readonly number[];
}

export interface SpanEventDescription {
  readonly name: string;
  readonly timeMs: number;
  readonly attributes: Attributes;
}

export interface SpanDescription {
  readonly name: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: Attributes;
  readonly events: readonly SpanEventDescription[];
  /** Set when the request failed; the span's status is then ERROR. */
  readonly errorType?: string;
}

/**
 * Client-chosen strings (a model name) go into span names and attributes: long ones are cut so one request cannot
 * make a multi-kilobyte span. Real model ids are far shorter.
 */
const MAX_TEXT = 256;

export function clip(text: string): string {
  return text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
}

export function operationName(operation: Operation): string {
  return operation === 'count_tokens' ? OPERATION_COUNT_TOKENS : OPERATION_CHAT;
}

/** The request's last record: the attempt that answered, or the refusal. */
export function finalRecord(request: FinishedRequest): LogRecord {
  const last = request.records[request.records.length - 1];
  if (!last) throw new Error('a finished request has at least one log record');
  return last;
}

/** The records of attempts that reached a provider config (a refused request has none). */
export function attempts(request: FinishedRequest): readonly LogRecord[] {
  return request.records.filter((r) => r.providerConfigId !== undefined);
}

/** `error.type` of a failed request: spendgate's error code, else the HTTP status (the convention's fallback). */
export function errorTypeOf(record: LogRecord): string | undefined {
  if (record.errorType !== undefined) return record.errorType;
  return record.status >= 400 ? String(record.status) : undefined;
}

export interface TokenTotals {
  readonly uncachedInput: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
  /** Every input token, cached ones included, as `gen_ai.usage.input_tokens` counts them. */
  readonly input: number;
}

/** Tokens over every attempt: each attempt's usage was billed, so the request consumed their sum. */
export function tokenTotals(records: readonly LogRecord[]): TokenTotals {
  let uncachedInput = 0;
  let output = 0;
  let cacheRead = 0;
  let cacheWrite5m = 0;
  let cacheWrite1h = 0;
  for (const r of records) {
    uncachedInput += r.inputTokens;
    output += r.outputTokens;
    cacheRead += r.cacheReadTokens;
    cacheWrite5m += r.cacheWrite5mTokens;
    cacheWrite1h += r.cacheWrite1hTokens;
  }
  return { uncachedInput, output, cacheRead, cacheWrite5m, cacheWrite1h, input: uncachedInput + cacheRead + cacheWrite5m + cacheWrite1h };
}

/** Who the request belongs to; present ids only. The key id goes through the labeller. */
export function ownerAttributes(record: LogRecord, keyLabel: KeyLabel): Attributes {
  const out: Attributes = {};
  if (record.virtualKeyId !== undefined) out[SPENDGATE.virtualKey] = keyLabel(record.virtualKeyId);
  if (record.teamId !== undefined) out[SPENDGATE.team] = record.teamId;
  if (record.customerId !== undefined) out[SPENDGATE.customer] = record.customerId;
  return out;
}

function attemptEvent(r: LogRecord, upstreamMs: number): SpanEventDescription {
  const attributes: Attributes = {
    [SPENDGATE.attempt]: r.attempt,
    [HTTP_STATUS]: r.status,
    [GEN_AI.inputTokens]: r.inputTokens + r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens,
    [GEN_AI.outputTokens]: r.outputTokens,
  };
  if (r.providerConfigId !== undefined) attributes[SPENDGATE.providerConfig] = r.providerConfigId;
  if (r.providerType !== undefined) attributes[GEN_AI.providerName] = PROVIDER_NAMES[r.providerType];
  if (r.modelServed !== undefined) attributes[GEN_AI.responseModel] = r.modelServed;
  if (r.cost !== null) attributes[SPENDGATE.costMicros] = r.cost.total;
  const error = errorTypeOf(r);
  if (error !== undefined) attributes[ERROR_TYPE] = error;
  attributes[SPENDGATE.upstreamMs] = Math.round(upstreamMs);
  if (r.ttftMs !== undefined) attributes[SPENDGATE.ttftMs] = r.ttftMs;
  if (r.routing?.adaptations?.length) attributes[SPENDGATE.adapted] = true;
  return { name: ATTEMPT_EVENT, timeMs: r.timestamp, attributes };
}

/**
 * The span of one client request. Deliberately reads only counts, ids, names and codes from the records: never
 * `requestBody`, `responseBody` or `errorMessage` (an upstream's error message can quote the prompt).
 */
export function describeSpan(request: FinishedRequest, keyLabel: KeyLabel): SpanDescription {
  const last = finalRecord(request);
  const tried = attempts(request);
  const operation = operationName(request.operation);
  const requestModel = clip(last.modelRequested);
  const attributes: Attributes = {
    [GEN_AI.operationName]: operation,
    [SPENDGATE.requestId]: last.requestId,
    [SPENDGATE.route]: last.route,
    [SPENDGATE.stream]: last.stream,
    [HTTP_STATUS]: last.status,
    [SPENDGATE.attempts]: tried.length,
    ...ownerAttributes(last, keyLabel),
  };
  if (requestModel !== '') attributes[GEN_AI.requestModel] = requestModel;
  if (last.providerType !== undefined) {
    attributes[GEN_AI.providerName] = PROVIDER_NAMES[last.providerType];
    attributes[GEN_AI.system] = PROVIDER_NAMES[last.providerType];
  }
  if (last.modelServed !== undefined) attributes[GEN_AI.responseModel] = last.modelServed;
  if (last.providerConfigId !== undefined) attributes[SPENDGATE.providerConfig] = last.providerConfigId;
  if (last.accountId !== undefined) attributes[SPENDGATE.account] = last.accountId;
  if (last.stopReason !== undefined) attributes[GEN_AI.finishReasons] = [clip(last.stopReason)];

  if (tried.length > 0) {
    const tokens = tokenTotals(tried);
    attributes[GEN_AI.inputTokens] = tokens.input;
    attributes[GEN_AI.outputTokens] = tokens.output;
    attributes[GEN_AI.cacheReadInputTokens] = tokens.cacheRead;
    attributes[GEN_AI.cacheCreationInputTokens] = tokens.cacheWrite5m + tokens.cacheWrite1h;
    attributes[SPENDGATE.uncachedInputTokens] = tokens.uncachedInput;
    attributes[SPENDGATE.cacheReadTokens] = tokens.cacheRead;
    attributes[SPENDGATE.cacheWrite5mTokens] = tokens.cacheWrite5m;
    attributes[SPENDGATE.cacheWrite1hTokens] = tokens.cacheWrite1h;
    const micros = tried.reduce((sum, r) => sum + (r.cost?.total ?? 0), 0);
    attributes[SPENDGATE.costMicros] = micros;
    // Dollars for dashboards; the exact integer stays beside it.
    attributes[SPENDGATE.costUsd] = micros / 1_000_000;
    attributes[SPENDGATE.missingCost] = tried.some((r) => r.missingCost);
    attributes[SPENDGATE.adapted] = tried.some((r) => (r.routing?.adaptations?.length ?? 0) > 0);
  }
  for (const [name, value] of Object.entries(last.tags ?? {})) attributes[`${SPENDGATE.tagPrefix}${name}`] = value;

  const errorType = errorTypeOf(last);
  if (errorType !== undefined) attributes[ERROR_TYPE] = errorType;
  return {
    name: requestModel === '' ? operation : `${operation} ${requestModel}`,
    startMs: request.receivedAt,
    endMs: request.receivedAt + Math.max(0, request.durationMs),
    attributes,
    events: request.records.flatMap((r, i) => (r.providerConfigId === undefined ? [] : [attemptEvent(r, request.upstreamMs[i] ?? 0)])),
    ...(errorType !== undefined && { errorType }),
  };
}
