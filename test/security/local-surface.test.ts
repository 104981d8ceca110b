// The local attack surface: DNS rebinding, foreign origins, the admin token, file modes, planted secrets.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { readdir, stat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import { startOpenAIUpstream } from '../upstreams/openai.js';
import { startBedrockUpstream, type BedrockUpstream } from '../upstreams/bedrock.js';
import type { TestUpstream } from '../upstreams/common.js';
import { eventually, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';

const UPSTREAM_SECRET = 'sk-ant-PLANTED-upstream-8f3a1c';
const KEY_SECRET = 'vk-PLANTED-virtual-key-52be9d';
/** Configured only as its SHA-256: the gateway knows this one in clear only while the client presents it. */
const HASHED_KEY_SECRET = 'vk-PLANTED-hashed-key-0c71e4';
const AWS_SECRET = 'PLANTEDawsSecretKey0000000000000000000000';
const OPENAI_SECRET = 'PLANTED-openai-upstream-key-77e1d0';
/** Credential-shaped strings the gateway never configured: caught by their shape alone. */
const ECHOED_ANTHROPIC = 'sk-ant-api03-ECHOEDbyUpstream0123456789';
const ECHOED_AWS_ID = 'AKIAIOSFODNN7EXAMPLE';
const BEDROCK_MODEL = 'mistral.mistral-large-2407-v1:0';

/** A raw HTTP request with exactly the headers given (fetch will not let us forge Host). */
function rawRequest(port: number, path: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers, setHost: false }, (res) => {
      let data = '';
      res.on('data', (c: Buffer) => (data += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('local attack surface', () => {
  let upstream: TestUpstream;
  let openaiUp: TestUpstream;
  let bedrockUp: BedrockUpstream;
  let gw: SpawnedGateway;

  before(async () => {
    upstream = await startAnthropicUpstream();
    openaiUp = await startOpenAIUpstream();
    bedrockUp = await startBedrockUpstream();
    gw = await spawnGateway({
      config: `accounts:
  - id: dev
    providers:
      - id: claude
        type: anthropic
        model: claude-sonnet-4-20250514
        base_url: ${upstream.url}
        api_key: env.PLANTED_UPSTREAM_KEY
      - id: gpt
        type: openai
        model: gpt-4o
        base_url: ${openaiUp.url}/v1
        api_key: env.PLANTED_OPENAI_KEY
      - id: mistral
        type: bedrock
        region: us-east-1
        model: ${BEDROCK_MODEL}
        endpoint: "${bedrockUp.url}"
routing:
  fallback: false
virtual_keys:
  - id: planted-key
    key: env.PLANTED_VK
  - id: hashed-key
    key: sha256:${createHash('sha256').update(HASHED_KEY_SECRET).digest('hex')}
budgets:
  virtual_key:
    - id: planted-key
      limit: 10
      period: 1d
    - id: staging-key
      limit: 10
      period: 1d
`,
      env: { PLANTED_UPSTREAM_KEY: UPSTREAM_SECRET, PLANTED_OPENAI_KEY: OPENAI_SECRET, PLANTED_VK: KEY_SECRET, AWS_SECRET_ACCESS_KEY: AWS_SECRET, AWS_ACCESS_KEY_ID: 'AKIDPLANTED' },
    });
  });

  /** A one-word Anthropic Messages request through the gateway with the given virtual key. */
  const askClaude = (key: string) =>
    fetch(`${gw.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }),
    });

  after(async () => {
    await gw.stop();
    await upstream.close();
    await openaiUp.close();
    await bedrockUp.close();
  });

  test('a request with a foreign Host header is refused (DNS rebinding)', async () => {
    const res = await rawRequest(gw.port, '/health', { host: 'evil.example' });
    assert.equal(res.status, 403);
    const ok = await rawRequest(gw.port, '/health', { host: `localhost:${gw.port}` });
    assert.equal(ok.status, 200);
  });

  test('a browser request from a foreign Origin is refused, including CORS preflight', async () => {
    const host = `127.0.0.1:${gw.port}`;
    const res = await rawRequest(gw.port, '/api/budgets', { host, origin: 'http://evil.example', authorization: `Bearer ${gw.adminToken}` });
    assert.equal(res.status, 403);
    const preflight = await rawRequest(gw.port, '/anthropic/v1/messages', { host, origin: 'http://evil.example', 'access-control-request-method': 'POST' }, 'OPTIONS');
    assert.equal(preflight.status, 403);
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
  });

  test('/api/budgets needs the admin token: 401 without, 401 with a wrong one, 200 with it', async () => {
    assert.equal((await fetch(`${gw.url}/api/budgets`)).status, 401);
    assert.equal((await fetch(`${gw.url}/api/budgets`, { headers: { authorization: 'Bearer wrong' } })).status, 401);
    const ok = await fetch(`${gw.url}/api/budgets`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as { tiers: { tier: string; id: string }[] };
    assert.ok(body.tiers.some((t) => t.tier === 'virtual_key' && t.id === 'planted-key'));
  });

  test('the WebSocket needs the admin token', async () => {
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/ws`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    assert.equal(refused, 401);
    const accepted = await new Promise<boolean>((resolve) => {
      const ws = new WebSocket(`${gw.url.replace('http', 'ws')}/ws?token=${gw.adminToken}`);
      ws.on('open', () => {
        ws.close();
        resolve(true);
      });
      ws.on('error', () => resolve(false));
    });
    assert.ok(accepted);
  });

  test('the admin token file is 0600 and the data dir 0700', async () => {
    assert.equal((await stat(join(gw.dataDir, 'admin-token'))).mode & 0o777, 0o600);
    assert.equal((await stat(gw.dataDir)).mode & 0o777, 0o700);
  });

  test('/metrics never prints a key whose secret is its id; /api/config maps its pseudonym back to the id', async () => {
    const ok = await askClaude('staging-key');
    assert.equal(ok.status, 200, 'a budgets-only key still authenticates with its id');
    await ok.text();
    const metrics = await eventually(async () => {
      const text = await (await fetch(`${gw.url}/metrics`)).text();
      return /virtual_key="key-[0-9a-f]{8}"/.test(text) ? text : undefined;
    }, 5_000, 'the request to be counted');
    assert.ok(!metrics.includes('staging-key'), 'the working key is not printed on the open /metrics');
    const config = await gw.api<{ config: { virtual_keys: { id: string; metrics_label: string }[] } }>('/api/config');
    const staging = config.config.virtual_keys.find((k) => k.id === 'staging-key');
    assert.ok(staging);
    assert.match(staging.metrics_label, /^key-[0-9a-f]{8}$/);
    assert.ok(metrics.includes(`virtual_key="${staging.metrics_label}"`));
    assert.ok(metrics.includes(`tier="virtual_key",id="${staging.metrics_label}"`));
    assert.equal(config.config.virtual_keys.find((k) => k.id === 'planted-key')?.metrics_label, 'planted-key');
    assert.ok(gw.output.some((l) => l.includes('config_warning') && l.includes('staging-key') && l.includes('uses its id as its secret')));
  });

  test('a key configured only as its SHA-256 is [redacted] when an upstream echoes it back to its own client', async () => {
    upstream.script({ status: 401, error: { type: 'authentication_error', message: `invalid x-api-key ${HASHED_KEY_SECRET}` } });
    const failed = await askClaude(HASHED_KEY_SECRET);
    const text = await failed.text();
    assert.equal(failed.status, 401);
    assert.ok(!text.includes(HASHED_KEY_SECRET), text);
    assert.match(text, /invalid x-api-key \[redacted\]/);
  });

  test('planted secrets appear in no log line, response, metric, config dump or data file; credentials upstreams echo in errors are [redacted]', async () => {
    const ok = await askClaude(KEY_SECRET);
    assert.equal(ok.status, 200);
    const okText = await ok.text();
    // Upstreams that echo credentials in their errors: the provider's own key, a key-shaped token, an AWS key id.
    upstream.script({ status: 401, error: { type: 'authentication_error', message: `invalid x-api-key ${UPSTREAM_SECRET}; also tried ${ECHOED_ANTHROPIC} and ${KEY_SECRET}` } });
    const failed = await askClaude(KEY_SECRET);
    const failedText = await failed.text();
    assert.equal(failed.status, 401);
    assert.match(failedText, /\[redacted\]/);
    openaiUp.script({ status: 401, error: { type: 'invalid_request_error', code: 'invalid_api_key', message: `Incorrect API key provided: ${OPENAI_SECRET}. Authorization: Bearer ${OPENAI_SECRET}` } });
    const openaiFailed = await fetch(`${gw.url}/openai/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_SECRET}` },
      body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const openaiText = await openaiFailed.text();
    assert.equal(openaiFailed.status, 401);
    assert.match(openaiText, /\[redacted\]/);
    bedrockUp.script({ error: { type: 'ValidationException', status: 400, message: `The access key ${ECHOED_AWS_ID} cannot call this model` } });
    const bedrockFailed = await fetch(`${gw.url}/bedrock/model/${encodeURIComponent(BEDROCK_MODEL)}/converse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY_SECRET}` },
      body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
    });
    const bedrockText = await bedrockFailed.text();
    assert.equal(bedrockFailed.status, 400);
    assert.match(bedrockText, /The access key \[redacted\] cannot call this model/);
    const logged = await eventually(async () => {
      const page = await gw.api<{ logs: { error_message: string | null }[] }>('/api/logs?limit=100');
      const messages = page.logs.map((l) => l.error_message ?? '').filter((m) => m.includes('[redacted]'));
      return messages.length >= 3 ? messages : undefined;
    }, 5_000, 'the three upstream failures to be logged, redacted');
    assert.ok(logged.some((m) => m.includes('The access key [redacted]')));
    const wrongKey = await (await fetch(`${gw.url}/anthropic/v1/messages`, { method: 'POST', headers: { 'x-api-key': `${KEY_SECRET}x` }, body: '{}' })).text();
    const dumps = await Promise.all(
      ['/api/config', '/api/status', '/api/budgets', '/api/logs?limit=100', '/api/routing', '/api/rate-limits'].map(async (p) => JSON.stringify(await gw.api(p))),
    );
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    // The journal and database files, as bytes decoded loosely: a secret in any of them is a leak.
    const dataFiles = await readdir(gw.dataDir, { recursive: true, withFileTypes: true });
    const journalish = await Promise.all(dataFiles.filter((f) => f.isFile()).map((f) => readFile(join(f.parentPath ?? f.path, f.name), 'latin1')));
    const everything = [okText, failedText, openaiText, bedrockText, wrongKey, ...dumps, metrics, gw.output.join('\n'), ...journalish].join('\n');
    for (const secret of [UPSTREAM_SECRET, KEY_SECRET, AWS_SECRET, OPENAI_SECRET, ECHOED_ANTHROPIC, ECHOED_AWS_ID]) {
      assert.ok(!everything.includes(secret), `secret ${secret.slice(0, 12)}… leaked`);
    }
    assert.match(metrics, /virtual_key="planted-key"/, 'metrics name the key by id');
  });
});
