import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonBytes } from '../../proxy/core/json-bytes.js';
import { loadClaudeCodeFixture } from '../fixtures/claude-code/index.js';

/** What JSON.parse of the standard decode gives: the value, or the SyntaxError's message. */
function standard(bytes: Buffer): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(bytes.toString('utf8')) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function ours(bytes: Buffer): { value: unknown } | { error: string } {
  try {
    return { value: parseJsonBytes(bytes) };
  } catch (err) {
    assert.equal((err as Error).name, 'SyntaxError', 'a parse failure is a SyntaxError, as JSON.parse throws');
    return { error: (err as Error).message };
  }
}

/** The same value or the same error as JSON.parse(bytes.toString('utf8')), at every alignment of the bytes. */
function same(bytes: Buffer): void {
  const expected = standard(bytes);
  for (let offset = 0; offset < 4; offset++) {
    const shifted = Buffer.alloc(bytes.length + offset);
    bytes.copy(shifted, offset);
    assert.deepEqual(ours(shifted.subarray(offset)), expected, `at byte offset ${offset}`);
  }
}

test('parses to the value of the standard decode: ASCII, every UTF-8 width, surrogate pairs, escapes', () => {
  same(Buffer.from('{"model":"claude-sonnet-4","messages":[{"role":"user","content":"hi"}]}'));
  same(Buffer.from('{"content":"café – naïve — 日本語 — 🚀🧪 — \\u00e9 — \\\\— \\"—","k—":["é",1,"🤖"]}'));
  same(Buffer.from(`{"a":"${'x'.repeat(70_001)}…${'y'.repeat(70_003)}","b":"é"}`));
  same(Buffer.from('"€"'));
  same(Buffer.from('["é"]'));
});

test('a non-ASCII character at every position of the four-byte words and sixteen-byte blocks the scan steps by', () => {
  for (let before = 0; before < 40; before++) {
    same(Buffer.from(`{"a":"${'x'.repeat(before)}é${'y'.repeat(40)}"}`));
    same(Buffer.from(`{"a":"${'x'.repeat(before)}🤖"}`));
  }
});

test('bodies with more non-ASCII characters than the first buffer holds', () => {
  same(Buffer.from(JSON.stringify({ dashes: '—'.repeat(5_000), emoji: '🧪'.repeat(3_000), mixed: 'aé'.repeat(4_000) })));
});

test('texts dense with non-ASCII characters (decoded instead of escaped) parse to the same value', () => {
  same(Buffer.from(JSON.stringify({ content: '日本語の文章です。'.repeat(2_000) })));
  same(Buffer.from(JSON.stringify({ content: `${'ascii only '.repeat(5_000)}${'Ελληνικά κείμενα '.repeat(2_000)}` })));
  same(Buffer.from('{"a":"\\—日本語の文章です。日本語の文章です。日本語の文章です。日本語の文章です。日本語の文章です。日本語の文章です。"}'));
});

test('the recorded Claude Code request (non-ASCII spread through 90 KB) parses to the same value', () => {
  const body = Buffer.from(JSON.stringify(loadClaudeCodeFixture('first-turn-sonnet4').requests[0].body));
  assert.ok(body.some((b) => b >= 0x80), 'the fixture has non-ASCII text');
  same(body);
});

test('invalid JSON fails with the message of the standard decode', () => {
  same(Buffer.from('{"a": é}'));
  same(Buffer.from('{"a": "é" x}'));
  same(Buffer.from('{"a": "é'));
  same(Buffer.from('é'));
  same(Buffer.from('{"a":"x"}—'));
  same(Buffer.from('{"a":"\u0001é"}'));
});

test('a backslash escaping a non-ASCII character stays invalid (its escape would make it a valid \\\\u)', () => {
  same(Buffer.from('{"a":"\\—"}'));
  same(Buffer.from('{"a":"\\\\\\é"}'));
  same(Buffer.from('{"a":"\\\\—"}')); // an escaped backslash, then a dash: valid
  same(Buffer.from('{"a":1}\\é'));
});

test('invalid UTF-8 parses as the standard decoder reads it, with replacement characters', () => {
  same(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xc3, 0x22, 0x7d]));
  same(Buffer.from([0x22, 0xe6, 0x97, 0x22]));
  same(Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22]));
});

test('random texts over JSON punctuation, backslashes and non-ASCII characters: the same value or error', () => {
  const alphabet = ['"', '\\', '{', '}', '[', ']', ':', ',', 'u', '0', 'a', ' ', 'é', '—', '🤖', '"k":', '"é"', '\\u00e9', 'null'];
  let seed = 7;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  let valid = 0;
  for (let i = 0; i < 3000; i++) {
    const parts = Array.from({ length: 1 + next(12) }, () => alphabet[next(alphabet.length)]);
    // Half of them wrapped as a string value, so many are valid JSON.
    const text = next(2) === 0 ? `{"v":"${parts.join('')}"}` : parts.join('');
    const bytes = Buffer.from(text);
    if ('value' in standard(bytes)) valid++;
    assert.deepEqual(ours(bytes), standard(bytes), text);
  }
  assert.ok(valid > 100, `enough of the texts are valid JSON (${valid})`);
});
