// Names shared by several wire shapes. Written out here, not imported: the contract owns its vocabulary.

/** A budget tier's kind, outermost first. */
export type TierKind = 'customer' | 'team' | 'virtual_key' | 'provider_config';

/** The client protocol a request used (its route prefix). */
export type ClientProtocol = 'anthropic' | 'openai' | 'bedrock';

/** What a request asked for on its route: `messages`, `count_tokens` (Anthropic); `chat_completions`,
 * `responses`, `responses_compact` (OpenAI); `converse`, `converse_stream`, `invoke`, `invoke_stream` (Bedrock). */
export type ClientOperation =
  | 'messages'
  | 'count_tokens'
  | 'chat_completions'
  | 'responses'
  | 'responses_compact'
  | 'converse'
  | 'converse_stream'
  | 'invoke'
  | 'invoke_stream';

/** A provider config's upstream. */
export type ProviderType = 'bedrock' | 'anthropic' | 'openai';

/** What a request did with the prompt cache. */
export type CacheStatus = 'hit' | 'write' | 'none';

/** An ISO 8601 UTC instant, e.g. `2026-03-01T00:00:00Z` or with milliseconds. */
export type IsoTime = string;

/** Decimal US dollars, exact to the micro-dollar (the engine counts integer micro-dollars and converts here). */
export type Dollars = number;
