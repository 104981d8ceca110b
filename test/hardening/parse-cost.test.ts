// What a body costs the gateway: the key is checked before a byte is read, nesting is bounded before parsing,
// and a key holder's pathological body can neither stall other clients nor open a provider's circuit.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { post } from './http-client.js';
import { assertHealthy } from './process-health.js';

const MODEL = 'claude-sonnet-4-20250514';
const KEY = 'parse-key';

function config(upstream: string): string {
  return `accounts:
  - id: dev
    providers:
      - id: claude
        type: anthropic
        model: ${MODEL}
        base_url: ${upstream}
        api_key: env.PARSE_UPSTREAM_KEY
virtual_keys:
  - id: ${KEY}
`;
}

/** A messages body whose content opens `depth` arrays inside one another. */
function nestedBody(depth: number, model = MODEL): Buffer {
  return Buffer.from(
    `{"model":"${model}","max_tokens":16,"messages":[{"role":"user","content":${'['.repeat(depth)}${']'.repeat(depth)}}]}`,
  );
}

const json = { 'content-type': 'application/json' };

interface ErrorBody {
  readonly type: string;
  readonly error: { readonly type: string; readonly message: string };
}

describe('request parsing cost is bounded and paid only by authenticated keys', () => {
  let upstream: TestUpstream;
  let gw: SpawnedGateway;

  before(async () => {
    upstream = await startAnthropicUpstream();
    gw = await spawnGateway({ config: config(upstream.url), env: { PARSE_UPSTREAM_KEY: 'sk-parse' } });
  });

  after(async () => {
    await gw.kill();
    await upstream.close();
  });

  test('a 30 MB deeply nested body with a made-up key is answered 401 before its upload finishes, /health answers meanwhile, and the connection stays usable', async () => {
    const total = 30 * 1024 * 1024;
    const prefix = `{"model":"${MODEL}","max_tokens":16,"messages":`;
    const chunkSize = 64 * 1024;
    const socket = net.connect(gw.port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    let received = '';
    socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
    socket.write(
      `POST /anthropic/v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-api-key: sk-made-up\r\ncontent-length: ${total}\r\n\r\n`,
    );
    socket.write(prefix);
    let sent = prefix.length;
    let answeredAtByte: number | undefined;
    let healthWhileUploading: number | undefined;
    const health = fetch(`${gw.url}/health`).then(async (res) => {
      await res.arrayBuffer();
      if (sent < total) healthWhileUploading = res.status;
    });
    // Paced so that the upload takes long enough for a timely answer to arrive while it is still going.
    const filler = Buffer.alloc(chunkSize, '[');
    while (sent < total) {
      const n = Math.min(chunkSize, total - sent);
      if (!socket.write(n === chunkSize ? filler : filler.subarray(0, n))) await new Promise((r) => socket.once('drain', r));
      sent += n;
      if (answeredAtByte === undefined && /^HTTP\/1\.1 \d{3} /.test(received)) answeredAtByte = sent;
      await sleep(1);
    }
    await health;
    assert.ok(answeredAtByte !== undefined && answeredAtByte < total, `the answer arrived only after all ${total} bytes were sent`);
    assert.equal(healthWhileUploading, 200, '/health answered while the big upload was still being sent');

    // The answer is the protocol's own 401; the rest of the body was discarded, so the connection carries the next request.
    await new Promise<void>((resolve) => setTimeout(resolve, 50));
    socket.write('GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    const deadline = Date.now() + 30_000;
    while (!/HTTP\/1\.1 200 /.test(received) && !socket.destroyed && Date.now() < deadline) await sleep(20);
    socket.destroy();
    assert.match(received, /^HTTP\/1\.1 401 /);
    const body = received.slice(received.indexOf('\r\n\r\n') + 4);
    assert.match(body, /"type":"error","error":\{"type":"authentication_error"/);
    assert.match(received, /HTTP\/1\.1 200 [^]*"status":"ok"/, 'the same keep-alive connection then served /health');
    await assertHealthy(gw);
  });

  test('a deeply nested body with a valid key gets 400 invalid_request naming the nesting limit, in each protocol', async () => {
    const deep = nestedBody(50_000);
    const anthropic = await post(gw.url, '/anthropic/v1/messages', deep, { headers: { ...json, 'x-api-key': KEY } });
    assert.equal(anthropic.status, 400);
    const a = JSON.parse(anthropic.body.toString()) as ErrorBody;
    assert.equal(a.error.type, 'invalid_request_error');
    assert.match(a.error.message, /nest.*256/);

    const openai = await post(gw.url, '/openai/v1/chat/completions', deep, { headers: { ...json, authorization: `Bearer ${KEY}` } });
    assert.equal(openai.status, 400);
    const o = JSON.parse(openai.body.toString()) as { error: { code: string; message: string } };
    assert.equal(o.error.code, 'invalid_request');
    assert.match(o.error.message, /256/);

    const bedrock = await post(gw.url, `/bedrock/model/${MODEL}/invoke`, `{"a":${'{"a":'.repeat(300)}1${'}'.repeat(300)}}`, { headers: { ...json, authorization: `Bearer ${KEY}` } });
    assert.equal(bedrock.status, 400);
    assert.equal(bedrock.headers['x-amzn-errortype'], 'ValidationException');
    await assertHealthy(gw);
  });

  test('brackets inside strings do not count toward the nesting limit, and a body nested 200 levels is served', async () => {
    upstream.setDefault({ text: 'fine' });
    const inString = Buffer.from(JSON.stringify({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: `\\"${'['.repeat(10_000)}` }] }));
    const a = await post(gw.url, '/anthropic/v1/messages', inString, { headers: { ...json, 'x-api-key': KEY } });
    assert.equal(a.status, 200, a.body.toString());
    const b = await post(gw.url, '/anthropic/v1/messages', nestedBody(200), { headers: { ...json, 'x-api-key': KEY } });
    assert.equal(b.status, 200, b.body.toString());
  });

  test('five deeply nested "auto" bodies from one key do not open the circuit: the next normal request is served and the provider stays eligible', async () => {
    upstream.setDefault({ text: 'fine' });
    for (let i = 0; i < 5; i++) {
      const answer = await post(gw.url, '/anthropic/v1/messages', nestedBody(40_000, 'auto'), { headers: { ...json, 'x-api-key': KEY } });
      assert.ok(answer.status < 500, `a client's body is never a provider failure (got ${answer.status} ${answer.body.toString().slice(0, 200)})`);
    }
    const normal = await post(gw.url, '/anthropic/v1/messages', nestedBody(1), { headers: { ...json, 'x-api-key': KEY } });
    assert.equal(normal.status, 200, normal.body.toString());
    const routing = await gw.api<{ accounts: { providers: { id: string; state: string }[] }[] }>('/api/routing');
    assert.equal(routing.accounts[0].providers[0].state, 'eligible');
    await assertHealthy(gw);
  });
});
