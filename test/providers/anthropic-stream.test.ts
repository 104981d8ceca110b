// Pure parts of the Anthropic path: the SSE parser the relay uses, usage normalisation, the stream observer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SseParser, type SseEvent } from '../../proxy/providers/http/sse.js';
import { anthropicUsage } from '../../proxy/providers/anthropic/usage.js';
import { AnthropicStreamObserver } from '../../proxy/providers/anthropic/stream.js';
import { anthropicModelList } from '../../proxy/providers/anthropic/index.js';

const STREAM = [
  'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":10,"cache_creation_input_tokens":6,"cache_read_input_tokens":4,"cache_creation":{"ephemeral_5m_input_tokens":2,"ephemeral_1h_input_tokens":4},"output_tokens":1}}}\n\n',
  'event: ping\ndata: {"type": "ping"}\n\n',
  ': a comment line\r\nevent: content_block_delta\r\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"héllo ✓"}}\r\n\r\n',
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":12}}\n\n',
  'event: message_stop\ndata: {"type":"message_stop"}\n\n',
].join('');

function parseInChunks(bytes: Buffer, cuts: number[]): { events: SseEvent[]; tail: SseEvent | undefined } {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    events.push(...parser.push(bytes.subarray(from, cut)));
    from = cut;
  }
  events.push(...parser.push(bytes.subarray(from)));
  return { events, tail: parser.finish() };
}

describe('SSE parser', () => {
  it('yields the same events and the exact bytes however the stream is cut into chunks', () => {
    const bytes = Buffer.from(STREAM, 'utf8');
    const whole = parseInChunks(bytes, []);
    assert.equal(whole.events.length, 5);
    assert.equal(whole.tail, undefined);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 40 }), (cuts) => {
        const { events, tail } = parseInChunks(bytes, cuts);
        assert.equal(tail, undefined);
        assert.deepEqual(events.map((e) => [e.event, e.data]), whole.events.map((e) => [e.event, e.data]));
        assert.ok(Buffer.concat(events.map((e) => e.raw)).equals(bytes));
      }),
    );
  });

  it('reads event names, joins multi-line data and skips comments', () => {
    const events = new SseParser().push(Buffer.from(': keepalive\n\nevent: x\ndata: a\ndata:b\n\n'));
    assert.deepEqual(events.map((e) => [e.event, e.data]), [[undefined, undefined], ['x', 'a\nb']]);
  });

  it('hands back an unterminated last event at the end of input', () => {
    const parser = new SseParser();
    assert.deepEqual(parser.push(Buffer.from('data: [DONE]')), []);
    assert.equal(parser.finish()?.data, '[DONE]');
  });
});

describe('anthropic usage', () => {
  it('excludes cache reads and writes from input and splits writes by TTL', () => {
    const usage = anthropicUsage({
      input_tokens: 10,
      output_tokens: 3,
      cache_read_input_tokens: 400,
      cache_creation_input_tokens: 90,
      cache_creation: { ephemeral_5m_input_tokens: 30, ephemeral_1h_input_tokens: 60 },
    });
    assert.deepEqual(usage, { inputTokens: 10, outputTokens: 3, cacheReadTokens: 400, cacheWrite5mTokens: 30, cacheWrite1hTokens: 60 });
  });

  it('counts every cache write as 5-minute when the TTL split is absent', () => {
    const usage = anthropicUsage({ input_tokens: 1, output_tokens: 1, cache_creation_input_tokens: 90 });
    assert.equal(usage.cacheWrite5mTokens, 90);
    assert.equal(usage.cacheWrite1hTokens, 0);
  });

  it('lets message_delta override only the counts it carries', () => {
    const start = anthropicUsage({ input_tokens: 10, output_tokens: 1, cache_read_input_tokens: 5 });
    assert.deepEqual(anthropicUsage({ output_tokens: 42 }, start), { ...start, outputTokens: 42 });
  });
});

describe('anthropic stream observer', () => {
  it('reports usage and stop reason from a complete stream', () => {
    const observer = new AnthropicStreamObserver();
    for (const event of new SseParser().push(Buffer.from(STREAM))) assert.equal(observer.observe(event), true);
    assert.equal(observer.finished, true);
    assert.equal(observer.stopReason, 'end_turn');
    assert.deepEqual(observer.finalUsage(true), { inputTokens: 10, outputTokens: 12, cacheReadTokens: 4, cacheWrite5mTokens: 2, cacheWrite1hTokens: 4 });
  });

  it('estimates output from streamed text when the stream was cut before message_delta', () => {
    const observer = new AnthropicStreamObserver();
    const cut = STREAM.slice(0, STREAM.indexOf('event: message_delta'));
    for (const event of new SseParser().push(Buffer.from(cut))) observer.observe(event);
    assert.equal(observer.finished, false);
    assert.equal(observer.finalUsage(false)?.outputTokens, Math.ceil('héllo ✓'.length / 4));
  });

  it('measures a long cut stream exactly, also past the point where waiting deltas are measured early', () => {
    const observer = new AnthropicStreamObserver();
    const start = 'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":10,"output_tokens":1}}}\n\n';
    // 4,000 deltas of 100 characters with escapes (quotes, newlines, non-ASCII): over 400 KB of payload.
    const piece = `${'a"b\nc€'.repeat(10)}${'x'.repeat(40)}`;
    const delta = `event: content_block_delta\ndata: ${JSON.stringify({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } })}\n\n`;
    const parser = new SseParser();
    observer.observe(parser.push(Buffer.from(start))[0]);
    for (let i = 0; i < 4_000; i++) for (const event of parser.push(Buffer.from(delta))) observer.observe(event);
    assert.equal(observer.finalUsage(false)?.outputTokens, Math.ceil((4_000 * piece.length) / 4));
  });

  it('records an error event the upstream sent inside the stream', () => {
    const observer = new AnthropicStreamObserver();
    const [event] = new SseParser().push(Buffer.from('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'));
    observer.observe(event);
    assert.deepEqual(observer.error, { type: 'overloaded_error', message: 'Overloaded' });
  });
});

describe('anthropic model list', () => {
  it('lists each configured model once, in the API page shape', () => {
    const page = anthropicModelList(['claude-sonnet-4-20250514', 'claude-opus-4-1-20250805', 'claude-sonnet-4-20250514']);
    assert.deepEqual(page.data.map((m) => m.id), ['claude-sonnet-4-20250514', 'claude-opus-4-1-20250805']);
    assert.equal(page.first_id, 'claude-sonnet-4-20250514');
    assert.equal(page.last_id, 'claude-opus-4-1-20250805');
    assert.equal(page.has_more, false);
    assert.equal(page.data[0].type, 'model');
  });
});
