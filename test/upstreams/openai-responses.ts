// The Responses API of the loopback OpenAI upstream: `POST /v1/responses` as one JSON response object or as the SSE
// event sequence OpenAI streams (created, in_progress, output items with their parts and deltas, completed, each
// with a strictly increasing sequence_number), and `POST /v1/responses/compact`.
import type http from 'node:http';
import {
  defaultReplyText,
  estimateInputTokens,
  requestedModel,
  sendJson,
  sendSse,
  sseEvent,
  splitText,
  type RecordedRequest,
  type ReplyScript,
} from './common.js';

/** The usage a Responses reply reports: `input_tokens` includes the cached ones, `output_tokens` the reasoning. */
export interface ResponsesReplyUsage {
  readonly input_tokens: number;
  readonly input_tokens_details: { readonly cached_tokens: number };
  readonly output_tokens: number;
  readonly output_tokens_details: { readonly reasoning_tokens: number };
  readonly total_tokens: number;
}

/** As for Chat Completions, `inputTokens` is the uncached part and `outputTokens` includes `reasoningTokens`. */
export function responsesReplyUsage(request: RecordedRequest, reply: ReplyScript): ResponsesReplyUsage {
  const cached = reply.cacheReadTokens ?? 0;
  const input = (reply.inputTokens ?? estimateInputTokens(request.body)) + cached;
  const reasoning = reply.reasoningTokens ?? 0;
  const output = reply.outputTokens ?? splitText(reply.text ?? defaultReplyText(request), reply.deltas).length + reasoning;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: input + output,
  };
}

type Item = Record<string, unknown>;

/** The response object around `output`, echoing the request's settings as OpenAI does. */
function responseObject(request: RecordedRequest, id: string, status: string, output: readonly Item[], usage: ResponsesReplyUsage | null): Item {
  const body = (request.json ?? {}) as Record<string, unknown>;
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: requestedModel(request),
    output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? 1,
    truncation: 'disabled',
    usage,
    user: null,
    metadata: body.metadata ?? {},
  };
}

export async function answerResponse(request: RecordedRequest, reply: ReplyScript, res: http.ServerResponse, serial: number): Promise<void> {
  const body = (request.json ?? {}) as { stream?: unknown };
  const id = `resp_test${String(serial).padStart(6, '0')}`;
  const text = reply.text ?? defaultReplyText(request);
  const usage = responsesReplyUsage(request, reply);
  const headers = { 'x-request-id': `req_test${serial}`, ...reply.headers };
  const messageId = `msg_test${serial}`;
  const part = { type: 'output_text', annotations: [], logprobs: [], text };
  const message: Item = { id: messageId, type: 'message', status: 'completed', content: [part], role: 'assistant' };
  const call: Item | undefined = reply.toolUse === undefined
    ? undefined
    : {
        id: `fc_test${serial}`,
        type: 'function_call',
        status: 'completed',
        arguments: JSON.stringify(reply.toolUse.input),
        call_id: `call_test${serial}`,
        name: reply.toolUse.name,
      };
  // A reply scripted with empty text and a tool call is only the call, as the API answers when the model says nothing.
  const withMessage = call === undefined || text !== '';
  const output = [...(withMessage ? [message] : []), ...(call === undefined ? [] : [call])];

  if (body.stream !== true) {
    sendJson(res, 200, responseObject(request, id, 'completed', output, usage), headers);
    return;
  }

  let sequence = 0;
  const event = (type: string, fields: Item) => sseEvent(type, { type, sequence_number: sequence++, ...fields });
  const events = [
    event('response.created', { response: responseObject(request, id, 'in_progress', [], null) }),
    event('response.in_progress', { response: responseObject(request, id, 'in_progress', [], null) }),
  ];
  if (withMessage) {
    events.push(
      event('response.output_item.added', { output_index: 0, item: { ...message, status: 'in_progress', content: [] } }),
      event('response.content_part.added', { item_id: messageId, output_index: 0, content_index: 0, part: { ...part, text: '' } }),
    );
    for (const delta of splitText(text, reply.deltas)) {
      events.push(event('response.output_text.delta', { item_id: messageId, output_index: 0, content_index: 0, delta, logprobs: [] }));
    }
    events.push(
      event('response.output_text.done', { item_id: messageId, output_index: 0, content_index: 0, text, logprobs: [] }),
      event('response.content_part.done', { item_id: messageId, output_index: 0, content_index: 0, part }),
      event('response.output_item.done', { output_index: 0, item: message }),
    );
  }
  if (call !== undefined) {
    const args = call.arguments as string;
    const index = withMessage ? 1 : 0;
    events.push(event('response.output_item.added', { output_index: index, item: { ...call, status: 'in_progress', arguments: '' } }));
    for (const delta of splitText(args, 3)) {
      events.push(event('response.function_call_arguments.delta', { item_id: call.id, output_index: index, delta }));
    }
    events.push(
      event('response.function_call_arguments.done', { item_id: call.id, output_index: index, name: call.name, arguments: args }),
      event('response.output_item.done', { output_index: index, item: call }),
    );
  }
  events.push(event('response.completed', { response: responseObject(request, id, 'completed', output, usage) }));
  await sendSse(res, events, { ...reply, headers });
}

/** `/v1/responses/compact`: the user messages of the input kept, then one opaque compaction item. */
export function answerCompaction(request: RecordedRequest, reply: ReplyScript, res: http.ServerResponse, serial: number): void {
  const body = (request.json ?? {}) as { input?: unknown };
  const items = Array.isArray(body.input) ? (body.input as Item[]) : [];
  const userMessages = items.filter((item) => item.type === 'message' && item.role === 'user');
  const summary = reply.text ?? `Summary of ${items.length} items.`;
  const compaction = { id: `cmp_test${serial}`, type: 'compaction', encrypted_content: Buffer.from(summary).toString('base64') };
  sendJson(
    res,
    200,
    {
      id: `resp_cmp_test${String(serial).padStart(6, '0')}`,
      object: 'response.compaction',
      created_at: Math.floor(Date.now() / 1000),
      output: [...userMessages, compaction],
      usage: responsesReplyUsage(request, reply),
    },
    { 'x-request-id': `req_test${serial}`, ...reply.headers },
  );
}
