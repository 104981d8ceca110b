// The edge for client routes: which route a request is, and its body validated into a ClientRequest.
import { z } from 'zod';
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/errors.js';
import { JsonBody } from '../core/json-body.js';
import type { ClientProtocol, ClientRequest, Operation } from '../providers/types.js';

export interface ClientRoute {
  readonly protocol: ClientProtocol;
  readonly operation: Operation;
  /** Bedrock routes carry the model in the path. */
  readonly pathModel?: string;
}

const BEDROCK_OPERATIONS: Record<string, Operation> = {
  converse: 'converse',
  'converse-stream': 'converse_stream',
  invoke: 'invoke',
  'invoke-with-response-stream': 'invoke_stream',
};

/** Match a POST path to a client route (without the query string). */
export function matchClientRoute(path: string): ClientRoute | undefined {
  switch (path) {
    case '/anthropic/v1/messages':
      return { protocol: 'anthropic', operation: 'messages' };
    case '/anthropic/v1/messages/count_tokens':
      return { protocol: 'anthropic', operation: 'count_tokens' };
    case '/openai/v1/chat/completions':
      return { protocol: 'openai', operation: 'chat_completions' };
    case '/openai/v1/responses':
      return { protocol: 'openai', operation: 'responses' };
    case '/openai/v1/responses/compact':
      return { protocol: 'openai', operation: 'responses_compact' };
  }
  const bedrock = /^\/bedrock\/model\/([^/]+)\/([a-z-]+)$/.exec(path);
  if (bedrock) {
    const operation = BEDROCK_OPERATIONS[bedrock[2]];
    if (!operation) return undefined;
    let model: string;
    try {
      model = decodeURIComponent(bedrock[1]);
    } catch {
      return undefined;
    }
    return { protocol: 'bedrock', operation, pathModel: model };
  }
  return undefined;
}

// Each schema reads at most three levels into the body (a member, its elements or members, and theirs) and checks
// long strings for their type only: it judges the body's outline (JsonBody.outlineValue), not a whole parse.
const message = z.object({ role: z.string(), content: z.unknown() }).passthrough();

/** No model produces more than this; a larger value is a client bug, and would make the reservation meaningless. */
export const MAX_OUTPUT_TOKENS = 1_000_000;
const maxTokens = z.number().int().positive().max(MAX_OUTPUT_TOKENS);

const anthropicMessages = z
  .object({
    model: z.string().min(1),
    max_tokens: maxTokens,
    messages: z.array(message),
    stream: z.boolean().optional(),
  })
  .passthrough();

const anthropicCountTokens = z.object({ model: z.string().min(1), messages: z.array(message) }).passthrough();

const openaiChat = z
  .object({
    model: z.string().min(1),
    messages: z.array(message).min(1),
    stream: z.boolean().nullish(),
    max_tokens: maxTokens.nullish(),
    max_completion_tokens: maxTokens.nullish(),
  })
  .passthrough();

/** Responses API input: a string, or a list of items (messages, function calls and their outputs, reasoning…). */
const responsesInput = z.union([z.string(), z.array(z.record(z.string(), z.unknown()))]);

/** What a compaction request holds: the conversation and the instructions to summarise it with. */
const openaiResponsesCompact = z
  .object({
    model: z.string().min(1),
    input: responsesInput.nullish(),
    instructions: z.string().nullish(),
    previous_response_id: z.string().nullish(),
  })
  .passthrough();

const openaiResponses = openaiResponsesCompact.extend({
  stream: z.boolean().nullish(),
  max_output_tokens: maxTokens.nullish(),
  tools: z.array(z.object({ type: z.string() }).passthrough()).nullish(),
});

const bedrockConverse = z
  .object({
    messages: z.array(z.object({ role: z.string() }).passthrough()),
    inferenceConfig: z.object({ maxTokens: maxTokens.optional() }).passthrough().optional(),
  })
  .passthrough();
const bedrockInvoke = z.object({}).passthrough();

