// GET /ui: the dashboard for browsers (the same bundle as the VS Code webview), behind a session cookie.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { renderDashboardHtml } from '../../webview/html.js';
import { readBody } from './body.js';
import { GatewayError } from '../core/errors.js';
import { sendAuthRefusal, type AdminAuth } from './admin-auth.js';
import { sendApiError, sendJson, sendText, type AnyRequest, type AnyResponse } from '../api/respond.js';
import type { DashboardSessionJson } from '../api/wire/index.js';

/** A login body is `{"token": "<32-byte base64url>"}`; anything near this size is not a login. */
const MAX_LOGIN_BODY_BYTES = 4096;

/** The built webview bundle: next to the bundled CLI (dist/proxy → dist/webview), or dist/ when run from sources. */
function bundlePath(): string | undefined {
  const candidates = [join(__dirname, '..', 'webview', 'main.js'), join(__dirname, '..', '..', 'dist', 'webview', 'main.js')];
  return candidates.find((p) => existsSync(p));
}

export class DashboardUi {
  private script: Promise<Buffer> | undefined;

  constructor(private readonly auth: AdminAuth) {}

  async handle(method: string, path: string, req: AnyRequest, res: AnyResponse): Promise<void> {
    if (method === 'GET' && (path === '/ui' || path === '/ui/')) {
      const nonce = randomBytes(16).toString('base64');
      const html = renderDashboardHtml({ cspSource: "'self'", nonce, scriptUri: '/ui/main.js', mode: 'browser' });
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
      });
      res.end(html);
      return;
    }
    if (method === 'GET' && path === '/ui/main.js') {
      const file = bundlePath();
      if (!file) return sendText(res, 404, 'dashboard bundle not built: run npm run build');
      this.script ??= readFile(file);
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' });
      res.end(await this.script);
      return;
    }
    if (method === 'POST' && path === '/ui/login') {
      let raw: Buffer;
      try {
        raw = await readBody(req, req.headers['content-length'], MAX_LOGIN_BODY_BYTES);
      } catch (err) {
        if (err instanceof GatewayError && err.kind === 'too_large') return sendApiError(res, 413, 'request_too_large', err.message);
        throw err;
      }
      let token: unknown;
      try {
        token = (JSON.parse(raw.toString('utf8')) as { token?: unknown }).token;
      } catch {
        return sendApiError(res, 400, 'invalid_request', 'body must be JSON {"token": "..."}');
      }
      if (typeof token !== 'string') return sendApiError(res, 400, 'invalid_request', 'body must be JSON {"token": "..."}');
      const session = this.auth.login(token);
      if (!session.ok) return sendAuthRefusal(res, session);
      // The cookie alone is not a session (browsers send it to every port of this host): the page keeps
      // session_token where only this origin can read it and sends it with every request.
      return sendJson<DashboardSessionJson>(res, 200, { session_token: session.sessionToken }, { 'set-cookie': this.auth.sessionCookie(session.cookieId) });
    }
    sendApiError(res, 404, 'not_found', `no route ${method} ${path}`);
  }
}
