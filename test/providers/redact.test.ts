// Credential redaction of upstream error text: known secrets, credential shapes, and bytes left alone otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactBytes, redactCredentials } from '../../proxy/providers/redact.js';

test('known secrets, sk- and sk-ant- keys, AWS access key ids and bearer tokens become [redacted]', () => {
  const text = 'key my-provider-secret-1 or sk-ant-api03-abcdefgh12 or sk-proj-abcdefgh12; id AKIAIOSFODNN7EXAMPLE / ASIAIOSFODNN7EXAMPLE; Authorization: Bearer eyJhbGciOi.x.y';
  assert.equal(
    redactCredentials(text, ['my-provider-secret-1']),
    'key [redacted] or [redacted] or [redacted]; id [redacted] / [redacted]; Authorization: Bearer [redacted]',
  );
});

test('a known secret is found in its JSON-escaped form too, and short ones are left alone so words survive', () => {
  assert.equal(redactCredentials('{"m":"bad key a\\"quoted\\"secret"}', ['a"quoted"secret']), '{"m":"bad key [redacted]"}');
  assert.equal(redactCredentials('a device in development', ['dev']), 'a device in development');
});

test('bytes without a credential are returned as the very same buffer; with one, rewritten', () => {
  const clean = Buffer.from('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"busy"}}\n\n');
  assert.equal(redactBytes(clean, ['sk-not-present-here']), clean);
  const leaky = Buffer.from('event: error\ndata: {"type":"error","error":{"message":"bad key sk-ant-api03-leakedKEY99"}}\n\n');
  assert.equal(redactBytes(leaky).toString(), 'event: error\ndata: {"type":"error","error":{"message":"bad key [redacted]"}}\n\n');
});
