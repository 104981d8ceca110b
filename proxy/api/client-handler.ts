// Client routes (/anthropic, /openai, /bedrock): read and validate the body, then run the pipeline.
import { newId } from '../core/ids.js';
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError, isGatewayError } from '../core/errors.js';
import { readBody } from '../server/body.js';
import { HttpSink } from '../server/sink.js';
import { matchClientRoute, parseClientRequest, presentedKey, type ClientRoute } from './client-request.js';
import type { RequestContext } from './context.js';
import { asGatewayError, runPipeline } from './pipeline.js';
import type { AnyRequest, AnyResponse } from './respond.js';
import type { Services } from './services.js';
import { parseTags } from './tags.js';
import { toWireError } from './wire-errors.js';
import { countTokens } from './count-tokens.js';

export { matchClientRoute };

export async function handleClient(
  s: Services,
  route: ClientRoute,
  path: string,
  query: string,
  req: AnyRequest,
  res: AnyResponse,
  maxBodyBytes: number,
): Promise<void> {
  const receivedAt = s.clock.now();
  const t0 = performance.now();
  const sink = new HttpSink(res, s.config.logging.captureBodies ? s.config.logging.maxBodyCaptureBytes : 0);
  const headers = req.headers as IncomingHttpHeaders;
  let ctx: RequestContext;
  try {
    const raw = await readBody(req, headers['content-length'], maxBodyBytes);
    const request = parseClientRequest(route, raw, headers, query);
    ctx = {
      requestId: newId(),
      receivedAt,
      t0,
      request,
      sink,
      presentedKey: presentedKey(headers),
      tags: { ...s.defaultTags, ...parseTags(headers['x-spendgate-tags']) },
      keyTiers: [],
      excluded: [],
      attempts: [],
      charges: [],
    };
  } catch (err) {
    if (!isGatewayError(err) && req.destroyed) {
      // The client went away before its body arrived: nobody to answer, nothing was spent.
      s.log({ level: 'debug', event: 'client_aborted', path });
      return;
    }
    const error = asGatewayError(err);
    const wire = toWireError(route.protocol, error);
    // The rest of an oversized body is discarded by node:http as it arrives (bounded by the server's
    // requestTimeout), so the client can finish sending and read the 413 instead of a reset.
    sink.respond(wire.status, wire.headers, wire.body);
    s.log({ level: 'info', event: 'rejected', path, status: error.status, message: error.message });
    return;
  }
  res.setHeader('x-request-id', ctx.requestId);
  if (route.operation === 'count_tokens') return countTokens(ctx, s);
  await runPipeline(ctx, s);
}

/** GET {prefix}/v1/models: the models of the key's account, in the route's own list shape. */
export function routeNotFound(protocol: ClientRoute['protocol'], method: string, path: string): ReturnType<typeof toWireError> {
  return toWireError(protocol, new GatewayError('not_found', `no route ${method} ${path}`));
}
