// A loopback Anthropic Messages API: JSON and SSE answers with the real event sequence, errors, count_tokens, models.
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

export type { RecordedRequest, ReplyScript, TestUpstream } from './common.js';

export interface AnthropicUpstreamOptions {
  /** Model ids answered by `GET /v1/models`. */
  readonly models?: readonly string[];
  /**
   * Chooses the reply from the request itself (e.g. by how far a client's conversation has got), for clients whose
   * side requests would otherwise consume a fixed queue out of order. Gets the queued (or default) reply; its
   * answer is used instead.
   */
  readonly replyFor?: (request: RecordedRequest, queued: ReplyScript) => ReplyScript;
  /** The loopback port to listen on; a free one when absent (tests). `npm run demo` uses a fixed one. */
  readonly port?: number;
  /** false: keep no requests in `requests` (the bench). */
  readonly record?: boolean;
  /** How a body is read as JSON; JSON.parse of its UTF-8 text when absent. */
  readonly parseJson?: (body: Buffer) => unknown;
}

/** The usage an Anthropic reply reports, in the API's own field names. */
export interface AnthropicReplyUsage {
  readonly input_tokens: number;
  readonly output_tokens: number;
  readonly cache_creation_input_tokens: number;
  readonly cache_read_input_tokens: number;
  readonly cache_creation: { readonly ephemeral_5m_input_tokens: number; readonly ephemeral_1h_input_tokens: number };
}

export function startAnthropicUpstream(options: AnthropicUpstreamOptions = {}): Promise<TestUpstream> {
  let serial = 0;
  const models = options.models ?? ['claude-sonnet-4-20250514', 'claude-opus-4-1-20250805', 'claude-3-5-haiku-20241022'];
  return startScriptedUpstream(async (request, queued, res) => {
    const reply = options.replyFor?.(request, queued) ?? queued;
    if (!(await beforeHeaders(reply))) return;
    serial += 1;
    if (reply.error !== undefined || (reply.status !== undefined && reply.status >= 400)) {
      const error = reply.error ?? { type: 'api_error', message: `scripted HTTP ${reply.status}` };
      sendJson(res, reply.status ?? 500, { type: 'error', error: { type: error.type, message: error.message } }, reply.headers);
      return;
    }
    const route = `${request.method} ${request.path}`;
    if (route === 'POST /v1/messages') return answerMessage(request, reply, res, serial);
    if (route === 'POST /v1/messages/count_tokens') {
      sendJson(res, 200, { input_tokens: reply.inputTokens ?? estimateInputTokens(request.body) }, reply.headers);
      return;
    }
    if (route === 'GET /v1/models') {
      const data = models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-05-14T00:00:00Z' }));
      sendJson(res, 200, { data, has_more: false, first_id: models[0] ?? null, last_id: models[models.length - 1] ?? null });
      return;
    }
    sendJson(res, 404, { type: 'error', error: { type: 'not_found_error', message: `no route ${route}` } });
  }, { port: options.port, record: options.record, parseJson: options.parseJson });
}

export function anthropicReplyUsage(request: RecordedRequest, reply: ReplyScript): AnthropicReplyUsage {
  const w5 = reply.cacheWrite5mTokens ?? 0;
  const w1 = reply.cacheWrite1hTokens ?? 0;
  return {
    input_tokens: reply.inputTokens ?? estimateInputTokens(request.body),
    output_tokens: reply.outputTokens ?? splitText(reply.text ?? defaultReplyText(request), reply.deltas).length,
    cache_creation_input_tokens: w5 + w1,
    cache_read_input_tokens: reply.cacheReadTokens ?? 0,
    cache_creation: { ephemeral_5m_input_tokens: w5, ephemeral_1h_input_tokens: w1 },
  };
}

/** How a request asks for thinking: undefined when it is off, else whether the text is shown. */
function requestedThinking(request: RecordedRequest): { readonly display: 'summarized' | 'omitted' } | undefined {
  const thinking = (request.json as { thinking?: { type?: unknown; display?: unknown } } | undefined)?.thinking;
  if (thinking === undefined || (thinking.type !== 'enabled' && thinking.type !== 'adaptive')) return undefined;
  return { display: thinking.display === 'omitted' ? 'omitted' : 'summarized' };
}

