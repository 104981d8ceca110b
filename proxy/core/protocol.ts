// The client protocols spendgate speaks and the operations on them: a request's route, its log record and its
// error shape all name one.

/** The wire protocol the client spoke to spendgate. Responses go back in the same protocol. */
export type ClientProtocol = 'anthropic' | 'openai' | 'bedrock';

export const CLIENT_PROTOCOLS: readonly ClientProtocol[] = ['anthropic', 'openai', 'bedrock'];

/** What a client asked for on its protocol's routes. */
export type ClientOperation =
  | 'messages' // POST /anthropic/v1/messages
  | 'count_tokens' // POST /anthropic/v1/messages/count_tokens
  | 'chat_completions' // POST /openai/v1/chat/completions
  | 'responses' // POST /openai/v1/responses
  | 'responses_compact' // POST /openai/v1/responses/compact
  | 'converse' // POST /bedrock/model/{id}/converse
  | 'converse_stream' // POST /bedrock/model/{id}/converse-stream
  | 'invoke' // POST /bedrock/model/{id}/invoke
  | 'invoke_stream'; // POST /bedrock/model/{id}/invoke-with-response-stream

/** Every operation, checked complete by the compiler: a new one cannot be logged without being readable back. */
export const CLIENT_OPERATIONS = Object.keys({
  messages: true,
  count_tokens: true,
  chat_completions: true,
  responses: true,
  responses_compact: true,
  converse: true,
  converse_stream: true,
  invoke: true,
  invoke_stream: true,
} satisfies Record<ClientOperation, true>) as ClientOperation[];
