// A loopback stand-in for the engine's browser surface (/ui, /ui/login, /api/*, /ws) that answers from the
// recorded fixture test/fixtures/dashboard-data.json, so the real dashboard bundle runs against real HTTP and WebSocket.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { renderDashboardHtml } from '../../webview/html.js';
import type { ApiResponses, LiveMessage, StatsJson } from '../../proxy/api/wire/index.js';

export interface DashboardFixture {
  readonly now: string;
  readonly status: ApiResponses['/api/status'];
  readonly budgets: ApiResponses['/api/budgets'];
  readonly routing: ApiResponses['/api/routing'];
  readonly logs: ApiResponses['/api/logs'];
  /** Keyed `interval/group_by`. */
  readonly stats: Readonly<Record<string, StatsJson>>;
  readonly cache: ApiResponses['/api/insights/cache'];
  readonly guards: ApiResponses['/api/guards'];
  readonly reconcile: ApiResponses['/api/reconcile'];
  /** Pushed over /ws on demand. */
  readonly live: readonly LiveMessage[];
}

export const FIXTURE_PATH = join(__dirname, '..', 'fixtures', 'dashboard-data.json');
export const LOGIN_TOKEN = 'fixture-one-time-login-token';
const COOKIE = 'spendgate_session';

export function loadFixture(): DashboardFixture {
  return JSON.parse(readFileSync(FIXTURE_PATH, 'utf8')) as DashboardFixture;
}

export interface FixtureServer {
  readonly url: string;
  /** API paths requested so far (with query strings). */
  readonly requests: string[];
  /** Sends every recorded live message to every connected dashboard. */
  pushLive(): void;
  /** Resolves once at least one dashboard holds a WebSocket. */
  connected(): Promise<void>;
  close(): Promise<void>;
}

export async function startFixtureServer(fixture: DashboardFixture, bundle: Buffer): Promise<FixtureServer> {
  const session = randomBytes(16).toString('hex');
  const requests: string[] = [];
  const sockets = new Set<WebSocket>();
  let onConnect: (() => void) | undefined;
  const sessionToken = randomBytes(16).toString('hex');
  // Like the engine: the cookie alone is not enough; the page must also present the session token it was given.
  const hasCookie = (req: IncomingMessage) => (req.headers.cookie ?? '').split(';').some((c) => c.trim() === `${COOKIE}=${session}`);
  const signedIn = (req: IncomingMessage) => hasCookie(req) && req.headers['x-spendgate-session'] === sessionToken;
  const signedInSocket = (req: IncomingMessage) =>
    hasCookie(req) && (req.headers['sec-websocket-protocol'] ?? '').split(',').some((p) => p.trim() === `spendgate.session.${sessionToken}`);
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fixture');
    if (req.method === 'GET' && url.pathname === '/ui') {
      const nonce = randomBytes(16).toString('base64');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(renderDashboardHtml({ cspSource: "'self'", nonce, scriptUri: '/ui/main.js', mode: 'browser' }));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/ui/main.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(bundle);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/ui/login') {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const token = (JSON.parse(body) as { token?: string }).token;
        if (token !== LOGIN_TOKEN) return json(res, 401, { error: { message: 'login token is invalid' } });
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': `${COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/` });
        res.end(JSON.stringify({ session_token: sessionToken }));
      });
      return;
    }
    if (url.pathname.startsWith('/api/')) {
      requests.push(url.pathname + url.search);
      if (!signedIn(req)) return json(res, 401, { error: { message: 'admin token or session required' } });
      switch (url.pathname) {
        case '/api/status':
          return json(res, 200, fixture.status);
        case '/api/budgets':
          return json(res, 200, fixture.budgets);
        case '/api/routing':
          return json(res, 200, fixture.routing);
        case '/api/logs':
          return json(res, 200, fixture.logs);
        case '/api/insights/cache':
          return json(res, 200, fixture.cache);
        case '/api/guards':
          return json(res, 200, fixture.guards);
        case '/api/reconcile':
          return json(res, 200, fixture.reconcile);
        case '/api/logs/stats': {
          const stats = fixture.stats[`${url.searchParams.get('interval')}/${url.searchParams.get('group_by')}`];
          return stats ? json(res, 200, stats) : json(res, 400, { error: { message: 'no recorded stats for this query' } });
        }
      }
    }
    json(res, 404, { error: { message: `no route ${req.method} ${url.pathname}` } });
  });

  // Selects the plain protocol as the engine does; never echoes the one carrying the token.
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered: Set<string>) => (offered.has('spendgate') ? 'spendgate' : false) });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://fixture').pathname !== '/ws' || !signedInSocket(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      onConnect?.();
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    pushLive() {
      for (const ws of sockets) for (const m of fixture.live) ws.send(JSON.stringify(m));
    },
    connected: () => (sockets.size > 0 ? Promise.resolve() : new Promise<void>((resolve) => (onConnect = resolve))),
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
