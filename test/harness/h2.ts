// Plain node:http2 client requests for tests that need to see the wire protocol itself (no SDK in between).
import type http2 from 'node:http2';

export interface H2Answer {
  readonly status: number;
  readonly body: string;
}

/** One request on an open session; resolves when the answer's body has ended. */
export function h2Request(session: http2.ClientHttp2Session, path: string, method = 'GET'): Promise<H2Answer> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': method, ':path': path });
    let status = 0;
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (headers) => (status = Number(headers[':status'])));
    stream.on('data', (chunk: string) => (body += chunk));
    stream.on('end', () => resolve({ status, body }));
    stream.on('error', reject);
    stream.end();
  });
}
