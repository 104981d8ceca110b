// A plain node:http client for the hardening suites: exact bytes and headers out, the whole answer back, raw sockets.
import http from 'node:http';
import net from 'node:net';

export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface PostOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly agent?: http.Agent;
  /** A request that gets no complete answer in this long fails (a hang detector, not a timing assertion). */
  readonly hangMs?: number;
}

/** POST bytes to `base + path` and read the whole answer. */
export function post(base: string, path: string, body: Uint8Array | string, options: PostOptions = {}): Promise<Answer> {
  const url = new URL(path, base);
  const hangMs = options.hangMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: 'POST', headers: { ...options.headers, 'content-length': String(Buffer.byteLength(body)) }, agent: options.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          clearTimeout(watchdog);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
        });
        res.on('error', (err) => {
          clearTimeout(watchdog);
          reject(err);
        });
      },
    );
    const watchdog = setTimeout(() => req.destroy(new Error(`no complete answer to POST ${path} within ${hangMs} ms`)), hangMs);
    req.on('error', (err) => {
      clearTimeout(watchdog);
      reject(err);
    });
    req.end(body);
  });
}

/** Writes raw bytes on a fresh TCP connection and collects everything the server sends until it closes or goes quiet. */
export function rawExchange(port: number, bytes: string | Buffer, quietMs = 500): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let quiet: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(quiet);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const rearm = () => {
      clearTimeout(quiet);
      quiet = setTimeout(finish, quietMs);
    };
    socket.on('connect', () => {
      socket.write(bytes);
      rearm();
    });
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      rearm();
    });
    socket.on('end', finish);
    socket.on('close', finish);
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? finish() : reject(err)));
  });
}

/** The status codes of every HTTP response in a raw byte dump, in order. */
export function statusesIn(raw: string): number[] {
  return [...raw.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
}
