import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanJson } from '../../proxy/core/json-scan.js';
import { loadClaudeCodeFixture } from '../fixtures/claude-code/index.js';

/** Whether JSON.parse accepts the standard decode of `bytes`. */
function parses(bytes: Buffer): boolean {
  try {
    JSON.parse(bytes.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/** The scan agrees with JSON.parse on `text`, at every alignment of its bytes (strings are scanned a word at a time). */
function agrees(text: string | Buffer): void {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const expected = parses(bytes) ? 'valid' : 'invalid';
  for (let offset = 0; offset < 4; offset++) {
    const shifted = Buffer.alloc(bytes.length + offset);
    bytes.copy(shifted, offset);
    assert.equal(scanJson(shifted.subarray(offset), 256).kind, expected, `${JSON.stringify(bytes.toString('utf8').slice(0, 120))} at offset ${offset}`);
  }
}

test('accepts what JSON.parse accepts: every value kind, number form, escape and whitespace', () => {
  for (const text of [
    '{}', '[]', '""', '0', '-0', '12', '-12.5e+3', '1E-7', '0.5', 'true', 'false', 'null',
    ' \t\r\n{ "a" : [ 1 , 2 , { "b" : null } ] } \n',
    '{"s":"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83E\\uDD16"}',
    '{"a":"café — 日本語 🚀","é":"x"}',
    '{"a":1,"a":2}',
    '{"__proto__":{"x":1}}',
    '[[[[[]]]]]',
  ]) {
    agrees(text);
  }
});

test('refuses what JSON.parse refuses: truncation, trailing commas, comments, bad numbers, bad escapes, raw control characters', () => {
  for (const text of [
    '', ' ', '{', '{"a"', '{"a":', '{"a":1', '{"a":1,}', '[1,]', '[,1]', '{,}', '{"a" 1}', '{a:1}', "{'a':1}",
    '{"a":1} x', '{"a":1}{}', '// c\n{}', '{"a":/* c */1}',
    '01', '-', '+1', '1.', '.5', '1e', '1e+', '0x10', 'NaN', 'Infinity', '-Infinity', '1.5.2',
    'tru', 'truee', 'nul', 'False', 'undefined',
    '"\\x41"', '"\\u12"', '"\\u12G4"', '"\\\'"', '"unterminated', '"\\"',
    '"a\nb"', '"a\tb"', '"\u0000"', '"\u001f"',
    '{"a":"x"]', '[1}',
    '\u00a0{}', '{}\u00a0',
  ]) {
    agrees(text);
  }
});

test('every control character inside a string at every position of a word is refused', () => {
  for (let code = 0; code < 0x20; code++) {
    for (let before = 0; before < 9; before++) agrees(`{"a":"${'x'.repeat(before)}${String.fromCharCode(code)}${'y'.repeat(9)}"}`);
  }
  // Just above: space, DEL and a non-ASCII character are allowed.
  for (const c of [' ', '\u007f', '\u0080', '\u2028']) agrees(`{"a":"xx${c}yy"}`);
});

test('quotes and backslashes at every position of the words strings are skipped by', () => {
  for (let before = 0; before < 12; before++) {
    const run = 'x'.repeat(before);
    agrees(`{"a":"${run}\\"${run}","b":"${run}\\\\","c":"${run}"}`);
    agrees(`{"a":"${run}\\\\"x"}`);
    agrees(`{"a":"${run}\\\\\\"x"}`);
  }
});

test('text that is not valid UTF-8 is left to the caller (invalid), whatever JSON.parse makes of it', () => {
  assert.equal(scanJson(Buffer.from([0x22, 0xff, 0x22]), 256).kind, 'invalid');
  assert.equal(scanJson(Buffer.from([0x22, 0xe2, 0x80, 0x22]), 256).kind, 'invalid');
});

test('refuses nesting past the limit the way nestsDeeperThan counts it, and an unterminated flood stops there', () => {
  const nested = (n: number) => '['.repeat(n) + ']'.repeat(n);
  assert.equal(scanJson(Buffer.from(nested(256)), 256).kind, 'valid');
  assert.equal(scanJson(Buffer.from(nested(257)), 256).kind, 'too_deep');
  assert.equal(scanJson(Buffer.from(`{"a":${nested(3)}}`), 3).kind, 'too_deep');
  assert.equal(scanJson(Buffer.from(`{"a":${nested(2)}}`), 3).kind, 'valid');
  assert.equal(scanJson(Buffer.from('['.repeat(30_000_000)), 256).kind, 'too_deep');
});

test('random mutations of a real body: the scan and JSON.parse agree on every one', () => {
  const base = Buffer.from(JSON.stringify({ ...loadClaudeCodeFixture('first-turn-sonnet4').requests[0].body, n: [-1.5e3, 0, true, null] }).slice(0, 6_000) + '"]}]}');
  agrees(Buffer.from(JSON.stringify(loadClaudeCodeFixture('first-turn-sonnet4').requests[0].body)));
  const alphabet = Buffer.from('{}[],:"\\ \n\t0123456789-+.eEtrufalsn\u0001xé', 'utf8');
  let seed = 42;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let round = 0; round < 1_500; round++) {
    const text = Buffer.from(base);
    for (let k = 0; k <= random(3); k++) text[random(text.length)] = alphabet[random(alphabet.length)];
    agrees(text.subarray(0, text.length - random(4)));
  }
});

test('the outline locates members, their elements and theirs, and nothing deeper', () => {
  const text = Buffer.from('{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hi"}]}],"n":1}');
  const scan = scanJson(text, 256);
  assert.equal(scan.kind, 'valid');
  if (scan.kind !== 'valid') return;
  const o = scan.outline;
  const located = o.start.map((start, e) => ({
    level: o.level[e],
    key: o.keyStart[e] === -1 ? null : text.toString('utf8', o.keyStart[e], o.keyEnd[e]),
    value: text.toString('utf8', start, o.end[e]),
    parent: o.parent[e],
  }));
  assert.deepEqual(located, [
    { level: 1, key: '"model"', value: '"m"', parent: -1 },
    { level: 1, key: '"messages"', value: '[{"role":"user","content":[{"type":"text","text":"hi"}]}]', parent: -1 },
    { level: 2, key: null, value: '{"role":"user","content":[{"type":"text","text":"hi"}]}', parent: 1 },
    { level: 3, key: '"role"', value: '"user"', parent: 2 },
    { level: 3, key: '"content"', value: '[{"type":"text","text":"hi"}]', parent: 2 },
    { level: 1, key: '"n"', value: '1', parent: -1 },
  ]);
});
