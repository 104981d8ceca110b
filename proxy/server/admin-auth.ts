// Who may use /api and /ws: the admin token (Bearer or ?token=), or a dashboard session (cookie + page-held token + same-origin proof).
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { systemClock, type Clock } from '../core/clock.js';
import { sendApiError, type AnyResponse } from '../api/respond.js';
import { secretsEqual } from './admin-token.js';

export const SESSION_COOKIE = 'spendgate_session';
/** The header the dashboard sends its page-held session token in. */
export const SESSION_HEADER = 'x-spendgate-session';
/** A browser cannot set headers on a WebSocket, so the dashboard offers `spendgate.session.<token>` as a subprotocol. */
export const SESSION_PROTOCOL_PREFIX = 'spendgate.session.';
/** The subprotocol the server selects; never the one carrying the token, so the token is not echoed back. */
export const DASHBOARD_PROTOCOL = 'spendgate';

const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
const MAX_SESSIONS = 64;
/** An unused login URL stops working after this long: it sits in a terminal's scrollback and shell logs. */
export const LOGIN_TOKEN_TTL_MS = 10 * 60 * 1000;
/** Wrong admin tokens allowed per window before further wrong ones are answered 429. */
const FAILURES_PER_WINDOW = 10;
const FAILURE_WINDOW_MS = 60 * 1000;

export interface AdminAuthOptions {
  readonly clock?: Clock;
  /** Called once per wrong admin or login token (for `spendgate_admin_auth_failures_total`). */
  readonly onFailure?: () => void;
}

/** What the request presented, gathered by the HTTP layer. */
export interface Credentials {
  readonly headers: IncomingHttpHeaders;
  /** `?token=` on /ws (clients that cannot set headers on a WebSocket). */
  readonly queryToken?: string | null;
  /** Whether the browser vouched for the gateway's own origin (see OriginPolicy.provesSameOrigin). */
  readonly sameOrigin: boolean;
}

/** A refused credential: 401, or 429 once wrong secrets exceed the throttle. */
export interface AuthRefusal {
  readonly ok: false;
  readonly status: 401 | 429;
  readonly message: string;
  readonly retryAfterSeconds?: number;
}

export type AuthVerdict = { readonly ok: true } | AuthRefusal;

export type LoginResult = { readonly ok: true; readonly cookieId: string; readonly sessionToken: string } | AuthRefusal;

interface Session {
  readonly expires: number;
  /** Held by the page in memory only; the cookie alone (sent to every port of this host) is not enough. */
  readonly token: string;
}

const UNAUTHORIZED = 'management routes need Authorization: Bearer <admin token> (see <data-dir>/admin-token)';

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The page-held session token: the header on fetches, or the subprotocol on a WebSocket upgrade. */
function presentedSessionToken(headers: IncomingHttpHeaders): string | undefined {
  const header = headers[SESSION_HEADER];
  if (typeof header === 'string') return header;
  const protocols = headers['sec-websocket-protocol'];
  if (typeof protocols !== 'string') return undefined;
  return protocols
    .split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith(SESSION_PROTOCOL_PREFIX))
    ?.slice(SESSION_PROTOCOL_PREFIX.length);
}

function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (typeof auth !== 'string') return undefined;
  return /^Bearer\s+(.+)$/i.exec(auth.trim())?.[1];
}

export class AdminAuth {
  private readonly sessions = new Map<string, Session>();
  /** One-time login token printed in the dashboard URL; consumed by the first login, void after LOGIN_TOKEN_TTL_MS. */
  private loginToken: string | undefined = randomBytes(24).toString('base64url');
  private readonly loginTokenExpires: number;
  private readonly clock: Clock;
  private readonly onFailure: () => void;
  private failureWindowStart = 0;
  private failuresInWindow = 0;

  constructor(private readonly adminToken: string, options: AdminAuthOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.onFailure = options.onFailure ?? (() => undefined);
    this.loginTokenExpires = this.clock.now() + LOGIN_TOKEN_TTL_MS;
  }

  /** The login URL's token, or undefined once it was used. */
  get pendingLoginToken(): string | undefined {
    return this.loginToken;
  }