/** The content blocks of one answer, complete, in order: thinking and redacted thinking (when asked for), text, tool_use. */
function answerBlocks(request: RecordedRequest, reply: ReplyScript, text: string, toolId: string): Record<string, unknown>[] {
  const blocks: Record<string, unknown>[] = [];
  const thinking = requestedThinking(request);
  if (reply.thinking !== undefined && thinking !== undefined) {
    const shown = thinking.display === 'omitted' ? '' : reply.thinking.text;
    blocks.push({ type: 'thinking', thinking: shown, signature: reply.thinking.signature });
  }
  if (reply.redactedThinking !== undefined && thinking !== undefined) blocks.push({ type: 'redacted_thinking', data: reply.redactedThinking });
  blocks.push({ type: 'text', text });
  if (reply.toolUse !== undefined) blocks.push({ type: 'tool_use', id: toolId, name: reply.toolUse.name, input: reply.toolUse.input });
  return blocks;
}

/** The SSE events that stream one content block: start with the block emptied, its deltas, stop (a ping after the first start, as the API does). */
function blockEvents(block: Record<string, unknown>, index: number, reply: ReplyScript): string[] {
  const events: string[] = [];
  const delta = (body: Record<string, unknown>) =>
    events.push(sseEvent('content_block_delta', { type: 'content_block_delta', index, delta: body }));
  if (block.type === 'thinking') {
    events.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
    const thinking = String(block.thinking);
    if (thinking !== '') for (const piece of splitText(thinking)) delta({ type: 'thinking_delta', thinking: piece });
    delta({ type: 'signature_delta', signature: String(block.signature) });
  } else if (block.type === 'redacted_thinking') {
    events.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: block }));
  } else if (block.type === 'text') {
    events.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
    for (const piece of splitText(String(block.text), reply.deltas)) delta({ type: 'text_delta', text: piece });
  } else {
    events.push(sseEvent('content_block_start', { type: 'content_block_start', index, content_block: { ...block, input: {} } }));
    delta({ type: 'input_json_delta', partial_json: '' });
    for (const piece of splitText(JSON.stringify(block.input), 3)) delta({ type: 'input_json_delta', partial_json: piece });
  }
  events.push(sseEvent('content_block_stop', { type: 'content_block_stop', index }));
  if (index === 0) events.splice(1, 0, sseEvent('ping', { type: 'ping' }));
  return events;
}

async function answerMessage(request: RecordedRequest, reply: ReplyScript, res: http.ServerResponse, serial: number): Promise<void> {
  const model = requestedModel(request);
  const text = reply.text ?? defaultReplyText(request);
  const usage = anthropicReplyUsage(request, reply);
  const id = `msg_test${String(serial).padStart(6, '0')}`;
  const toolId = `toolu_test${String(serial).padStart(6, '0')}`;
  const stopReason = reply.toolUse === undefined ? 'end_turn' : 'tool_use';
  const stream = (request.json as { stream?: unknown } | undefined)?.stream === true;
  const content = answerBlocks(request, reply, text, toolId);

  if (!stream) {
    sendJson(
      res,
      200,
      {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content,
        stop_reason: stopReason,
        stop_sequence: null,
        usage: { ...usage, service_tier: 'standard' },
      },
      { 'request-id': `req_test${serial}`, ...reply.headers },
    );
    return;
  }

  const events: string[] = [
    sseEvent('message_start', {
      type: 'message_start',
      message: {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1, service_tier: 'standard' },
      },
    }),
    ...content.flatMap((block, index) => blockEvents(block, index, reply)),
    sseEvent('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }),
    sseEvent('message_stop', { type: 'message_stop' }),
  ];
  await sendSse(res, events, { ...reply, headers: { 'request-id': `req_test${serial}`, ...reply.headers } });
}
