// A loopback OpenAI API: Chat Completions as JSON and SSE (`data:` chunks, `[DONE]`, usage chunk on request), the
// Responses API and its compaction (openai-responses.ts), errors, models.
import type http from 'node:http';
import {
  beforeHeaders,
  defaultReplyText,
  estimateInputTokens,
  requestedModel,
  sendJson,
  sendSse,
  sseEvent,
  splitText,
  startScriptedUpstream,
  type RecordedRequest,
  type ReplyScript,
  type TestUpstream,
} from './common.js';
import { answerCompaction, answerResponse } from './openai-responses.js';

export type { RecordedRequest, ReplyScript, TestUpstream } from './common.js';

export interface OpenAIUpstreamOptions {
  /** Model ids answered by `GET /v1/models`. */
  readonly models?: readonly string[];
}

/** The usage an OpenAI reply reports, in the API's own field names. */
export interface OpenAIReplyUsage {
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly prompt_tokens_details: { readonly cached_tokens: number; readonly audio_tokens: number };
  readonly completion_tokens_details: {
    readonly reasoning_tokens: number;
    readonly audio_tokens: number;
    readonly accepted_prediction_tokens: number;
    readonly rejected_prediction_tokens: number;
  };
}

/** For the OpenAI upstream, `inputTokens` is the uncached part: `prompt_tokens = inputTokens + cacheReadTokens`. */
export function openaiReplyUsage(request: RecordedRequest, reply: ReplyScript): OpenAIReplyUsage {
  const cached = reply.cacheReadTokens ?? 0;
  const prompt = (reply.inputTokens ?? estimateInputTokens(request.body)) + cached;
  const completion = reply.outputTokens ?? splitText(reply.text ?? defaultReplyText(request), reply.deltas).length;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

export function startOpenAIUpstream(options: OpenAIUpstreamOptions = {}): Promise<TestUpstream> {
  let serial = 0;
  const models = options.models ?? ['gpt-4.1', 'gpt-4.1-mini', 'gpt-4o'];
  return startScriptedUpstream(async (request, reply, res) => {
    if (!(await beforeHeaders(reply))) return;
    serial += 1;
    if (reply.error !== undefined || (reply.status !== undefined && reply.status >= 400)) {
      const error = reply.error ?? { type: 'server_error', message: `scripted HTTP ${reply.status}` };
      sendJson(
        res,
        reply.status ?? 500,
        { error: { message: error.message, type: error.type, param: null, code: error.code ?? null } },
        reply.headers,
      );
      return;
    }
    const route = `${request.method} ${request.path}`;
    if (route === 'POST /v1/chat/completions') return answerCompletion(request, reply, res, serial);
    if (route === 'POST /v1/responses') return answerResponse(request, reply, res, serial);
    if (route === 'POST /v1/responses/compact') return answerCompaction(request, reply, res, serial);
    if (route === 'GET /v1/models') {
      sendJson(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 1_715_367_049, owned_by: 'system' })) });
      return;
    }
    sendJson(res, 404, { error: { message: `no route ${route}`, type: 'invalid_request_error', param: null, code: 'unknown_url' } });
  });
}

async function answerCompletion(request: RecordedRequest, reply: ReplyScript, res: http.ServerResponse, serial: number): Promise<void> {
  const body = (request.json ?? {}) as { stream?: unknown; stream_options?: { include_usage?: unknown } };
  const model = requestedModel(request);
  const text = reply.text ?? defaultReplyText(request);
  const usage = openaiReplyUsage(request, reply);
  const id = `chatcmpl-test${String(serial).padStart(6, '0')}`;
  const created = Math.floor(Date.now() / 1000);
  const finishReason = reply.toolUse === undefined ? 'stop' : 'tool_calls';
  const toolCall = reply.toolUse === undefined
    ? undefined
    : { id: `call_test${serial}`, type: 'function', function: { name: reply.toolUse.name, arguments: JSON.stringify(reply.toolUse.input) } };
  const headers = { 'x-request-id': `req_test${serial}`, ...reply.headers };

  if (body.stream !== true) {
    const message = { role: 'assistant', content: text, refusal: null, annotations: [], ...(toolCall ? { tool_calls: [toolCall] } : {}) };
    sendJson(
      res,
      200,
      {
        id,
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
        usage,
        service_tier: 'default',
        system_fingerprint: 'fp_test',
      },
      headers,
    );
    return;
  }

  const includeUsage = body.stream_options?.include_usage === true;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    sseEvent(undefined, {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      service_tier: 'default',
      system_fingerprint: 'fp_test',
      choices,
      ...(includeUsage ? { usage: null } : {}),
      ...extra,
    });
  const delta = (d: Record<string, unknown>, finish: string | null = null) => [{ index: 0, delta: d, logprobs: null, finish_reason: finish }];

  const events = [chunk(delta({ role: 'assistant', content: '', refusal: null }))];
  for (const piece of splitText(text, reply.deltas)) events.push(chunk(delta({ content: piece })));
  if (toolCall !== undefined) {
    events.push(chunk(delta({ tool_calls: [{ index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.function.name, arguments: '' } }] })));
    for (const piece of splitText(toolCall.function.arguments, 3)) {
      events.push(chunk(delta({ tool_calls: [{ index: 0, function: { arguments: piece } }] })));
    }
  }
  events.push(chunk(delta({}, finishReason)));
  if (includeUsage) events.push(chunk([], { usage }));
  events.push(sseEvent(undefined, '[DONE]'));
  await sendSse(res, events, { ...reply, headers });
}
