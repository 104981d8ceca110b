import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeUtf8 } from '../../proxy/core/decode-utf8.js';
import { loadClaudeCodeFixture } from '../fixtures/claude-code/index.js';

const same = (bytes: Buffer) => assert.equal(decodeUtf8(bytes), bytes.toString('utf8'));

test('decodes exactly as Buffer#toString("utf8") does: ASCII, every UTF-8 width, surrogate pairs', () => {
  same(Buffer.alloc(0));
  same(Buffer.from('{"model":"claude-sonnet-4","messages":[{"role":"user","content":"hi"}]}'));
  same(Buffer.from('{"content":"café – naïve — 日本語 — 🚀🧪 — \\u00e9"}'));
  same(Buffer.from('x'.repeat(70_000) + '…' + 'y'.repeat(70_000)));
});

test('the recorded Claude Code request (non-ASCII spread through 90 KB) decodes unchanged', () => {
  const body = Buffer.from(JSON.stringify(loadClaudeCodeFixture('first-turn-sonnet4').requests[0].body));
  assert.ok(body.some((b) => b >= 0x80), 'the fixture has non-ASCII text');
  same(body);
});

test('invalid UTF-8 decodes with replacement characters, as the standard decoder does', () => {
  same(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xc3, 0x22, 0x7d]));
  same(Buffer.from([0xe6, 0x97])); // a character cut in half
  same(Buffer.from([0xed, 0xa0, 0x80])); // an encoded lone surrogate
});
