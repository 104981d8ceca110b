// The dashboard session against other local processes and pages: the cookie alone opens nothing, login limits, nosniff, token throttling.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import WebSocket from 'ws';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { eventually, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';

interface RawResponse {
  readonly status: number;
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
}

/** A request with exactly these headers (plus Host): what curl, or a process holding a stolen cookie, would send. */
function rawRequest(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The HTTP status a WebSocket upgrade gets: 101 when it opens. */
function upgradeStatus(url: string, headers: Record<string, string>, protocols: string[] = []): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', () => resolve(0));
  });
}

describe('dashboard session: the cookie alone authorises nothing', () => {
  let upstream: TestUpstream;
  let gw: SpawnedGateway;
  let ownOrigin: string;
  let wsUrl: string;

  /** Signs in the way the dashboard does (admin token accepted in place of the one-time one): the cookie and the page-held token. */
  async function signIn(): Promise<{ cookie: string; token: string }> {
    const res = await rawRequest(gw.port, '/ui/login', { 'content-type': 'application/json', origin: ownOrigin, 'sec-fetch-site': 'same-origin' }, 'POST', JSON.stringify({ token: gw.adminToken }));
    assert.ok(res.status >= 200 && res.status < 300, `${res.status} ${res.body}`);
    const setCookie = res.headers['set-cookie']?.[0] ?? '';
    assert.match(setCookie, /^spendgate_session=[^;]+; HttpOnly; SameSite=Strict/);
    // Tolerates a body without the token so the cookie-only tests show what the cookie alone can do.
    const token = res.body ? (JSON.parse(res.body) as { session_token?: unknown }).session_token : undefined;
    return { cookie: setCookie.split(';')[0], token: typeof token === 'string' ? token : '' };
  }

  before(async () => {
    upstream = await startAnthropicUpstream();
    gw = await spawnGateway({
      config: `accounts:
  - id: dev
    providers:
      - id: claude
        type: anthropic
        model: claude-sonnet-4-20250514
        base_url: ${upstream.url}
        api_key: env.SESSION_TEST_UPSTREAM_KEY
virtual_keys:
  - id: dev-key
    key: env.SESSION_TEST_VK
`,
      env: { SESSION_TEST_UPSTREAM_KEY: 'sk-ant-session-test', SESSION_TEST_VK: 'vk-session-test' },
    });
    ownOrigin = `http://127.0.0.1:${gw.port}`;
    wsUrl = `ws://127.0.0.1:${gw.port}/ws`;
  });

  after(async () => {
    await gw.stop();
    await upstream.close();
  });

  test('a request carrying only the session cookie (no Origin, no Sec-Fetch-Site, no session token) gets 401 from /api/config, the reload and /ws', async () => {
    const { cookie } = await signIn();
    assert.equal((await rawRequest(gw.port, '/api/config', { cookie })).status, 401);
    assert.equal((await rawRequest(gw.port, '/api/config/reload', { cookie }, 'POST')).status, 401);
    assert.equal(await upgradeStatus(wsUrl, { cookie }), 401);
  });

  test('the cookie with a same-origin proof but without the page-held session token gets 401; the token without the cookie gets 401', async () => {
    const { cookie, token } = await signIn();
    assert.equal((await rawRequest(gw.port, '/api/config', { cookie, 'sec-fetch-site': 'same-origin' })).status, 401);
    assert.equal((await rawRequest(gw.port, '/api/config', { cookie, origin: ownOrigin })).status, 401);
    assert.equal((await rawRequest(gw.port, '/api/config', { 'x-spendgate-session': token, 'sec-fetch-site': 'same-origin' })).status, 401);
    assert.equal(await upgradeStatus(wsUrl, { cookie, origin: ownOrigin }), 401);
    const other = await signIn();
    assert.equal((await rawRequest(gw.port, '/api/config', { cookie, 'sec-fetch-site': 'same-origin', 'x-spendgate-session': other.token })).status, 401, 'another session’s token does not match this cookie');
  });

  test('the cookie with the session token but no same-origin proof (a non-browser process) gets 401', async () => {
    const { cookie, token } = await signIn();
    assert.equal((await rawRequest(gw.port, '/api/config', { cookie, 'x-spendgate-session': token })).status, 401);
    assert.equal((await rawRequest(gw.port, '/api/config', { cookie, 'x-spendgate-session': token, 'sec-fetch-site': 'same-site' })).status, 401);
  });

  test('the cookie, a same-origin proof and the session token get 200 from /api/config and the reload, and open /ws', async () => {
    const { cookie, token } = await signIn();
    assert.match(token, /^[A-Za-z0-9_-]{32,}$/, 'the login answers the page a session token');
    assert.equal((await rawRequest(gw.port, '/api/config', { cookie, 'sec-fetch-site': 'same-origin', 'x-spendgate-session': token })).status, 200);
    assert.equal((await rawRequest(gw.port, '/api/config', { cookie, origin: ownOrigin, 'x-spendgate-session': token })).status, 200);
    assert.equal((await rawRequest(gw.port, '/api/config/reload', { cookie, origin: ownOrigin, 'sec-fetch-site': 'same-origin', 'x-spendgate-session': token }, 'POST')).status, 200);
    assert.equal(await upgradeStatus(wsUrl, { cookie, origin: ownOrigin }, ['spendgate', `spendgate.session.${token}`]), 101);
    const selected = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(wsUrl, [`spendgate.session.${token}`, 'spendgate'], { headers: { cookie, origin: ownOrigin } });
      ws.on('open', () => {
        resolve(ws.protocol);
        ws.close();
      });
      ws.on('error', reject);
    });
    assert.equal(selected, 'spendgate', 'the server never echoes the subprotocol that carries the token, even when offered first');
  });

  test('the cookie and token with a foreign Origin, or this host and port over https, get 403', async () => {
    const { cookie, token } = await signIn();
    for (const origin of ['http://127.0.0.1:1', 'http://evil.example', `https://127.0.0.1:${gw.port}`, `https://localhost:${gw.port}`]) {
      const res = await rawRequest(gw.port, '/api/config', { cookie, origin, 'x-spendgate-session': token });
      assert.equal(res.status, 403, origin);
      assert.equal(await upgradeStatus(wsUrl, { cookie, origin }, ['spendgate', `spendgate.session.${token}`]), 403, `/ws from ${origin}`);
    }
  });

  test('the admin bearer token still works without any browser headers, on /api and /ws', async () => {
    assert.equal((await rawRequest(gw.port, '/api/config', { authorization: `Bearer ${gw.adminToken}` })).status, 200);
    assert.equal(await upgradeStatus(`${wsUrl}?token=${gw.adminToken}`, {}), 101);
  });

  test('a login body over 4 KB is answered 413 in the management error shape, not 500', async () => {
    const body = JSON.stringify({ token: 'x'.repeat(5 * 1024) });
    const res = await rawRequest(gw.port, '/ui/login', { 'content-type': 'application/json' }, 'POST', body);
    assert.equal(res.status, 413);
    assert.equal((JSON.parse(res.body) as { error: { type: string } }).error.type, 'request_too_large');
  });

  test('every kind of response says X-Content-Type-Options: nosniff', async () => {
    const vk = { 'x-api-key': 'vk-session-test', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' };
    upstream.script({ text: 'hi', inputTokens: 1, outputTokens: 1 });
    const responses: Array<[string, RawResponse]> = [
      ['/health', await rawRequest(gw.port, '/health', {})],
      ['/metrics', await rawRequest(gw.port, '/metrics', {})],
      ['/ui', await rawRequest(gw.port, '/ui', {})],
      ['/api 401', await rawRequest(gw.port, '/api/config', {})],
      ['/api 200', await rawRequest(gw.port, '/api/config', { authorization: `Bearer ${gw.adminToken}` })],
      ['unknown route', await rawRequest(gw.port, '/nowhere', {})],
      ['client route error', await rawRequest(gw.port, '/anthropic/v1/messages', { 'content-type': 'application/json' }, 'POST', '{}')],
      ['client route passthrough', await rawRequest(gw.port, '/anthropic/v1/messages', vk, 'POST', JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }))],
    ];
    assert.equal(responses[7][1].status, 200, responses[7][1].body);
    for (const [what, res] of responses) assert.equal(res.headers['x-content-type-options'], 'nosniff', what);
  });

  // Last: it leaves the shared failure window full.
  test('wrong admin tokens past 10 a minute get 429 with retry-after and are counted in /metrics, while the right token is never slowed', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await rawRequest(gw.port, '/api/status', { authorization: `Bearer wrong-${i}` })).status);
    assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401));
    assert.deepEqual(statuses.slice(10), [429, 429]);
    const throttled = await rawRequest(gw.port, '/api/status', { authorization: 'Bearer wrong-again' });
    assert.equal(throttled.status, 429);
    const retryAfter = Number(throttled.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `retry-after ${throttled.headers['retry-after']}`);
    assert.equal(await upgradeStatus(`${wsUrl}?token=wrong`, {}), 429, 'a wrong ?token= on /ws is throttled too');
    const login = await rawRequest(gw.port, '/ui/login', { 'content-type': 'application/json' }, 'POST', JSON.stringify({ token: 'wrong' }));
    assert.equal(login.status, 429, 'the login route accepts the admin token, so it is throttled the same way');

    const started = performance.now();
    assert.equal((await rawRequest(gw.port, '/api/status', { authorization: `Bearer ${gw.adminToken}` })).status, 200);
    assert.ok(performance.now() - started < 1000, 'the right token is answered at once');
    assert.equal(await upgradeStatus(`${wsUrl}?token=${gw.adminToken}`, {}), 101);

    const failures = await eventually(async () => {
      const text = (await rawRequest(gw.port, '/metrics', {})).body;
      return /^spendgate_admin_auth_failures_total (\d+)$/m.exec(text)?.[1];
    }, 2000, 'the admin auth failure counter');
    assert.equal(Number(failures), 15);
  });
});
