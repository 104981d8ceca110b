// The error body of every management route (/api, /ui, /health, GET /): `{"error":{"type","message"}}`.
// Client routes (/anthropic, /openai, /bedrock) answer in their own protocol's shape instead (README "Compatibility").

export interface ApiErrorJson {
  readonly error: {
    readonly type: string;
    readonly message: string;
    /** The query parameter a filter error is about (GET /api/logs, /ws subscriptions). */
    readonly parameter?: string;
  };
}
