// Client routes (/anthropic, /openai, /bedrock): the request's context from its headers, then its pipeline
// (which authenticates the key before it reads the body).
import { newId } from '../core/ids.js';
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/errors.js';
import { pendingBody } from '../server/body.js';
import { HttpSink } from '../server/sink.js';
import { matchClientRoute, presentedKey, requestEnvelope, type ClientRoute } from './client-request.js';
import type { RequestContext } from './context.js';
import { COUNT_TOKENS_STAGES, MESSAGE_STAGES, runPipeline } from './pipeline.js';
import { sendClientError, type AnyRequest, type AnyResponse } from './respond.js';
import type { Services } from './services.js';
import { parseTags } from './tags.js';

export { matchClientRoute };

export async function handleClient(
  s: Services,
  route: ClientRoute,
  query: string,
  req: AnyRequest,
  res: AnyResponse,
  maxBodyBytes: number,
): Promise<void> {
  const headers = req.headers as IncomingHttpHeaders;
  // One snapshot for the whole request: a reload from here on serves the next requests, not this one.
  const snapshot = s.snapshot;
  const ctx: RequestContext = {
    requestId: newId(),
    protocol: route.protocol,
    snapshot,
    receivedAt: s.clock.now(),
    t0: performance.now(),
    route,
    request: requestEnvelope(route, headers, query),
    pendingBody: pendingBody(req, headers['content-length'], maxBodyBytes),
    sink: new HttpSink(res, snapshot.config.logging.captureBodies ? snapshot.config.logging.maxBodyCaptureBytes : 0),
    presentedKey: presentedKey(headers),
    tags: { ...s.defaultTags, ...parseTags(headers['x-spendgate-tags']) },
    keyTiers: [],
    excluded: [],
    attempts: [],
    charges: [],
  };
  res.setHeader('x-request-id', ctx.requestId);
  await runPipeline(route.operation === 'count_tokens' ? COUNT_TOKENS_STAGES : MESSAGE_STAGES, ctx, s);
}

/** A client prefix with a method or path it does not serve, answered in that prefix's protocol. */
export function routeNotFound(res: AnyResponse, protocol: ClientRoute['protocol'], method: string, path: string): void {
  sendClientError(res, protocol, new GatewayError('not_found', `no route ${method} ${path}`));
}
