// The client protocols spendgate speaks: a request's route, its log record and its error shape all name one.

/** The wire protocol the client spoke to spendgate. Responses go back in the same protocol. */
export type ClientProtocol = 'anthropic' | 'openai' | 'bedrock';

export const CLIENT_PROTOCOLS: readonly ClientProtocol[] = ['anthropic', 'openai', 'bedrock'];
