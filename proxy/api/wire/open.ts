// The open answers besides /health: the service directory at GET / and the dashboard login at POST /ui/login.

/** GET /: where each client points its base URL, and where the dashboard, health and metrics are. */
export interface ServiceIndexJson {
  readonly service: 'spendgate';
  readonly version: string;
  readonly dashboard: string;
  readonly clients: {
    readonly anthropic: { readonly base_url: string; readonly set: string };
    readonly openai: { readonly base_url: string; readonly set: string };
    readonly bedrock: { readonly endpoint: string; readonly set: string };
  };
  readonly health: string;
  readonly metrics: string;
  readonly docs: string;
}

/** POST /ui/login: the session token the browser dashboard sends with each request (the cookie carries the rest). */
export interface DashboardSessionJson {
  readonly session_token: string;
}
