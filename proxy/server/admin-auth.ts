// Who may use /api and /ws: the admin token (Bearer or ?token=), or a dashboard session cookie.
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { secretsEqual } from './admin-token.js';

export const SESSION_COOKIE = 'spendgate_session';
const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 64;

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class AdminAuth {
  private readonly sessions = new Map<string, number>();
  /** One-time login token printed in the dashboard URL; consumed by the first login. */
  private loginToken: string | undefined = randomBytes(24).toString('base64url');

  constructor(private readonly adminToken: string) {}

  /** The login URL's token, or undefined once it was used. */
  get pendingLoginToken(): string | undefined {
    return this.loginToken;
  }

  /** True for a valid admin token in Authorization, a `token` query parameter (WebSocket), or a live session cookie. */
  authorized(headers: IncomingHttpHeaders, queryToken?: string | null): boolean {
    const auth = headers.authorization;
    if (typeof auth === 'string') {
      const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
      if (match && secretsEqual(match[1], this.adminToken)) return true;
    }
    if (queryToken && secretsEqual(queryToken, this.adminToken)) return true;
    const session = cookieValue(headers.cookie, SESSION_COOKIE);
    if (session) {
      const expires = this.sessions.get(session);
      if (expires !== undefined && expires > Date.now()) return true;
      this.sessions.delete(session);
    }
    return false;
  }

  /** Exchange the one-time login token (or the admin token) for a session id; undefined if neither matches. */
  login(presented: string): string | undefined {
    const oneTime = this.loginToken !== undefined && secretsEqual(presented, this.loginToken);
    if (!oneTime && !secretsEqual(presented, this.adminToken)) return undefined;
    if (oneTime) this.loginToken = undefined;
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const session = randomBytes(32).toString('base64url');
    this.sessions.set(session, Date.now() + SESSION_TTL_MS);
    return session;
  }

  sessionCookie(session: string): string {
    return `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_TTL_MS / 1000}`;
  }
}
