// GET /anthropic/v1/models and /openai/v1/models: the models the key's account serves, through MODELS_STAGES.
import type { IncomingHttpHeaders } from 'node:http';
import { newId } from '../core/ids.js';
import type { ClientProtocol } from '../providers/types.js';
import { pendingBody } from '../server/body.js';
import { HttpSink } from '../server/sink.js';
import { presentedKey } from './client-request.js';
import type { LifecycleContext } from './context.js';
import { MODELS_STAGES, runPipeline } from './pipeline.js';
import type { AnyRequest, AnyResponse } from './respond.js';
import type { Services } from './services.js';

export async function handleModels(s: Services, protocol: ClientProtocol, req: AnyRequest, res: AnyResponse): Promise<void> {
  const headers = req.headers as IncomingHttpHeaders;
  const ctx: LifecycleContext = {
    requestId: newId(),
    protocol,
    snapshot: s.snapshot,
    // A GET has no body to read; the respond stage drains whatever a client sent anyway.
    pendingBody: pendingBody(req, headers['content-length'], 0),
    sink: new HttpSink(res),
    presentedKey: presentedKey(headers),
  };
  await runPipeline(MODELS_STAGES, ctx, s);
}