function schemaFor(route: ClientRoute): z.ZodType<Record<string, unknown>> {
  switch (route.operation) {
    case 'messages':
      return anthropicMessages;
    case 'count_tokens':
      return anthropicCountTokens;
    case 'chat_completions':
      return openaiChat;
    case 'responses':
      return openaiResponses;
    case 'responses_compact':
      return openaiResponsesCompact;
    case 'converse':
    case 'converse_stream':
      return bedrockConverse;
    case 'invoke':
    case 'invoke_stream':
      return bedrockInvoke;
  }
}

/** Headers that carry the client's credential or routing to spendgate, never forwarded upstream. */
const CREDENTIAL_HEADERS = new Set(['x-api-key', 'authorization', 'x-bf-vk', 'x-amz-security-token', 'x-amz-date', 'x-amz-content-sha256']);

/** The virtual key secret the client presented, from any of the header forms the README lists ("Point Claude Code at it"). */
export function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const direct = headers['x-bf-vk'] ?? headers['x-api-key'];
  if (typeof direct === 'string' && direct.length > 0) return direct;
  const auth = headers.authorization;
  if (typeof auth === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (match) return match[1];
  }
  return undefined;
}

function forwardableHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || name.startsWith(':') || CREDENTIAL_HEADERS.has(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : 'body'}: ${issue.message}`)
    .join('; ');
}

/** The field the first issue is about, as OpenAI names it in `param` (`input`, `tools.0.type`). */
function issueParam(error: z.ZodError): string | undefined {
  const path = error.issues[0]?.path;
  return path && path.length > 0 ? path.join('.') : undefined;
}

/** Fields that point at conversation state kept by the server that answered before. */
const STORED_STATE_FIELDS = ['previous_response_id', 'conversation'] as const;

/**
 * spendgate keeps no responses, and the next request of a conversation may be routed to another target (another
 * OpenAI organisation, or Bedrock) than the one that answered before: a reference to stored state is refused for
 * every target alike rather than served by some and not others (docs/codex.md).
 */
function refuseStoredState(route: ClientRoute, body: JsonBody): void {
  if (route.operation !== 'responses' && route.operation !== 'responses_compact') return;
  for (const field of STORED_STATE_FIELDS) {
    const value = body.get(field);
    if (value === undefined || value === null || value === '') continue;
    throw new GatewayError(
      'invalid_request',
      `${field} is not supported: spendgate does not store responses, and each request may be served by a different ` +
        'target. Send the full conversation in `input` with `store: false` (Codex and the Agents SDK do this by default).',
      { param: field },
    );
  }
}

function isStreamOperation(operation: Operation): boolean {
  return operation === 'converse_stream' || operation === 'invoke_stream';
}

/**
 * What is known of a request before its body is read: route, headers and query, with an empty body. The key is
 * checked against this, so a request with an unknown key never costs the gateway a read or a parse.
 */
export function requestEnvelope(route: ClientRoute, headers: IncomingHttpHeaders, query: string): ClientRequest {
  return {
    protocol: route.protocol,
    operation: route.operation,
    model: route.pathModel ?? '',
    stream: isStreamOperation(route.operation),
    body: JsonBody.EMPTY,
    headers: forwardableHeaders(headers),
    query,
  };
}

/** The envelope completed with its body, validated. Throws `invalid_request` for anything the schema refuses. */
export function withBody(envelope: ClientRequest, route: ClientRoute, raw: Buffer, options: { whole?: boolean } = {}): ClientRequest {
  // JsonBody.read refuses a body nested past the limit before anything recurses over it (zod, body rewrites, the
  // Bedrock translations), and text that is not a JSON object.
  const body = JsonBody.read(raw, options);
  // The schemas read no deeper than the outline (see outlineValue), which costs a fraction of the whole parse.
  const result = schemaFor(route).safeParse(body.outlineValue());
  if (!result.success) {
    throw new GatewayError('invalid_request', `invalid request: ${describeIssues(result.error)}`, { param: issueParam(result.error) });
  }
  refuseStoredState(route, body);
  return {
    ...envelope,
    model: route.pathModel ?? (body.get('model') as string),
    stream: envelope.stream || body.get('stream') === true,
    body,
  };
}
