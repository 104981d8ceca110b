// GET /health: open, cheap and fixed in shape; with `?challenge=NONCE` it carries the engine's identity proof
// (identity.ts).

export interface HealthJson {
  readonly status: 'ok';
  readonly service: 'spendgate';
  readonly version: string;
  /** Present when the request carried `?challenge=NONCE`: identityProof(admin token, port, NONCE). */
  readonly proof?: string;
}
