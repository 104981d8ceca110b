// The one-port listener alone: how the first bytes pick HTTP/1.1 or HTTP/2, and that close(graceMs) drains and then
// tears down HTTP/2 sessions and undecided connections without leaking sockets; and that connections which never
// show a protocol, or HTTP/2 sessions left idle, are closed by the server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http2 from 'node:http2';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { createDualServer, sniffProtocol, type DualServer, type WireProtocol } from '../../proxy/server/listen.js';
import { h2Request } from '../harness/h2.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

describe('sniffProtocol', () => {
  const cases: [string, Buffer, WireProtocol | undefined][] = [
    ['nothing yet', Buffer.alloc(0), undefined],
    ['a lone P (POST, PUT, PATCH or the preface)', Buffer.from('P'), undefined],
    ['the preface minus its last byte', PREFACE.subarray(0, 23), undefined],
    ['the whole preface', PREFACE, 'http2'],
    ['the preface and a SETTINGS frame', Buffer.concat([PREFACE, Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]), 'http2'],
    ['POST', Buffer.from('POST /x HTTP/1.1\r\n'), 'http1'],
    ['PUT split after PU', Buffer.from('PU'), 'http1'],
    ['GET', Buffer.from('G'), 'http1'],
    ['an HTTP/1 request line that borrows the preface start', Buffer.from('PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n'), 'http1'],
  ];
  for (const [name, seen, expected] of cases) {
    test(`${name} → ${expected ?? 'wait for more bytes'}`, () => assert.equal(sniffProtocol(seen), expected));
  }
});

describe('createDualServer close(graceMs) with HTTP/2 sessions', () => {
  let server: DualServer;
  let url: string;
  let port: number;
  /** Requests to /slow hold their answer until released. */
  const held: (() => void)[] = [];

  before(async () => {
    server = createDualServer((req, res) => {
      const answer = () => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`HTTP/${req.httpVersion}`);
      };
      if (req.url === '/slow') held.push(answer);
      else answer();
    }, (_req, socket) => socket.destroy());
    await new Promise<void>((resolve) => server.tcp.listen(0, '127.0.0.1', resolve));
    port = (server.tcp.address() as AddressInfo).port;
    url = `http://127.0.0.1:${port}`;
  });

  after(async () => {
    if (server.tcp.listening) await server.close(10);
  });

  const connections = () => new Promise<number>((resolve, reject) => server.tcp.getConnections((err, n) => (err ? reject(err) : resolve(n))));

  test('HTTP/2 sessions are served and leave no socket behind once the client closes them', async () => {
    for (let i = 0; i < 3; i++) {
      const session = http2.connect(url);
      assert.deepEqual(await h2Request(session, '/'), { status: 200, body: 'HTTP/2.0' });
      await new Promise<void>((resolve) => session.close(() => resolve()));
    }
    await waitFor(async () => (await connections()) === 0, 'the server to drop every closed connection');
  });

  test('close lets an in-flight HTTP/2 stream finish, closes silent and half-preface connections at once, then resolves', async () => {
    const session = http2.connect(url);
    session.on('error', () => undefined);
    const slow = h2Request(session, '/slow');
    await waitFor(() => held.length === 1, 'the slow request to arrive');
    const silent = net.connect({ port, host: '127.0.0.1' });
    const partial = net.connect({ port, host: '127.0.0.1' }, () => partial.write(PREFACE.subarray(0, 10)));
    const silentClosed = closed(silent);
    const partialClosed = closed(partial);
    await waitFor(async () => (await connections()) === 3, 'three open connections');

    const started = Date.now();
    const closing = server.close(5_000);
    await Promise.all([silentClosed, partialClosed]);
    assert.ok(Date.now() - started < 1_000, 'connections without a chosen protocol do not wait for the grace period');
    const goaway = new Promise<void>((resolve) => session.once('goaway', () => resolve()));
    await goaway;
    held.shift()?.();
    assert.deepEqual(await slow, { status: 200, body: 'HTTP/2.0' }, 'the in-flight stream completes after GOAWAY');
    await closing;
    assert.ok(Date.now() - started < 4_000, 'close resolved once the session drained, not at the grace deadline');
    assert.equal(await connections(), 0);
    session.destroy();
  });
});

