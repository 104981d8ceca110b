// Messages that say what to do: unset provider keys, the bare URL, a forgotten route prefix, a taken port, hashed keys.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { spendgate } from '../harness/cli.js';
import { fourTierConfig } from '../harness/configs.js';
import { removeDir, spawnGateway, tempDir, type SpawnedGateway } from '../harness/gateway.js';

const SECRET = 'vk-hashed-secret-7f3a';
const MESSAGE = { model: 'claude-sonnet-4-20250514', max_tokens: 20, messages: [{ role: 'user', content: 'hello' }] };

function post(url: string, key: string, body: unknown = MESSAGE): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
}

describe('a gateway with its provider key in place', () => {
  let upstream: TestUpstream;
  let gw: SpawnedGateway;
  let hashed: string;

  before(async () => {
    upstream = await startAnthropicUpstream();
    // The hash as the documented command prints it, from the key as a shell's echo sends it.
    const r = await spendgate(['hash-key'], { input: `${SECRET}\n` });
    assert.equal(r.code, 0, r.stderr);
    hashed = r.stdout.trim();
    gw = await spawnGateway({ config: fourTierConfig(upstream.url, { virtual_keys: [{ id: 'hashed-key', key: hashed }] }), env: { TEST_ANTHROPIC_KEY: 'sk-ant-upstream' } });
  });

  after(async () => {
    await gw.stop();
    await upstream.close();
  });

  test('the value hash-key prints is accepted as virtual_keys[].key: the secret authenticates, the hash does not', async () => {
    upstream.script({ inputTokens: 5, outputTokens: 2 });
    const ok = await post(`${gw.url}/anthropic/v1/messages`, SECRET);
    assert.equal(ok.status, 200, await ok.clone().text());
    await ok.arrayBuffer();
    const refused = await post(`${gw.url}/anthropic/v1/messages`, hashed);
    assert.equal(refused.status, 401);
    await refused.arrayBuffer();
  });

  test('GET / says where the dashboard, the client routes, health and metrics are', async () => {
    const res = await fetch(`${gw.url}/`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { service: string; dashboard: string; clients: Record<string, { base_url?: string; endpoint?: string }>; health: string; metrics: string; docs: string };
    assert.equal(body.service, 'spendgate');
    assert.match(body.dashboard, new RegExp(`^${gw.url}/ui\\b`));
    assert.equal(body.clients.anthropic.base_url, `${gw.url}/anthropic`);
    assert.equal(body.clients.openai.base_url, `${gw.url}/openai/v1`);
    assert.equal(body.clients.bedrock.endpoint, `${gw.url}/bedrock`);
    assert.equal(body.health, `${gw.url}/health`);
    assert.equal(body.metrics, `${gw.url}/metrics`);
    assert.match(body.docs, /README/);
  });

  test('a client route without its prefix is a 404 in its own protocol naming the base URL to use', async () => {
    const anthropic = await post(`${gw.url}/v1/messages?beta=true`, SECRET);
    assert.equal(anthropic.status, 404);
    const a = (await anthropic.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(a.type, 'error');
    assert.equal(a.error.type, 'not_found_error');
    assert.ok(a.error.message.includes(`use ${gw.url}/anthropic as ANTHROPIC_BASE_URL`), a.error.message);

    const openai = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(openai.status, 404);
    const o = (await openai.json()) as { error: { message: string; type: string; code: string } };
    assert.equal(o.error.code, 'not_found');
    assert.ok(o.error.message.includes(`use ${gw.url}/openai/v1 as OPENAI_BASE_URL`), o.error.message);

    const bedrock = await fetch(`${gw.url}/model/anthropic.claude-sonnet-4-20250514-v1:0/converse`, { method: 'POST', body: '{}' });
    assert.equal(bedrock.status, 404);
    assert.equal(bedrock.headers.get('x-amzn-errortype'), 'ResourceNotFoundException');
    const b = (await bedrock.json()) as { message: string };
    assert.ok(b.message.includes(`use ${gw.url}/bedrock as`), b.message);
  });

  test('serve on a port already taken prints one line naming the port and --port / SPENDGATE_PORT, and exits 1', async () => {
    const dir = await tempDir();
    try {
      const r = await spendgate(['serve', '--config', gw.configPath, '--port', String(gw.port), '--data-dir', dir], { env: { TEST_ANTHROPIC_KEY: 'sk' } });
      assert.equal(r.code, 1, r.stderr);
      const lines = r.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('{'));
      assert.deepEqual(lines, [`spendgate serve: port ${gw.port} on 127.0.0.1 is already in use (another spendgate?); choose another with --port N or SPENDGATE_PORT=N`]);
      assert.doesNotMatch(r.stdout, /listening/);
    } finally {
      await removeDir(dir);
    }
  });
});

describe('a provider whose api_key variable is unset', () => {
  let upstream: TestUpstream;
  let gw: SpawnedGateway;

  before(async () => {
    upstream = await startAnthropicUpstream();
    gw = await spawnGateway({ config: fourTierConfig(upstream.url), env: { TEST_ANTHROPIC_KEY: '' } });
  });

  after(async () => {
    await gw.stop();
    await upstream.close();
  });

  test('is reported at start as a warning event naming the provider config and the variable', () => {
    const events = gw.output.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const warning = events.find((e) => e.event === 'provider_key_missing');
    assert.ok(warning, gw.output.join('\n'));
    assert.equal(warning.level, 'warn');
    assert.equal(warning.provider_config, 'anthropic-direct');
    assert.equal(warning.variable, 'TEST_ANTHROPIC_KEY');
  });

  test('its requests get a 502 naming the variable, and the upstream is never called keyless', async () => {
    const res = await post(`${gw.url}/anthropic/v1/messages`, 'staging-key');
    assert.equal(res.status, 502);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(body.error.type, 'api_error');
    assert.match(body.error.message, /provider config "anthropic-direct" .*TEST_ANTHROPIC_KEY \(api_key: env\.TEST_ANTHROPIC_KEY\).*not set/);
    assert.equal(upstream.requests.length, 0);
  });
});
