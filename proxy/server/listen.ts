// One port, two protocols: HTTP/1.1 and cleartext HTTP/2 with prior knowledge (the AWS SDK's default).
import net from 'node:net';
import http from 'node:http';
import http2 from 'node:http2';

const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n');

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

export function createDualServer(handler: RequestHandler, onUpgrade: UpgradeHandler): DualServer {
  // requestTimeout bounds how long a client may take to send a request (not how long we stream back).
  const h1 = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 300_000, headersTimeout: 60_000 }, handler);
  h1.on('upgrade', onUpgrade);
  const h2 = http2.createServer({ maxSessionMemory: 64 }, handler);
  const sessions = new Set<http2.ServerHttp2Session>();
  h2.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
  });

  const sockets = new Set<net.Socket>();
  /** Connections that have not sent a byte yet: nothing in flight, closed at once on shutdown. */
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
    socket.once('data', (first: Buffer) => {
      silent.delete(socket);
      socket.pause();
      socket.unshift(first);
      const isH2 = first.length >= H2_PREFACE.length
        ? first.subarray(0, H2_PREFACE.length).equals(H2_PREFACE)
        : H2_PREFACE.subarray(0, first.length).equals(first);
      (isH2 ? h2 : h1).emit('connection', socket);
      socket.resume();
    });
    socket.on('error', () => socket.destroy());
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
