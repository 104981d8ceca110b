// The OpenAI provider's Responses parts: usage from a response object, and the stream observer that bills from the
// terminal event, keeps every event, and numbers the error it appends after the last event the client saw.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser } from '../../proxy/providers/http/sse.js';
import { ResponsesStreamObserver } from '../../proxy/providers/openai/responses-stream.js';
import { responsesJsonResult, responsesUsage } from '../../proxy/providers/openai/responses-usage.js';

function observe(text: string): { observer: ResponsesStreamObserver; kept: number } {
  const observer = new ResponsesStreamObserver();
  let kept = 0;
  for (const event of new SseParser().push(Buffer.from(text))) if (observer.observe(event)) kept += 1;
  return { observer, kept };
}

const event = (type: string, sequence: number, fields: Record<string, unknown> = {}) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...fields })}\n\n`;

const usage = { input_tokens: 1000, input_tokens_details: { cached_tokens: 300, cache_write_tokens: 100 }, output_tokens: 250, output_tokens_details: { reasoning_tokens: 200 }, total_tokens: 1250 };

describe('Responses API usage and streams from an OpenAI upstream', () => {
  test('cached input tokens are cache reads and cache writes are writes, neither also billed as input; reasoning is output', () => {
    assert.deepEqual(responsesUsage(usage), { inputTokens: 600, outputTokens: 250, cacheReadTokens: 300, cacheWrite5mTokens: 100, cacheWrite1hTokens: 0 });
    assert.equal(responsesUsage(null), null);
  });

  test('a JSON response gives its usage and status; an incomplete one the reason', () => {
    assert.deepEqual(responsesJsonResult(Buffer.from(JSON.stringify({ status: 'completed', usage }))).stopReason, 'completed');
    const cut = responsesJsonResult(Buffer.from(JSON.stringify({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, usage })));
    assert.equal(cut.stopReason, 'max_output_tokens');
    assert.equal(cut.usage?.outputTokens, 250);
  });

  test('the stream is billed from response.completed and every event is relayed', () => {
    const { observer, kept } = observe(
      event('response.created', 0, { response: { status: 'in_progress', usage: null } }) +
        event('response.output_text.delta', 1, { delta: 'hi' }) +
        event('response.completed', 2, { response: { status: 'completed', usage } }),
    );
    assert.equal(kept, 3);
    assert.equal(observer.finished, true);
    assert.equal(observer.stopReason, 'completed');
    assert.equal(observer.finalUsage()?.cacheReadTokens, 300);
    assert.equal(observer.error, undefined);
  });

  test('response.incomplete ends the stream with its reason and usage; response.failed with its error', () => {
    const incomplete = observe(event('response.incomplete', 0, { response: { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, usage } })).observer;
    assert.deepEqual([incomplete.finished, incomplete.stopReason, incomplete.finalUsage()?.outputTokens], [true, 'max_output_tokens', 250]);
    const failed = observe(event('response.failed', 0, { response: { status: 'failed', error: { code: 'server_error', message: 'boom' }, usage: null } })).observer;
    assert.deepEqual([failed.finished, failed.error], [true, { type: 'server_error', message: 'boom' }]);
  });

  test('an error event is kept as the upstream\'s error; events without an event line are read from their type', () => {
    const { observer } = observe(`data: ${JSON.stringify({ type: 'error', code: 'rate_limit_exceeded', message: 'slow down', param: null, sequence_number: 4 })}\n\n`);
    assert.deepEqual(observer.error, { type: 'rate_limit_exceeded', message: 'slow down' });
  });

  test('the error the gateway appends to a cut stream continues the sequence numbers', () => {
    const { observer } = observe(event('response.created', 0, { response: {} }) + event('response.output_text.delta', 1, { delta: 'a' }));
    const appended = new SseParser().push(Buffer.from(observer.failureEvent('the upstream went away')))[0];
    assert.equal(appended.event, 'error');
    assert.deepEqual(JSON.parse(appended.data ?? ''), { type: 'error', code: 'upstream_error', message: 'the upstream went away', param: null, sequence_number: 2 });
  });
});
