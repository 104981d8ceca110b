// The identity proof of GET /health?challenge=NONCE: only the engine holding this user's admin token can answer it.
// Both sides compute it from this module (the engine to answer, the extension to check), so the algorithm is part of
// the contract. It needs node:crypto, so it is not re-exported from the index the browser dashboard bundles.
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A nonce the engine agrees to sign: 22–128 base64url characters (at least 128 random bits from a client that
 * follows the contract; anything else is ignored so /health stays a cheap, fixed-shape answer).
 */
const NONCE = /^[A-Za-z0-9_-]{22,128}$/;

export function isChallengeNonce(nonce: string): boolean {
  return NONCE.test(nonce);
}

/**
 * HMAC-SHA256(admin token, "spendgate-identity/1 PORT NONCE") as hex. The port is the one the engine's socket was
 * accepted on (never a header), so a program on another port that relays the challenge to the real engine gets a
 * proof for the wrong port and is still refused.
 */
export function identityProof(adminToken: string, port: number, nonce: string): string {
  return createHmac('sha256', adminToken).update(`spendgate-identity/1 ${port} ${nonce}`).digest('hex');
}

/** Constant-time check of a presented proof against the one `adminToken` yields. */
export function proofMatches(presented: unknown, adminToken: string, port: number, nonce: string): boolean {
  if (typeof presented !== 'string' || !/^[0-9a-f]{64}$/.test(presented)) return false;
  return timingSafeEqual(Buffer.from(presented, 'hex'), Buffer.from(identityProof(adminToken, port, nonce), 'hex'));
}
