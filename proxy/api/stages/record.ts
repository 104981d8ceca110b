// Stage 7: one log record per attempt, journaled with the charges before the response's last byte.
import { newId } from '../../core/ids.js';
import { ZERO_USAGE } from '../../core/usage.js';
import { errorCode } from '../wire-errors.js';
import type { BodiesCut, CacheStatus, CostMicros, LogRecord } from '../../logs/record.js';
import { utf8Prefix } from '../../core/utf8.js';
import type { Attempt, RequestContext } from '../context.js';
import type { Services } from '../services.js';

const ZERO_COST: CostMicros = { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0, total: 0 };

function cacheStatus(a: Attempt | undefined): CacheStatus {
  const u = a?.usage;
  if (!u) return 'none';
  if (u.cacheReadTokens > 0) return 'hit';
  if (u.cacheWrite5mTokens + u.cacheWrite1hTokens > 0) return 'write';
  return 'none';
}

interface CapturedBodies {
  readonly requestBody?: string;
  readonly responseBody?: string;
  readonly bodiesCut?: BodiesCut;
}

/**
 * The bodies the request's last record keeps. A request refused before any upstream attempt (authentication,
 * permission, budget, rate limit, guard, no provider) keeps none: an unauthenticated client must not be able to
 * fill the log's memory and disk. Kept bodies are cut at logging.max_body_capture_bytes, and the record says so.
 */
function capturedBodies(ctx: RequestContext): CapturedBodies {
  const { captureBodies, maxBodyCaptureBytes } = ctx.snapshot.config.logging;
  if (!captureBodies || ctx.attempts.length === 0) return {};
  const raw = ctx.request.body.raw;
  const requestCut = raw.length > maxBodyCaptureBytes ? raw.length : undefined;
  const responseCut = ctx.sink.capturedCutFrom;
  const cut: BodiesCut = {
    ...(requestCut !== undefined && { request: requestCut }),
    ...(responseCut !== undefined && { response: responseCut }),
  };
  return {
    requestBody: utf8Prefix(raw, maxBodyCaptureBytes),
    responseBody: ctx.sink.captured(),
    ...(Object.keys(cut).length > 0 && { bodiesCut: cut }),
  };
}

function buildRecord(ctx: RequestContext, attempt: Attempt | undefined, number: number, isLast: boolean): LogRecord {
  const usage = attempt?.usage ?? ZERO_USAGE;
  const error = attempt ? (attempt.error ?? attempt.outcome?.error) : ctx.error;
  // The docs/errors.md code (budget_exceeded, request_limited, upstream_error…), or the provider's own error type mid-stream.
  const gatewayError = attempt ? attempt.error : ctx.error;
  const errorType = gatewayError ? errorCode(gatewayError) : attempt?.outcome?.error?.type;
  const status = attempt?.outcome?.status ?? attempt?.error?.status ?? ctx.error?.status ?? ctx.reply?.status ?? 500;
  const free = ctx.route.operation === 'count_tokens';
  const target = attempt?.target ?? ctx.reply?.target;
  return {
    id: newId(),
    requestId: ctx.requestId,
    attempt: number,
    timestamp: attempt?.startedAt ?? ctx.receivedAt,
    route: ctx.request.protocol,
    operation: ctx.route.operation,
    providerType: target?.type,
    providerConfigId: target?.id,
    accountId: target?.accountId ?? ctx.plan?.account.id,
    modelRequested: ctx.request.model,
    modelServed: attempt?.outcome?.servedModel ?? target?.model,
    virtualKeyId: ctx.key?.id,
    teamId: ctx.key?.teamId,
    customerId: ctx.key?.customerId,
    status,
    errorType: error ? errorType : undefined,
    errorMessage: error?.message,
    stream: ctx.request.stream,
    latencyMs: Math.round(isLast ? performance.now() - ctx.t0 : (attempt?.upstreamMs ?? 0)),
    ttftMs: attempt?.ttfbMs === undefined ? undefined : Math.round(attempt.ttfbMs),
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    cacheReadTokens: usage.cacheReadTokens,
    cacheWrite5mTokens: usage.cacheWrite5mTokens,
    cacheWrite1hTokens: usage.cacheWrite1hTokens,
    // count_tokens is free at every provider: a known zero, not a missing price.
    cost: free ? ZERO_COST : (attempt?.cost ?? null),
    missingCost: attempt?.usage !== undefined && attempt.cost === null,
    cache: cacheStatus(attempt),
    routing: ctx.plan
      ? {
          candidates: ctx.plan.preferred.map((p) => p.id),
          excluded: [...ctx.excluded],
          chosen: target?.id,
          ...(attempt?.outcome?.adaptations?.length ? { adaptations: attempt.outcome.adaptations } : {}),
        }
      : undefined,
    // A count has no stop reason of its own; naming the operation here tells its records apart without a schema change.
    stopReason: free ? 'count_tokens' : attempt?.outcome?.stopReason,
    tags: Object.keys(ctx.tags).length > 0 ? ctx.tags : undefined,
    ...(isLast ? capturedBodies(ctx) : {}),
  };
}

export async function record(ctx: RequestContext, s: Services): Promise<void> {
  const logs: LogRecord[] =
    ctx.attempts.length === 0
      ? [buildRecord(ctx, undefined, 1, true)]
      : ctx.attempts.map((a, i) => buildRecord(ctx, a, a.number, i === ctx.attempts.length - 1));
  // commit() validates and serialises the entry before it returns (processing); the wait is what follows, until the
  // journal line is written and the last byte may go out.
  const committed = s.store.commit({ charges: ctx.charges, logs });
  const journalStart = performance.now();
  let journalMs = 0;
  try {
    await committed;
  } catch (err) {
    // The client's answer is complete; the journal failed. Say so loudly: this is money.
    s.log({ level: 'error', event: 'journal_failed', request_id: ctx.requestId, message: (err as Error).message, charges: ctx.charges });
  } finally {
    journalMs = performance.now() - journalStart;
    ctx.sink.release();
  }
  const upstreamMs = ctx.attempts.reduce((sum, a) => sum + (a.upstreamMs ?? 0), 0);
  const durationMs = performance.now() - ctx.t0;
  const overheadMs = Math.max(0, durationMs - upstreamMs);
  logs.forEach((log, i) => {
    s.hub.publish('create', log);
    const last = i === logs.length - 1;
    s.metrics.observe(log, {
      overheadMs: last ? overheadMs : 0,
      journalMs: last ? journalMs : 0,
      upstreamMs: ctx.attempts[i]?.upstreamMs ?? 0,
    });
  });
  // Off (no `telemetry:`), this one property read is all the export costs a request.
  if (s.telemetry.active) {
    s.telemetry.requestFinished({
      operation: ctx.route.operation,
      receivedAt: ctx.receivedAt,
      durationMs,
      records: logs,
      upstreamMs: logs.map((_, i) => ctx.attempts[i]?.upstreamMs ?? 0),
    });
  }
}
