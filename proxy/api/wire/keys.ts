// POST /api/keys/identify: which virtual key a secret is, without ever echoing the secret.

/** The body of POST /api/keys/identify. */
export interface KeyIdentifyJson {
  readonly key: string;
}

export interface KeyIdentityJson {
  readonly id: string;
  readonly team_id: string | null;
  readonly customer_id: string | null;
}
