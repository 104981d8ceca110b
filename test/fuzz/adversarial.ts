// Adversarial value generators shared by the fuzz suites: hostile keys, numbers, strings, nesting and bytes.
import fc from 'fast-check';

/** How many cases each fuzz property runs: small by default, `SPENDGATE_FUZZ_RUNS` for the big run. */
export function fuzzRuns(defaultRuns: number): number {
  const text = process.env.SPENDGATE_FUZZ_RUNS;
  if (text === undefined || text === '') return defaultRuns;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`SPENDGATE_FUZZ_RUNS must be a positive integer, got "${text}"`);
  return n;
}

/** A reproducible seed: `SPENDGATE_FUZZ_SEED` replays a reported failure; otherwise a fresh one (printed by the suites). */
export function fuzzSeed(): number {
  const text = process.env.SPENDGATE_FUZZ_SEED;
  if (text !== undefined && text !== '') return Number(text);
  return Math.floor(Math.random() * 0x7fffffff);
}

/** Keys that attack prototype chains when a parser or a merge copies them blindly. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf', '__defineGetter__'] as const;

/** Numbers that sit at or past the edges of what JSON and IEEE 754 can say. */
export const EDGE_NUMBERS: readonly number[] = [
  0, -0, 1, -1, 0.5, 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 64, 1e21, 4294967296, -2147483649,
];

/** Number-like strings that a lax parser might coerce: NaN, infinities, hex, exponent overflow. */
export const NUMBER_LIKE_STRINGS = ['NaN', '-NaN', 'Infinity', '-Infinity', '1e400', '-0', '0x10', '1_000', '.5', '5.', '+1', '1e-400', '9'.repeat(400), '', ' ', '0'] as const;

/** Raw JSON number literals that JSON.stringify can never produce. */
export const RAW_NUMBER_LITERALS = ['1e400', '-1e400', '-0', '1E+2', '0.0000000000000000000000000001', '123456789012345678901234567890', '-0.0e-0'] as const;

/** Strings that break naive code: control characters, CRLF, lone surrogates, RTL marks, NUL, huge repeats. */
export function hostileString(maxLength: number): fc.Arbitrary<string> {
  return fc.oneof(
    fc.string({ unit: 'binary', maxLength: Math.min(maxLength, 64) }),
    fc.constantFrom('\r\nx-injected: 1', '\u0000', '\ud800', '\udfff', '\u202e', '\ufeff', '"', '\\', '</script>', '${env.HOME}', 'env.HOME', '%s%n', '../../etc/passwd', '\u2028\u2029'),
    fc.constantFrom(...NUMBER_LIKE_STRINGS),
    fc.constantFrom(...PROTOTYPE_KEYS),
    fc.tuple(fc.constantFrom('a', '\u00e9', '\ud83d\ude00', '\u0000', 'x\r\n'), fc.integer({ min: 1, max: maxLength })).map(([s, n]) => s.repeat(n)),
  );
}

/** Any key a hostile object might carry. */
export function hostileKey(): fc.Arbitrary<string> {
  return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS) }, { weight: 2, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: hostileString(40) });
}

/** A JSON-compatible value of bounded depth with hostile keys, strings and numbers. */
export function hostileJson(options: { readonly maxDepth: number; readonly maxString: number }): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    fc.constantFrom(...EDGE_NUMBERS),
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    hostileString(options.maxString),
  );
  const { value } = fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(hostileKey(), tie('value'), { maxKeys: 4 }),
    ),
  }));
  return fc.oneof({ maxDepth: options.maxDepth }, value);
}

/** Text of `depth` nested JSON arrays or objects (deep enough to hurt a recursive parser). */
export function deeplyNestedJson(maxDepth: number): fc.Arbitrary<string> {
  return fc.tuple(fc.integer({ min: 1, max: maxDepth }), fc.boolean()).map(([depth, arrays]) =>
    arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );
}

/** Random bytes, including invalid UTF-8 sequences (overlong forms, lone continuation bytes, surrogates). */
export function hostileBytes(maxLength: number): fc.Arbitrary<Uint8Array> {
  const invalid = fc.constantFrom(
    Uint8Array.of(0xc0, 0xaf),
    Uint8Array.of(0xed, 0xa0, 0x80),
    Uint8Array.of(0x80),
    Uint8Array.of(0xff, 0xfe),
    Uint8Array.of(0xf4, 0x90, 0x80, 0x80),
    Uint8Array.of(0xe2, 0x82),
  );
  return fc.oneof(
    fc.uint8Array({ maxLength }),
    fc.tuple(fc.string({ maxLength: 40 }), invalid, fc.string({ maxLength: 40 })).map(([a, bad, b]) => Buffer.concat([Buffer.from(`{"model":"${a}`), bad, Buffer.from(`${b}"}`)])),
  );
}