  /**
   * The admin token (header or `?token=`) is checked first, so a flood of wrong tokens never delays or
   * locks out the right one; a wrong one counts towards the throttle. A session needs all three of the
   * cookie, the page-held token matching it, and the browser's same-origin proof.
   */
  authorize(credentials: Credentials): AuthVerdict {
    const { headers, queryToken, sameOrigin } = credentials;
    const presented = [bearerToken(headers), queryToken ?? undefined].filter((t): t is string => t !== undefined && t !== '');
    if (presented.some((t) => secretsEqual(t, this.adminToken))) return { ok: true };
    if (presented.length > 0) return this.failed(UNAUTHORIZED);

    const session = this.liveSession(cookieValue(headers.cookie, SESSION_COOKIE));
    if (session === undefined) return { ok: false, status: 401, message: UNAUTHORIZED };
    const token = presentedSessionToken(headers);
    if (sameOrigin && token !== undefined && secretsEqual(token, session.token)) return { ok: true };
    return { ok: false, status: 401, message: `a dashboard session needs the page's ${SESSION_HEADER} token and a same-origin request; other clients use the admin token` };
  }

  /** The unexpired session a cookie names; an expired one is forgotten. */
  private liveSession(cookieId: string | undefined): Session | undefined {
    if (cookieId === undefined) return undefined;
    const session = this.sessions.get(cookieId);
    if (session === undefined || session.expires > this.clock.now()) return session;
    this.sessions.delete(cookieId);
    return undefined;
  }

  /** Exchange the one-time login token (or the admin token) for a session: the cookie id and the page-held token. */
  login(presented: string): LoginResult {
    const now = this.clock.now();
    if (secretsEqual(presented, this.adminToken)) return this.newSession(now);
    if (this.loginToken !== undefined && secretsEqual(presented, this.loginToken)) {
      this.loginToken = undefined;
      if (now >= this.loginTokenExpires) {
        return { ok: false, status: 401, message: `this login URL expired: it is valid for ${LOGIN_TOKEN_TTL_MS / 60_000} minutes after spendgate serve starts. Restart spendgate serve for a new one, or sign in with the admin token` };
      }
      return this.newSession(now);
    }
    return this.failed('login token is invalid or was already used; restart spendgate serve for a new login URL, or use the admin token');
  }

  sessionCookie(cookieId: string): string {
    return `${SESSION_COOKIE}=${cookieId}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${SESSION_TTL_MS / 1000}`;
  }

  private newSession(now: number): LoginResult {
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const cookieId = randomBytes(32).toString('base64url');
    const sessionToken = randomBytes(32).toString('base64url');
    this.sessions.set(cookieId, { expires: now + SESSION_TTL_MS, token: sessionToken });
    return { ok: true, cookieId, sessionToken };
  }

  /** Counts a wrong secret; past the window's allowance it is answered 429 until the window ends. */
  private failed(message: string): AuthRefusal {
    const now = this.clock.now();
    if (now - this.failureWindowStart >= FAILURE_WINDOW_MS) {
      this.failureWindowStart = now;
      this.failuresInWindow = 0;
    }
    this.failuresInWindow += 1;
    this.onFailure();
    if (this.failuresInWindow <= FAILURES_PER_WINDOW) return { ok: false, status: 401, message };
    const retryAfterSeconds = Math.max(1, Math.ceil((this.failureWindowStart + FAILURE_WINDOW_MS - now) / 1000));
    return { ok: false, status: 429, message: `too many wrong admin tokens; try again in ${retryAfterSeconds} s`, retryAfterSeconds };
  }
}

/** Answers a refusal in the management error shape, with retry-after when throttled. */
export function sendAuthRefusal(res: AnyResponse, refusal: AuthRefusal): void {
  const retry: Record<string, string> = refusal.retryAfterSeconds === undefined ? {} : { 'retry-after': String(refusal.retryAfterSeconds) };
  sendApiError(res, refusal.status, refusal.status === 429 ? 'rate_limit_error' : 'authentication_error', refusal.message, retry);
}