describe('createDualServer close(graceMs) past the grace period', () => {
  test('an HTTP/2 stream that outlasts the grace period is destroyed and close still resolves', async () => {
    const server = createDualServer(() => undefined, (_req, socket) => socket.destroy());
    await new Promise<void>((resolve) => server.tcp.listen(0, '127.0.0.1', resolve));
    const session = http2.connect(`http://127.0.0.1:${(server.tcp.address() as AddressInfo).port}`);
    session.on('error', () => undefined);
    const stream = session.request({ ':path': '/never' });
    stream.on('error', () => undefined);
    stream.end();
    await new Promise<void>((resolve) => session.once('remoteSettings', () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await server.close(200);
    assert.ok(Date.now() - started >= 150, 'the stream held the close until the grace deadline');
    await new Promise<void>((resolve) => (session.destroyed ? resolve() : session.once('close', () => resolve())));
    session.destroy();
  });
});

describe('createDualServer closes connections that never get going', () => {
  const SNIFF_MS = 200;
  const H2_IDLE_MS = 300;
  let server: DualServer;
  let port: number;
  /** Requests to /slow hold their answer until released. */
  const held: (() => void)[] = [];

  before(async () => {
    server = createDualServer(
      (req, res) => {
        const answer = () => {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(`HTTP/${req.httpVersion}`);
        };
        if (req.url === '/slow') held.push(answer);
        else answer();
      },
      (_req, socket) => socket.destroy(),
      { sniffMs: SNIFF_MS, h2IdleMs: H2_IDLE_MS },
    );
    await new Promise<void>((resolve) => server.tcp.listen(0, '127.0.0.1', resolve));
    port = (server.tcp.address() as AddressInfo).port;
  });

  after(async () => {
    if (server.tcp.listening) await server.close(10);
  });

  test('a connection that sends no byte is closed by the server after the sniff timeout', async () => {
    const silent = net.connect({ port, host: '127.0.0.1' });
    const started = Date.now();
    await withTimeout(closed(silent), 3_000, 'the server to close the silent connection');
    assert.ok(Date.now() - started >= SNIFF_MS - 20, 'not before the timeout');
  });

  test('a connection stuck inside the HTTP/2 preface is closed too, even while it trickles bytes', async () => {
    const partial = net.connect({ port, host: '127.0.0.1' });
    const done = closed(partial);
    let at = 0;
    // One preface byte every 50 ms never completes it within the deadline: the deadline is not reset per byte.
    const trickle = setInterval(() => {
      if (at < PREFACE.length - 1 && !partial.destroyed) partial.write(PREFACE.subarray(at, ++at));
    }, 50);
    try {
      await withTimeout(done, 3_000, 'the server to close the half-preface connection');
    } finally {
      clearInterval(trickle);
    }
  });

  test('an HTTP/1.1 connection that sends its request in time is served and outlives the sniff timeout', async () => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.on('error', () => undefined);
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('GET /first HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    await waitFor(() => text.includes('HTTP/1.1'), 'the first answer');
    await new Promise((resolve) => setTimeout(resolve, SNIFF_MS * 2));
    assert.equal(socket.destroyed, false, 'the keep-alive connection is still open');
    socket.write('GET /second HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n');
    await waitFor(() => text.split('HTTP/1.1 200').length === 3, 'the second answer on the same connection');
    socket.destroy();
  });

  test('an HTTP/2 session is served, kept while a stream outlasts the idle timeout, and closed once idle', async () => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', () => undefined);
    const sessionClosed = new Promise<void>((resolve) => session.once('close', () => resolve()));
    const slow = h2Request(session, '/slow');
    await waitFor(() => held.length === 1, 'the slow request to arrive');
    await new Promise((resolve) => setTimeout(resolve, H2_IDLE_MS * 2));
    assert.equal(session.closed || session.destroyed, false, 'a session with a stream in flight is not idle');
    held.shift()?.();
    assert.deepEqual(await slow, { status: 200, body: 'HTTP/2.0' });
    await withTimeout(sessionClosed, 3_000, 'the server to close the idle HTTP/2 session');
  });
});

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function closed(socket: net.Socket): Promise<void> {
  socket.on('error', () => undefined);
  socket.resume();
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 3_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
