// Token usage normalised across providers: every token is counted exactly once.

export interface Usage {
  /** Uncached input tokens (excludes cache reads and cache writes). */
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  /** Tokens written to a 5-minute prompt cache. */
  readonly cacheWrite5mTokens: number;
  /** Tokens written to a 1-hour prompt cache. */
  readonly cacheWrite1hTokens: number;
}

export const ZERO_USAGE: Usage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
});

/** All tokens the request consumed or produced, as rate limits count them. */
export function totalTokens(u: Usage): number {
  return u.inputTokens + u.outputTokens + u.cacheReadTokens + u.cacheWrite5mTokens + u.cacheWrite1hTokens;
}
