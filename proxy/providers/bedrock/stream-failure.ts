// What a stream translator is told when the Converse stream breaks after the client's answer started.

export interface StreamFailure {
  readonly message: string;
  /** Anthropic's error type for it (`overloaded_error`, `api_error`…), which the OpenAI chat stream also uses. */
  readonly type: string;
  /** The HTTP status the failure would have had before the answer started. */
  readonly status: number;
}
