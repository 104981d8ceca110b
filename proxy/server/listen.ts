// One port, two protocols: HTTP/1.1 and cleartext HTTP/2 with prior knowledge (the AWS SDK's default).
import net from 'node:net';
import http from 'node:http';
import http2 from 'node:http2';

/** RFC 9113 §3.4: a prior-knowledge HTTP/2 client opens with exactly these 24 bytes. */
const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

export type WireProtocol = 'http1' | 'http2';

/**
 * Which server a connection belongs to, from the bytes it has sent so far: `http2` once the whole preface arrived,
 * `http1` as soon as a byte departs from it, undefined while the bytes are still a strict prefix of it (TCP may split
 * the preface, and a lone `P` could as well start `POST`).
 */
export function sniffProtocol(seen: Buffer): WireProtocol | undefined {
  const n = Math.min(seen.length, H2_PREFACE.length);
  if (!seen.subarray(0, n).equals(H2_PREFACE.subarray(0, n))) return 'http1';
  return n === H2_PREFACE.length ? 'http2' : undefined;
}

export type RequestHandler = (
  req: http.IncomingMessage | http2.Http2ServerRequest,
  res: http.ServerResponse | http2.Http2ServerResponse,
) => void;

export type UpgradeHandler = (req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => void;

export interface DualServer {
  readonly http1: http.Server;
  readonly http2: http2.Http2Server;
  readonly tcp: net.Server;
  /** Stop accepting; resolve when every connection has closed (in-flight requests finish first). */
  close(graceMs: number): Promise<void>;
}

/** Connection timeouts; the defaults serve production, tests pass short ones. Not a user setting. */
export interface ListenerTimeouts {
  /** How long a connection may take to show its protocol (no byte yet, or part of the HTTP/2 preface). */
  readonly sniffMs?: number;
  /** How long an HTTP/2 session may stay open with no stream in flight (HTTP/1's keepAliveTimeout). */
  readonly h2IdleMs?: number;
}

const SNIFF_MS = 10_000;
const KEEP_ALIVE_MS = 65_000;

export function createDualServer(handler: RequestHandler, onUpgrade: UpgradeHandler, timeouts: ListenerTimeouts = {}): DualServer {
  const sniffMs = timeouts.sniffMs ?? SNIFF_MS;
  const h2IdleMs = timeouts.h2IdleMs ?? KEEP_ALIVE_MS;
  // requestTimeout bounds how long a client may take to send a request (not how long we stream back).
  const h1 = http.createServer({ keepAliveTimeout: KEEP_ALIVE_MS, requestTimeout: 300_000, headersTimeout: 60_000 }, handler);
  h1.on('upgrade', onUpgrade);
  const h2 = http2.createServer({ maxSessionMemory: 64 }, handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    // Idle sessions hold a file descriptor each; close them (GOAWAY) like HTTP/1 keep-alive sockets. Our own timer
    // rather than session.setTimeout: that one counts bytes, so it would cut a stream waiting minutes for an
    // upstream's first byte, and once fired it does not re-arm.
    let open = 0;
    let idle: NodeJS.Timeout | undefined;
    const armIdle = () => {
      idle = setTimeout(() => session.close(), h2IdleMs);
      idle.unref();
    };
    armIdle();
    session.on('stream', (stream) => {
      open += 1;
      clearTimeout(idle);
      stream.once('close', () => {
        open -= 1;
        if (open === 0 && !session.closed) armIdle();
      });
    });
    session.once('close', () => clearTimeout(idle));
  });

  const sockets = new Set<net.Socket>();
  /** Connections whose protocol is not known yet (no byte, or part of the preface): closed at once on shutdown. */
  const silent = new Set<net.Socket>();
  // noDelay: node:http's own servers disable Nagle's algorithm; ours accepts the sockets itself, so it
  // must too — otherwise a response written as head + body waits on the client's delayed ACK (~40 ms).
  const tcp = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    silent.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      silent.delete(socket);
    });
    socket.on('error', () => socket.destroy());
    // A connection that never shows its protocol (silent, or a preface trickled in) would hold its descriptor
    // forever: neither server has it yet, so none of their timeouts apply. One deadline from accept, not per byte.
    const sniffDeadline = setTimeout(() => socket.destroy(), sniffMs);
    sniffDeadline.unref();
    socket.once('close', () => clearTimeout(sniffDeadline));
    const received: Buffer[] = [];
    const onData = (chunk: Buffer): void => {
      received.push(chunk);
      const seen = received.length === 1 ? chunk : Buffer.concat(received);
      const protocol = sniffProtocol(seen);
      if (protocol === undefined) return;
      socket.off('data', onData);
      clearTimeout(sniffDeadline);
      silent.delete(socket);
      // Paused before the hand-over so the sniffed bytes stay in the socket's read buffer for the chosen server.
      socket.pause();
      socket.unshift(seen);
      if (protocol === 'http1') {
        // node:http feeds its parser from 'data' events; resuming replays the unshifted bytes to it.
        h1.emit('connection', socket);
        socket.resume();
      } else {
        // The Http2Session takes over the native handle (later bytes bypass JS) and, on the next tick, feeds the
        // socket's buffered bytes to nghttp2 (nodejs/node#34532). The socket must stay paused until then: resuming
        // here would flush the preface to no listener and nghttp2 would answer "bad client magic" with GOAWAY.
        h2.emit('connection', socket);
      }
    };
    socket.on('data', onData);
  });
  // h1 never listens itself; node starts its connection tracking (headersTimeout, requestTimeout, closeIdleConnections) on 'listening'.
  tcp.on('listening', () => h1.emit('listening'));

  return {
    http1: h1,
    http2: h2,
    tcp,
    close(graceMs: number): Promise<void> {
      return new Promise((resolve) => {
        tcp.close(() => resolve());
        for (const socket of silent) socket.destroy();
        h1.closeIdleConnections();
        for (const session of sessions) session.close();
        const timer = setTimeout(() => {
          h1.closeAllConnections();
          for (const session of sessions) session.destroy();
          for (const socket of sockets) socket.destroy();
        }, graceMs);
        timer.unref();
        // Idle keep-alive sockets that later become idle are closed as they finish.
        const sweep = setInterval(() => h1.closeIdleConnections(), 100);
        sweep.unref();
        tcp.once('close', () => {
          clearInterval(sweep);
          clearTimeout(timer);
        });
      });
    },
  };
}

/** Bind the server to host:port; resolves with the port bound (0 asks the OS for a free one). */
export function listenOn(server: DualServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.tcp.once('error', reject);
    server.tcp.listen(port, host, () => {
      server.tcp.off('error', reject);
      resolve((server.tcp.address() as net.AddressInfo).port);
    });
  });
}
