// GET /ws: the live feed's upgrade, refused before the handshake unless the origin and the admin credential pass.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { LiveSocketServer } from '../api/live-socket.js';
import type { BudgetsPayload } from '../api/services.js';
import type { AdminAuth } from './admin-auth.js';
import type { UpgradeHandler } from './listen.js';
import type { OriginPolicy } from './origin.js';

export function liveFeedUpgrade(origin: OriginPolicy, auth: AdminAuth, sockets: LiveSocketServer<BudgetsPayload>): UpgradeHandler {
  return (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const refuse = (status: number, retryAfterSeconds?: number): void => {
      const retry = retryAfterSeconds === undefined ? '' : `retry-after: ${retryAfterSeconds}\r\n`;
      socket.end(`HTTP/1.1 ${status} Refused\r\nconnection: close\r\nx-content-type-options: nosniff\r\n${retry}content-length: 0\r\n\r\n`);
    };
    if (origin.refusal(req.headers)) return refuse(403);
    if (url.pathname !== '/ws') return refuse(404);
    const verdict = auth.authorize({ headers: req.headers, queryToken: url.searchParams.get('token'), sameOrigin: origin.provesSameOrigin(req.headers) });
    if (!verdict.ok) return refuse(verdict.status, verdict.retryAfterSeconds);
    sockets.handleUpgrade(req, socket, head);
  };
}
