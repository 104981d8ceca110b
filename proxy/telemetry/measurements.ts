// A finished request as metric measurements: GenAI token usage and duration, spendgate cost and requests. Pure.
import type { LogRecord } from '../logs/record.js';
import { ERROR_TYPE, GEN_AI, HTTP_STATUS, PROVIDER_NAMES, SPENDGATE, TOKEN_TYPE } from './names.js';
import {
  attempts,
  clip,
  errorTypeOf,
  finalRecord,
  operationName,
  ownerAttributes,
  tokenTotals,
  type Attributes,
  type FinishedRequest,
  type KeyLabel,
} from './span.js';

export interface Measurement {
  readonly value: number;
  readonly attributes: Attributes;
}

export interface Measurements {
  /** `gen_ai.client.token.usage`: input and output, when the request reached a provider. */
  readonly tokenUsage: readonly Measurement[];
  /** `gen_ai.client.operation.duration`, in seconds. */
  readonly duration: Measurement;
  /** `spendgate.cost`, in US dollars, one per priced attempt (each attempt bills its own provider config). */
  readonly cost: readonly Measurement[];
  /** `spendgate.requests`: 1, by outcome. */
  readonly request: Measurement;
}

/**
 * The GenAI attributes of a request's metrics. Cardinality stays bounded by the config: the requested model is a
 * client-chosen string, so it is only kept once routing matched it to the config's targets (a request refused
 * before routing could otherwise mint a series per made-up name); the served model comes from the config.
 */
function genAiAttributes(request: FinishedRequest, last: LogRecord): Attributes {
  const out: Attributes = { [GEN_AI.operationName]: operationName(request.operation) };
  if (last.providerType !== undefined) out[GEN_AI.providerName] = PROVIDER_NAMES[last.providerType];
  if (last.routing !== undefined && last.modelRequested !== '') out[GEN_AI.requestModel] = clip(last.modelRequested);
  if (last.modelServed !== undefined) out[GEN_AI.responseModel] = last.modelServed;
  return out;
}

/** Spend is labelled as /metrics labels it: team, key (through the labeller), served model, provider config. */
function costAttributes(r: LogRecord, keyLabel: KeyLabel): Attributes {
  const out: Attributes = { ...ownerAttributes(r, keyLabel) };
  delete out[SPENDGATE.customer];
  if (r.modelServed !== undefined) out[GEN_AI.responseModel] = r.modelServed;
  if (r.providerConfigId !== undefined) out[SPENDGATE.providerConfig] = r.providerConfigId;
  return out;
}

export function measure(request: FinishedRequest, keyLabel: KeyLabel): Measurements {
  const last = finalRecord(request);
  const tried = attempts(request);
  const genAi = genAiAttributes(request, last);
  const errorType = errorTypeOf(last);
  const withError: Attributes = errorType === undefined ? genAi : { ...genAi, [ERROR_TYPE]: errorType };

  const tokens = tokenTotals(tried);
  const tokenUsage: Measurement[] =
    tried.length === 0 || tokens.input + tokens.output === 0
      ? []
      : [
          { value: tokens.input, attributes: { ...genAi, [GEN_AI.tokenType]: TOKEN_TYPE.input } },
          { value: tokens.output, attributes: { ...genAi, [GEN_AI.tokenType]: TOKEN_TYPE.output } },
        ];
  const cost = tried.flatMap((r) => (r.cost !== null && r.cost.total > 0 ? [{ value: r.cost.total / 1_000_000, attributes: costAttributes(r, keyLabel) }] : []));

  const requestAttributes: Attributes = { ...costAttributes(last, keyLabel), [HTTP_STATUS]: last.status };
  if (errorType !== undefined) requestAttributes[ERROR_TYPE] = errorType;
  return {
    tokenUsage,
    duration: { value: Math.max(0, request.durationMs) / 1000, attributes: withError },
    cost,
    request: { value: 1, attributes: requestAttributes },
  };
}
