// End to end: cleartext HTTP/2 (prior knowledge) and HTTP/1.1 on the one port of a spawned `spendgate serve`, driven by
// the AWS SDK's default Bedrock Runtime client (HTTP/2), raw node:http2 sessions and hand-split prefaces.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import { Duplex } from 'node:stream';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler } from '@smithy/node-http-handler';
import type { LogPageJson } from '../../proxy/api/wire/index.js';
import { eventually, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { h2Request, type H2Answer } from '../harness/h2.js';
import { startBedrockUpstream, type BedrockUpstream } from '../upstreams/bedrock.js';
import { bifrost } from '../harness/config-builder.js';

const KEY = 'h2c-key';
const CLAUDE = 'anthropic.claude-sonnet-4-20250514-v1:0';
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

function config(bedrock: string): string {
  return bifrost({
    accounts: [{ id: 'ml', providers: [{ id: 'bedrock-claude', type: 'bedrock', region: 'us-east-1', model: CLAUDE, endpoint: bedrock }] }],
    budgets: { virtual_key: [{ id: KEY, limit: 100, period: '1d' }] },
    routing: { retries: 0 },
  });
}

/** One GET over a fresh prior-knowledge HTTP/2 session; `createConnection` lets a test shape the bytes on the wire. */
async function h2Get(url: string, path: string, createConnection?: () => Duplex): Promise<H2Answer> {
  const session = http2.connect(url, createConnection ? { createConnection } : {});
  try {
    // A GOAWAY or session error before the answer (the bug this file guards against) fails the call instead of hanging.
    return await new Promise<H2Answer>((resolve, reject) => {
      session.once('error', reject);
      session.once('goaway', (code: number) => reject(new Error(`GOAWAY ${code} before the answer`)));
      h2Request(session, path).then(resolve, reject);
    });
  } finally {
    await new Promise<void>((resolve) => session.close(() => resolve()));
  }
}

/**
 * A TCP connection to `port` whose first write (the client preface) reaches the wire in two segments `pauseMs` apart,
 * as a slow or segmenting network may deliver it. http2.connect wraps a non-socket Duplex itself, so every byte the
 * session writes goes through `write` here.
 */
function splitFirstWrite(port: number, at: number, pauseMs: number): Duplex {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  let first = true;
  const wire = new Duplex({
    write(chunk: Buffer, _encoding, callback) {
      if (!first) {
        socket.write(chunk, callback);
        return;
      }
      first = false;
      socket.write(chunk.subarray(0, at));
      setTimeout(() => socket.write(chunk.subarray(at), callback), pauseMs);
    },
    read() {
      socket.resume();
    },
    final(callback) {
      socket.end(callback);
    },
    destroy(err, callback) {
      socket.destroy(err ?? undefined);
      callback(err);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    if (!wire.push(chunk)) socket.pause();
  });
  socket.on('end', () => wire.push(null));
  socket.on('error', (err) => wire.destroy(err));
  return wire;
}

/** Raw bytes written in the given pieces (`pauseMs` between them); resolves to everything the server sent back. */
async function rawPieces(port: number, pieces: readonly (string | Buffer)[], pauseMs: number): Promise<Buffer> {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  const closed = new Promise<void>((resolve, reject) => {
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  for (const piece of pieces) {
    socket.write(piece);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
  await closed;
  return Buffer.concat(received);
}

describe('HTTP/2 prior knowledge and HTTP/1.1 on the spawned gateway port', () => {
  let upstream: BedrockUpstream;
  let gw: SpawnedGateway;
  let client: BedrockRuntimeClient;

  before(async () => {
    upstream = await startBedrockUpstream();
    gw = await spawnGateway({
      config: config(upstream.url),
      env: { AWS_ACCESS_KEY_ID: 'AKIDTESTSPENDGATE', AWS_SECRET_ACCESS_KEY: 'test-secret-key', AWS_SESSION_TOKEN: '', AWS_BEARER_TOKEN_BEDROCK: '' },
    });
    // The default client, as users configure it: no requestHandler, the virtual key as a Bearer token.
    client = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: `${gw.url}/bedrock`,
      token: { token: KEY },
      authSchemePreference: ['httpBearerAuth'],
      maxAttempts: 1,
    });
  });

  after(async () => {
    client.destroy();
    const code = await gw.stop();
    await upstream.close();
    assert.equal(code, 0, 'the gateway exits 0 on SIGTERM after serving HTTP/2 sessions');
  });

  test('the AWS SDK default client speaks HTTP/2 only (NodeHttp2Handler has no HTTP/1.1 fallback)', () => {
    assert.ok(client.config.requestHandler instanceof NodeHttp2Handler, `got ${client.config.requestHandler.constructor.name}`);
  });

  test('Converse over HTTP/2 returns the upstream text and usage', async () => {
    upstream.script({ text: 'Hello over h2c.', inputTokens: 21, outputTokens: 4 });
    const out = await client.send(new ConverseCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'converse' }] }] }));
    assert.equal(out.output?.message?.content?.[0]?.text, 'Hello over h2c.');
    assert.equal(out.stopReason, 'end_turn');
    assert.equal(out.usage?.inputTokens, 21);
    assert.equal(out.usage?.outputTokens, 4);
  });

  test('ConverseStream over HTTP/2 yields every event and the metadata usage', async () => {
    upstream.script({ text: 'Streamed over h2c.', inputTokens: 22, outputTokens: 3 });
    const out = await client.send(new ConverseStreamCommand({ modelId: CLAUDE, messages: [{ role: 'user', content: [{ text: 'converse-stream' }] }] }));
    let text = '';
    let usage: { inputTokens?: number; outputTokens?: number } | undefined;
    for await (const event of out.stream ?? []) {
      text += event.contentBlockDelta?.delta?.text ?? '';
      if (event.metadata) usage = event.metadata.usage;
    }
    assert.equal(text, 'Streamed over h2c.');
    assert.equal(usage?.inputTokens, 22);
    assert.equal(usage?.outputTokens, 3);
  });

  const claudeBody = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 32, messages: [{ role: 'user', content: 'invoke' }] });

  test('InvokeModel with a Claude body over HTTP/2 returns the model body', async () => {
    upstream.script({ text: 'Invoked over h2c.', inputTokens: 23, outputTokens: 3 });
    const out = await client.send(new InvokeModelCommand({ modelId: CLAUDE, body: claudeBody, contentType: 'application/json' }));
    const answer = JSON.parse(Buffer.from(out.body).toString('utf8')) as { content: { text: string }[]; usage: { input_tokens: number; output_tokens: number } };
    assert.equal(answer.content[0].text, 'Invoked over h2c.');
    assert.deepEqual([answer.usage.input_tokens, answer.usage.output_tokens], [23, 3]);
    assert.equal(upstream.requests.at(-1)?.body.toString('utf8'), claudeBody, 'the body reaches Bedrock byte for byte');
  });

  test('InvokeModelWithResponseStream with a Claude body over HTTP/2 yields the Anthropic events', async () => {
    upstream.script({ text: 'Invoke-streamed over h2c.', inputTokens: 24, outputTokens: 3 });
    const out = await client.send(new InvokeModelWithResponseStreamCommand({ modelId: CLAUDE, body: claudeBody, contentType: 'application/json' }));
    let text = '';
    let outputTokens: number | undefined;
    const types: string[] = [];
    for await (const event of out.body ?? []) {
      if (!event.chunk?.bytes) continue;
      const chunk = JSON.parse(Buffer.from(event.chunk.bytes).toString('utf8')) as { type: string; delta?: { text?: string }; usage?: { output_tokens: number } };
      types.push(chunk.type);
      text += chunk.delta?.text ?? '';
      if (chunk.type === 'message_delta') outputTokens = chunk.usage?.output_tokens;
    }
    assert.equal(text, 'Invoke-streamed over h2c.');
    assert.deepEqual([types[0], types.at(-1), outputTokens], ['message_start', 'message_stop', 3]);
  });

  test('the four HTTP/2 calls are in /api/logs with their tokens and a cost', async () => {
    const page = await eventually(async () => {
      const found = await gw.api<LogPageJson>(`/api/logs?virtual_key_ids=${KEY}&sort_by=timestamp&order=asc&limit=100`);
      return found.logs.length >= 4 ? found : undefined;
    }, 5000, 'four log records');
    const seen = page.logs.map((r) => [r.route, r.status, r.stream, r.input_tokens, r.output_tokens, r.provider_config_id]);
    assert.deepEqual(seen, [
      ['bedrock', 200, false, 21, 4, 'bedrock-claude'],
      ['bedrock', 200, true, 22, 3, 'bedrock-claude'],
      ['bedrock', 200, false, 23, 3, 'bedrock-claude'],
      ['bedrock', 200, true, 24, 3, 'bedrock-claude'],
    ]);
    for (const record of page.logs) {
      assert.equal(record.missing_cost, false);
      assert.ok(record.cost !== null && record.cost.total > 0, `${record.request_id} is priced`);
    }
  });

  test('a raw node:http2 session gets 200 from GET /health', async () => {
    const answer = await h2Get(gw.url, '/health');
    assert.equal(answer.status, 200, answer.body);
  });

  test('HTTP/1.1 on the same port still works after HTTP/2 sessions', async () => {
    const res = await fetch(`${gw.url}/health`);
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  });

  test('a client preface split across two TCP segments is still read as HTTP/2', async () => {
    for (const at of [1, 10, 23]) {
      const answer = await h2Get(gw.url, '/health', () => splitFirstWrite(gw.port, at, 50));
      assert.equal(answer.status, 200, `preface split after ${at} bytes`);
    }
  });

  test('an HTTP/1.1 POST whose first segment is only "P" (a prefix of the preface too) is served as HTTP/1.1', async () => {
    const body = JSON.stringify({ model: CLAUDE, max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] });
    const request = `OST /anthropic/v1/messages HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    const raw = (await rawPieces(gw.port, ['P', request], 50)).toString('latin1');
    assert.match(raw, /^HTTP\/1\.1 401 /, 'no key: the HTTP/1.1 parser answered, not an HTTP/2 GOAWAY');
    assert.match(raw, /virtual_key_not_found|authentication_error/);
  });

  test('a connection that sends part of the preface and half-closes is let go, and the port keeps serving', async () => {
    const halfClosed = net.connect({ port: gw.port, host: '127.0.0.1' });
    const received: Buffer[] = [];
    halfClosed.on('data', (chunk: Buffer) => received.push(chunk));
    await new Promise<void>((resolve) => halfClosed.once('connect', () => resolve()));
    halfClosed.end(PREFACE.subarray(0, 12));
    await new Promise<void>((resolve) => halfClosed.once('close', () => resolve()));
    assert.equal(Buffer.concat(received).length, 0, 'no protocol was chosen, so nothing was sent');
    assert.equal((await h2Get(gw.url, '/health')).status, 200);
  });
});
