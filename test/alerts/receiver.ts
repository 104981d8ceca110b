// A loopback stand-in for webhook and Slack receivers: records every POST, answers with a scripted status per path.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The exact body bytes as text (the signature covers these). */
  readonly body: string;
  readonly status: number;
}

export interface Receiver {
  readonly url: string;
  readonly posts: ReceivedPost[];
  /** Posts to one path that were answered 2xx. */
  accepted(path: string): ReceivedPost[];
  /** Answer the next `count` posts to `path` with `status` (then 200 again); Infinity for always. */
  fail(path: string, status: number, count: number): void;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const failures = new Map<string, { status: number; left: number }>();
  const posts: ReceivedPost[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const failure = failures.get(path);
      let status = 200;
      if (failure !== undefined && failure.left > 0) {
        failure.left -= 1;
        status = failure.status;
      }
      posts.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'receiver failing');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    accepted: (path) => posts.filter((p) => p.path === path && p.status >= 200 && p.status < 300),
    fail: (path, status, count) => failures.set(path, { status, left: count }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
