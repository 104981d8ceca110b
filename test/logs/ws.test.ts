import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import WebSocket from 'ws';
import { LiveHub } from '../../proxy/logs/hub.js';
import { LiveSocketServer, type LiveSocketOptions } from '../../proxy/api/live-socket.js';
import type { LogJson } from '../../proxy/api/wire/index.js';
import { generateRecords } from './records.js';

interface Message {
  readonly type: string;
  readonly operation?: string;
  readonly payload?: unknown;
  readonly error?: { readonly parameter?: string; readonly message: string };
}

async function startLive(options: LiveSocketOptions = {}) {
  const hub = new LiveHub<{ tiers: unknown[] }>();
  const live = new LiveSocketServer(hub, options);
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  server.on('upgrade', (req, socket, head) => live.handleUpgrade(req, socket, head));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return {
    hub,
    live,
    port,
    url: `ws://127.0.0.1:${port}/ws`,
    async close() {
      await live.close();
      hub.close();
      server.close();
      server.closeAllConnections();
    },
  };
}

/** A client whose incoming messages can be awaited one at a time. */
async function connect(url: string) {
  const ws = new WebSocket(url);
  const queue: Message[] = [];
  const waiters: ((m: Message) => void)[] = [];
  ws.on('message', (data) => {
    const m = JSON.parse(String(data)) as Message;
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  await once(ws, 'open');
  return {
    ws,
    next: () => new Promise<Message>((resolve) => (queue.length > 0 ? resolve(queue.shift()!) : waiters.push(resolve))),
    send: (m: unknown) => ws.send(JSON.stringify(m)),
  };
}

test('a connected client receives a create for a published record, in the API JSON shape without bodies', async () => {
  const env = await startLive();
  try {
    const client = await connect(env.url);
    const record = generateRecords(50, 21).find((r) => r.cost !== null && r.requestBody !== undefined)!;
    env.hub.publish('create', record);
    const m = await client.next();
    assert.equal(m.type, 'log');
    assert.equal(m.operation, 'create');
    const payload = m.payload as LogJson;
    assert.equal(payload.id, record.id);
    assert.equal(payload.timestamp, new Date(record.timestamp).toISOString());
    assert.equal(payload.cost?.total, record.cost!.total / 1e6);
    assert.equal(payload.request_body, undefined);
    client.ws.close();
  } finally {
    await env.close();
  }
});

test('a subscription narrows the pushed records to those matching its filter', async () => {
  const env = await startLive();
  try {
    const client = await connect(env.url);
    client.send({ type: 'subscribe', filter: { virtual_key_ids: 'vk-alice', status: 'success' } });
    assert.equal((await client.next()).type, 'subscribed');
    const records = generateRecords(200, 4);
    for (const r of records) env.hub.publish('update', r);
    const expected = records.filter((r) => r.virtualKeyId === 'vk-alice' && r.status < 400);
    assert.ok(expected.length > 0);
    for (const r of expected) {
      const m = await client.next();
      assert.equal(m.operation, 'update');
      assert.equal((m.payload as LogJson).id, r.id);
    }
    client.ws.close();
  } finally {
    await env.close();
  }
});

test('an invalid subscription is answered with an error naming the parameter and keeps the previous filter', async () => {
  const env = await startLive();
  try {
    const client = await connect(env.url);
    client.send({ type: 'subscribe', filter: { request_id: 'req-wanted' } });
    assert.equal((await client.next()).type, 'subscribed');
    client.send({ type: 'subscribe', filter: { min_latency: 'fast' } });
    const m = await client.next();
    assert.equal(m.type, 'error');
    assert.equal(m.error?.parameter, 'min_latency');
    client.ws.send('not json');
    assert.equal((await client.next()).type, 'error');
    const [a, b] = generateRecords(2, 8);
    env.hub.publish('create', a);
    env.hub.publish('create', { ...b, requestId: 'req-wanted' });
    const pushed = await client.next();
    assert.equal((pushed.payload as LogJson).request_id, 'req-wanted');
    client.ws.close();
  } finally {
    await env.close();
  }
});

test('budget snapshots are pushed, and a newly connected client gets the latest one at once', async () => {
  const env = await startLive();
  try {
    const first = await connect(env.url);
    env.hub.publishBudgets(() => ({ tiers: [{ id: 'a' }] }));
    assert.deepEqual(await first.next(), { type: 'budgets', payload: { tiers: [{ id: 'a' }] } });
    const second = await connect(env.url);
    assert.deepEqual(await second.next(), { type: 'budgets', payload: { tiers: [{ id: 'a' }] } });
    first.ws.close();
    second.ws.close();
  } finally {
    await env.close();
  }
});

/** A WebSocket handshake over a raw socket, so the test controls reading and pong replies. */
async function rawClient(port: number): Promise<net.Socket> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const [head] = (await once(socket, 'data')) as [Buffer];
  assert.match(head.toString('latin1'), /^HTTP\/1\.1 101 /);
  return socket;
}

test('a client that stops reading is terminated instead of being buffered without bound', async () => {
  const maxBufferedBytes = 256 * 1024;
  const env = await startLive({ maxBufferedBytes });
  try {
    const socket = await rawClient(env.port);
    socket.pause();
    socket.on('error', () => undefined); // the server resets it; that is the expected outcome
    while (env.live.clientCount === 0) await nextTurn();
    const [server] = [...env.live.wss.clients];
    const [base] = generateRecords(1, 9);
    const record = { ...base, errorMessage: 'x'.repeat(16 * 1024) };
    const frameBytes = JSON.stringify({ type: 'log', operation: 'create', payload: {} }).length + 20 * 1024;
    let maxSeen = 0;
    for (let i = 0; i < 100_000 && env.live.clientCount > 0; i++) {
      env.hub.publish('create', record);
      maxSeen = Math.max(maxSeen, server.bufferedAmount);
      if (i % 16 === 0) await nextTurn();
    }
    assert.equal(env.live.clientCount, 0, 'the stalled client was cut off');
    assert.ok(maxSeen <= maxBufferedBytes + frameBytes, `buffered ${maxSeen} bytes stays within the bound`);
    socket.destroy();
  } finally {
    await env.close();
  }
});

test('a client that does not answer pings is terminated; one that does stays connected', async () => {
  const env = await startLive({ heartbeatMs: 20 });
  try {
    const healthy = await connect(env.url);
    const silent = await rawClient(env.port);
    silent.on('data', () => undefined); // reads frames, never answers a ping
    while (env.live.clientCount < 2) await nextTurn();
    await once(silent, 'close');
    let pings = 0;
    while (pings < 3) {
      await once(healthy.ws, 'ping');
      pings++;
    }
    assert.equal(healthy.ws.readyState, WebSocket.OPEN);
    assert.equal(env.live.clientCount, 1);
    healthy.ws.close();
  } finally {
    await env.close();
  }
});
