// Exact decimal and integer arithmetic for money: decimal text to scaled integers, and rounded integer division.

const MAX_SHIFT = 64;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * The shortest decimal text that reads back as this number (JavaScript's own `String(n)`), e.g.
 * `3e-6` → "0.000003", `5.46875e-7` → "5.46875e-7". A number parsed from decimal text of at
 * most 15 significant digits yields that text's exact value back, which is what makes
 * `parseDecimalUnits(3.75, 6)` exactly 3 750 000 rather than a float product.
 */
function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return String(value);
}

/** `n / d` rounded half up (for n ≥ 0, d > 0); negative n rounds half away from zero. */
export function divideHalfUp(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('divisor must be positive');
  if (n < 0n) return -divideHalfUp(-n, d);
  return (2n * n + d) / (2n * d);
}

/** `n / d` rounded up (for n ≥ 0, d > 0). */
export function divideCeil(n: bigint, d: bigint): bigint {
  if (d <= 0n) throw new RangeError('divisor must be positive');
  if (n < 0n) throw new RangeError('divideCeil expects a non-negative dividend');
  return (n + d - 1n) / d;
}

/**
 * A decimal value as an integer count of 10^-scale units, computed on the decimal digits (never
 * by float multiplication). Digits finer than the unit are rounded half up (away from zero).
 * Accepts a number or text such as "12.40", "3e-06", ".5".
 */
export function parseDecimalUnits(value: number | string, scale: number): bigint {
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  const match = DECIMAL.exec(text);
  const whole = match?.[2] ?? '';
  const fraction = match?.[3] ?? '';
  if (!match || whole.length + fraction.length === 0) throw new RangeError(`not a decimal number: "${text}"`);
  const sign = match[1] === '-' ? -1n : 1n;
  const digits = BigInt(whole + fraction);
  const shift = Number(match[4] ?? '0') - fraction.length + scale;
  // Bound the power of ten so a hostile exponent ("1e999999") cannot stall the process.
  if (shift > MAX_SHIFT) throw new RangeError(`decimal number out of range: "${text}"`);
  if (-shift > whole.length + fraction.length + 1) return 0n;
  const magnitude = shift >= 0 ? digits * 10n ** BigInt(shift) : divideHalfUp(digits, 10n ** BigInt(-shift));
  return sign * magnitude;
}

/** A bigint as a plain number, refusing values beyond exact double precision (±2^53 − 1). */
export function toSafeNumber(value: bigint, what: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} is too large to represent exactly: ${value}`);
  return n;
}
