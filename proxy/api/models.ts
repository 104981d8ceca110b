// GET /anthropic/v1/models and /openai/v1/models: the models the key's account serves, in each protocol's list shape.
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/errors.js';
import { anthropicModelList } from '../providers/anthropic/index.js';
import { openaiModelList } from '../providers/openai/index.js';
import type { ClientProtocol } from '../providers/types.js';
import { modelAllowed } from '../governance/keys.js';
import { presentedKey } from './client-request.js';
import type { AnyResponse } from './respond.js';
import { sendJson } from './respond.js';
import type { Services } from './services.js';
import { toWireError } from './wire-errors.js';

export function listModels(s: Services, protocol: ClientProtocol, headers: IncomingHttpHeaders, res: AnyResponse): void {
  const secret = presentedKey(headers);
  const key = secret === undefined ? undefined : s.keys.authenticate(secret);
  if (!key) {
    const wire = toWireError(protocol, new GatewayError('authentication', secret === undefined ? 'no virtual key' : 'unknown virtual key'));
    res.writeHead(wire.status, wire.headers);
    res.end(wire.body);
    return;
  }
  const account = s.router.account(key.accountId);
  const models = [...new Set((account?.providers ?? []).map((p) => p.model))].filter((m) => modelAllowed(key, m));
  sendJson(res, 200, protocol === 'openai' ? openaiModelList(models) : anthropicModelList(models));
}
