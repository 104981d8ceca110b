import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SseParser } from '../../proxy/providers/http/sse.js';

/** The field rules of the SSE spec, written the obvious way, to check the parser's hand-rolled line scanner. */
function reference(raw: string): { event?: string; data?: string } {
  let event: string | undefined;
  let data: string | undefined;
  for (const line of raw.split(/\r\n|\r|\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
  }
  return { event, data };
}

const eol = fc.constantFrom('\n', '\r\n', '\r');
const value = fc.string({ unit: fc.constantFrom('a', 'é', ' ', ':', '{', '"', '€', '😀'), maxLength: 12 });
const line = fc.oneof(
  fc.tuple(fc.constantFrom('event', 'data', 'id', 'retry', 'dat'), fc.constantFrom(':', ': ', ':  '), value).map(([f, sep, v]) => `${f}${sep}${v}`),
  fc.constantFrom('data', 'event', ': comment', ':'),
);

test('event and data fields follow the SSE rules for every line ending, comment and spacing', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(line, eol), { minLength: 1, maxLength: 8 }), eol, (lines, end) => {
      // One event: its lines, then the blank line that ends it. After a CR the blank line must not be a bare LF
      // (CR LF is one line end), and a final bare CR is held until the next byte says whether an LF follows.
      const lastEol = lines[lines.length - 1][1];
      const blank = lastEol === '\r' ? '\r\n' : end === '\r' ? '\n' : end;
      const raw = `${lines.map(([l, e]) => `${l}${e}`).join('')}${blank}`;
      const events = new SseParser().push(Buffer.from(raw));
      assert.equal(events.length, 1);
      const { event, data } = reference(raw);
      assert.equal(events[0].event, event);
      assert.equal(events[0].data, data);
      assert.equal(events[0].raw.toString('utf8'), raw);
    }),
    { numRuns: 2_000 },
  );
});

test('events come out the same however the bytes are split across reads, for every line ending', () => {
  const event = fc
    .tuple(fc.array(fc.tuple(line, eol), { minLength: 1, maxLength: 5 }), eol)
    .map(([lines, end]) => {
      const lastEol = lines[lines.length - 1][1];
      return `${lines.map(([l, e]) => `${l}${e}`).join('')}${lastEol === '\r' ? '\r\n' : end === '\r' ? '\n' : end}`;
    });
  fc.assert(
    fc.property(fc.array(event, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (events, cutSeeds) => {
      const bytes = Buffer.from(events.join(''));
      const whole = new SseParser().push(bytes);
      const cuts = [...new Set(cutSeeds.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const parser = new SseParser();
      const pieces: ReturnType<SseParser['push']> = [];
      let from = 0;
      for (const cut of [...cuts, bytes.length]) {
        pieces.push(...parser.push(bytes.subarray(from, cut)));
        from = cut;
      }
      const simplify = (es: typeof whole) => es.map((e) => ({ event: e.event, data: e.data, raw: e.raw.toString('utf8') }));
      assert.deepEqual(simplify(pieces), simplify(whole));
      assert.equal(whole.length, events.length);
    }),
    { numRuns: 2_000 },
  );
});
