// Every HTTP request enters here: origin policy, in-flight cap, then open, management, UI or client routes.
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/errors.js';
import { handleClient, matchClientRoute, routeNotFound } from '../api/client-handler.js';
import { handleManagement, type ManagementContext } from '../api/management.js';
import { handleModels } from '../api/models.js';
import { sendApiError, sendClientError, sendJson, sendText, type AnyRequest, type AnyResponse } from '../api/respond.js';
import type { ClientProtocol } from '../providers/types.js';
import { METRICS_CONTENT_TYPE } from '../logs/metrics.js';
import { sendAuthRefusal, type AdminAuth } from './admin-auth.js';
import type { HealthJson } from '../api/wire/index.js';
import { identityProof, isChallengeNonce } from '../api/wire/identity.js';
import type { OriginPolicy } from './origin.js';
import type { DashboardUi } from './ui.js';
import { baseUrl, missingPrefix, rootIndex } from './directions.js';

export interface DispatchOptions {
  readonly management: ManagementContext;
  readonly origin: OriginPolicy;
  readonly auth: AdminAuth;
  readonly ui: DashboardUi;
  readonly maxBodyBytes: number;
  readonly maxInFlight: number;
  /** Keys the identity proof of GET /health?challenge=; never sent anywhere. */
  readonly adminToken: string;
}

function protocolOf(path: string): ClientProtocol | undefined {
  if (path.startsWith('/anthropic/')) return 'anthropic';
  if (path.startsWith('/openai/')) return 'openai';
  if (path.startsWith('/bedrock/')) return 'bedrock';
  return undefined;
}

export class Dispatcher {
  inFlight = 0;

  constructor(private readonly opts: DispatchOptions) {}

  handle = (req: AnyRequest, res: AnyResponse): void => {
    // Set before any route runs so every answer carries it, including upstream passthroughs: writeHead
    // merges headers set here. No response of this gateway is meant to be sniffed into script or HTML.
    res.setHeader('x-content-type-options', 'nosniff');
    this.dispatch(req, res).catch((err: unknown) => {
      this.opts.management.services.log({ level: 'error', event: 'unhandled', message: (err as Error).message });
      if (!res.headersSent) sendApiError(res, 500, 'api_error', 'internal error');
      else res.destroy();
    });
  };

  private async dispatch(req: AnyRequest, res: AnyResponse): Promise<void> {
    const headers = req.headers as IncomingHttpHeaders;
    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const query = q === -1 ? '' : rawUrl.slice(q + 1);
    const method = req.method ?? 'GET';

    const refusal = this.opts.origin.refusal(headers);
    if (refusal) return sendApiError(res, 403, 'forbidden', refusal);

    if (method === 'GET' && path === '/health') {
      const health: HealthJson = { status: 'ok', service: 'spendgate', version: this.opts.management.version };
      // The extension sends a nonce before any secret and checks the proof (proxy/api/wire/identity.ts).
      const challenge = new URLSearchParams(query).get('challenge');
      const port = req.socket.localPort;
      if (challenge === null || !isChallengeNonce(challenge) || port === undefined) return sendJson(res, 200, health);
      return sendJson<HealthJson>(res, 200, { ...health, proof: identityProof(this.opts.adminToken, port, challenge) });
    }
    if (method === 'GET' && path === '/metrics') {
      const s = this.opts.management.services;
      const budgets = s.ledger.snapshot().map((t) => ({ tier: t.tier, id: t.id, remainingMicros: t.remainingMicros }));
      return sendText(res, 200, s.metrics.render(budgets), METRICS_CONTENT_TYPE);
    }
    if (path === '/ui' || path.startsWith('/ui/')) return this.opts.ui.handle(method, path, req, res);
    if (path.startsWith('/api/')) {
      const verdict = this.opts.auth.authorize({ headers, sameOrigin: this.opts.origin.provesSameOrigin(headers) });
      if (!verdict.ok) {
        req.resume();
        return sendAuthRefusal(res, verdict);
      }
      return handleManagement(this.opts.management, new URL(rawUrl, 'http://gateway'), req, res);
    }

    const protocol = protocolOf(path);
    if (!protocol) {
      const base = baseUrl(headers, req.socket.localAddress, req.socket.localPort);
      if (method === 'GET' && path === '/') return sendJson(res, 200, rootIndex(base, this.opts.management.version));
      const hint = missingPrefix(method, path, headers, base);
      req.resume();
      if (hint) {
        res.writeHead(hint.status, hint.headers);
        return void res.end(hint.body);
      }
      return sendApiError(res, 404, 'not_found', `no route ${method} ${path} (GET / lists what spendgate serves)`);
    }
    if (method === 'GET' && (path === '/anthropic/v1/models' || path === '/openai/v1/models')) {
      return handleModels(this.opts.management.services, protocol, req, res);
    }
    const route = method === 'POST' ? matchClientRoute(path) : undefined;
    if (!route) return routeNotFound(res, protocol, method, path);
    if (this.inFlight >= this.opts.maxInFlight) {
      req.resume();
      return sendClientError(res, protocol, new GatewayError('overloaded', `spendgate is at its limit of ${this.opts.maxInFlight} requests in flight`, { retryAfter: 1 }));
    }
    const s = this.opts.management.services;
    this.inFlight += 1;
    s.metrics.requestStarted();
    try {
      await handleClient(s, route, query, req, res, this.opts.maxBodyBytes);
    } finally {
      this.inFlight -= 1;
      s.metrics.requestFinished();
    }
  }
}
