import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonBody, LONG_STRING } from '../../proxy/core/json-body.js';
import { isGatewayError } from '../../proxy/core/errors.js';
import { loadClaudeCodeFixture } from '../fixtures/claude-code/index.js';

const claudeCode = (): Record<string, unknown> => loadClaudeCodeFixture('first-turn-sonnet4').requests[0].body;

function refusal(text: string | Buffer): string {
  try {
    JsonBody.read(typeof text === 'string' ? Buffer.from(text) : text);
  } catch (err) {
    assert.ok(isGatewayError(err), 'refused as a GatewayError');
    assert.equal(err.kind, 'invalid_request');
    return err.message;
  }
  assert.fail(`accepted ${String(text)}`);
}

test('members parse to what JSON.parse gives, the last of duplicates as JSON.parse keeps it', () => {
  const value = { ...claudeCode(), n: -1.5e-3, flag: false, none: null, 'ké\\y': 'é' };
  const body = JsonBody.of(value);
  for (const [name, member] of Object.entries(value)) assert.deepEqual(body.get(name), member, name);
  assert.equal(body.get('absent'), undefined);
  assert.deepEqual(body.value(), value);
  assert.equal(JsonBody.read(Buffer.from('{"model":"a","model":"b"}')).get('model'), 'b');
  assert.equal(JsonBody.read(Buffer.from('{"toString":1}')).get('constructor'), undefined);
});

test('refuses text that is not a JSON object with the parser\'s own words, and nesting past the limit', () => {
  assert.match(refusal('{"model": "x", '), /^request body is not valid JSON: /);
  assert.match(refusal('{"a":1,}'), /^request body is not valid JSON: .*JSON/);
  for (const text of ['[]', 'null', '"x"', '12', ' [1] ']) assert.equal(refusal(text), 'request body must be a JSON object', text);
  assert.match(refusal(`{"a":${'['.repeat(300)}${']'.repeat(300)}}`), /nests arrays and objects more than 256 levels/);
});

test('text that is not valid UTF-8 is read as JSON.parse reads its decode, replacement characters and all', () => {
  const body = JsonBody.read(Buffer.from([...Buffer.from('{"a":"x'), 0xff, ...Buffer.from('y","b":2}')]));
  assert.equal(body.get('a'), 'x\ufffdy');
  assert.equal(body.get('b'), 2);
  assert.deepEqual(body.outlineValue(), { a: 'x\ufffdy', b: 2 });
});

test('the outline keeps three levels and short strings, and stands in for long strings and deeper structure', () => {
  const long = 'é'.repeat(200);
  const body = JsonBody.of({
    model: 'claude',
    max_tokens: 10,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }, { role: 'assistant', content: long }],
    inferenceConfig: { maxTokens: 5, stop: ['x'], nested: { deeper: { deepest: 1 } } },
    system: long,
  });
  assert.deepEqual(body.outlineValue(), {
    model: 'claude',
    max_tokens: 10,
    messages: [{ role: 'user', content: [] }, { role: 'assistant', content: LONG_STRING }],
    inferenceConfig: { maxTokens: 5, stop: ['x'], nested: { deeper: {} } },
    system: LONG_STRING,
  });
  const proto = JsonBody.read(Buffer.from('{"__proto__":{"polluted":1},"a":[{"__proto__":2}]}')).outlineValue();
  assert.deepEqual(Object.keys(proto), ['__proto__', 'a']);
  assert.equal(Object.getPrototypeOf(proto), Object.prototype, 'a member named __proto__ is a member, as JSON.parse makes it');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('forwards the very bytes when every override holds, and splices only the changed member otherwise', () => {
  const raw = Buffer.from('{ "model" : "a",\n  "stream_options": {"x":1}, "messages":[{"role":"user","content":"héllo"}] }');
  const body = JsonBody.read(raw);
  assert.equal(body.with({ model: 'a', stream_options: { x: 1 } }), raw, 'the same Buffer, not a copy');
  assert.equal(
    body.with({ model: 'b' }).toString(),
    '{ "model" : "b",\n  "stream_options": {"x":1}, "messages":[{"role":"user","content":"héllo"}] }',
  );
  assert.equal(
    body.with({ stream_options: { x: 1, include_usage: true }, model: 'é"' }).toString(),
    '{ "model" : "é\\"",\n  "stream_options": {"x":1,"include_usage":true}, "messages":[{"role":"user","content":"héllo"}] }',
  );
  assert.equal(body.with({ added: [1], model: 'a' }).toString(), '{ "model" : "a",\n  "stream_options": {"x":1}, "messages":[{"role":"user","content":"héllo"}],"added":[1] }');
  assert.equal(JsonBody.read(Buffer.from(' { } ')).with({ model: 'm' }).toString(), ' {"model":"m" } ');
  assert.equal(JsonBody.read(Buffer.from('{}')).with({ model: 'm', stream: true }).toString(), '{"model":"m","stream":true}');
  assert.equal(JsonBody.read(Buffer.from('{"a":1}')).with({ b: 2, c: [3] }).toString(), '{"a":1,"b":2,"c":[3]}');
});

test('a member sent twice is rewritten as a whole, so no reader of the forwarded body sees the client\'s value', () => {
  const body = JsonBody.read(Buffer.from('{"model":"cheap","messages":[],"model":"pricey"}'));
  assert.equal(body.get('model'), 'pricey');
  assert.equal(body.with({ model: 'pricey' }).toString(), '{"model":"pricey","messages":[]}', 'even when the last one already holds');
  const rewritten = body.with({ model: 'target' }).toString();
  assert.equal(rewritten, '{"model":"target","messages":[]}');
});

test('the recorded Claude Code request: the outline holds its shape, a model change splices 90 KB without re-serialising it', () => {
  const value = claudeCode();
  const raw = Buffer.from(JSON.stringify(value));
  const body = JsonBody.read(raw);
  const outline = body.outlineValue() as { messages: { role: string }[]; tools: { name: string }[] };
  assert.deepEqual(outline.messages.map((m) => m.role), (value.messages as { role: string }[]).map((m) => m.role));
  assert.deepEqual(outline.tools.map((t) => t.name), (value.tools as { name: string }[]).map((t) => t.name));
  const spliced = body.with({ model: 'another-model' });
  assert.deepEqual(JSON.parse(spliced.toString()), { ...value, model: 'another-model' });
  assert.equal(spliced.length, raw.length - JSON.stringify(value.model).length + '"another-model"'.length);
});

test('read whole (a translation will parse it anyway): the same members, outline and refusals, overrides re-serialised', () => {
  const value = claudeCode();
  const raw = Buffer.from(JSON.stringify(value));
  const body = JsonBody.read(raw, { whole: true });
  assert.equal(body.get('model'), value.model);
  assert.deepEqual(body.value(), value);
  assert.equal(body.outlineValue(), body.value(), 'validated on the parsed value itself');
  assert.equal(body.with({ model: value.model }), raw);
  assert.deepEqual(JSON.parse(body.with({ model: 'other' }).toString()), { ...value, model: 'other' });
  assert.throws(() => JsonBody.read(Buffer.from('{"a":'), { whole: true }), /not valid JSON/);
  assert.throws(() => JsonBody.read(Buffer.from('[1]'), { whole: true }), /must be a JSON object/);
  assert.throws(() => JsonBody.read(Buffer.from(`{"a":${'['.repeat(300)}${']'.repeat(300)}}`), { whole: true }), /nests arrays and objects more than 256/);
});
