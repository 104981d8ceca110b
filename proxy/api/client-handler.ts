// Client routes (/anthropic, /openai, /bedrock): the request's context from its headers, then the pipeline
// (which authenticates the key before it reads the body).
import { newId } from '../core/ids.js';
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/errors.js';
import { pendingBody } from '../server/body.js';
import { HttpSink } from '../server/sink.js';
import { matchClientRoute, presentedKey, requestEnvelope, type ClientRoute } from './client-request.js';
import type { RequestContext } from './context.js';
import { runPipeline } from './pipeline.js';
import type { AnyRequest, AnyResponse } from './respond.js';
import type { Services } from './services.js';
import { parseTags } from './tags.js';
import { toWireError } from './wire-errors.js';
import { countTokens } from './count-tokens.js';

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
  const ctx: RequestContext = {
    requestId: newId(),
    receivedAt: s.clock.now(),
    t0: performance.now(),
    route,
    request: requestEnvelope(route, headers, query),
    pendingBody: pendingBody(req, headers['content-length'], maxBodyBytes),
    sink: new HttpSink(res, s.config.logging.captureBodies ? s.config.logging.maxBodyCaptureBytes : 0),
    presentedKey: presentedKey(headers),
    tags: { ...s.defaultTags, ...parseTags(headers['x-spendgate-tags']) },
    keyTiers: [],
    excluded: [],
    attempts: [],
    charges: [],
  };
  res.setHeader('x-request-id', ctx.requestId);
  if (route.operation === 'count_tokens') return countTokens(ctx, s);
  await runPipeline(ctx, s);
}

/** GET {prefix}/v1/models: the models of the key's account, in the route's own list shape. */
export function routeNotFound(protocol: ClientRoute['protocol'], method: string, path: string): ReturnType<typeof toWireError> {
  return toWireError(protocol, new GatewayError('not_found', `no route ${method} ${path}`));
}
