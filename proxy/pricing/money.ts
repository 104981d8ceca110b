// Money at the edges: integer micro-dollars ↔ decimal US-dollar text, exactly.
import { parseDecimalUnits, toSafeNumber } from './exact.js';

const MICROS_PER_DOLLAR = 1_000_000;

function checkMicros(micros: number): void {
  if (!Number.isSafeInteger(micros)) throw new RangeError(`micro-dollars must be a safe integer, got ${micros}`);
}

/** Whole dollars and the six-digit fraction of a micro-dollar amount, sign apart. */
function split(micros: number): { sign: string; dollars: string; fraction: string } {
  checkMicros(micros);
  const abs = Math.abs(micros);
  return {
    sign: micros < 0 ? '-' : '',
    dollars: String(Math.floor(abs / MICROS_PER_DOLLAR)),
    fraction: String(abs % MICROS_PER_DOLLAR).padStart(6, '0'),
  };
}

/** Decimal US dollars exact to the micro-dollar, trailing zeros trimmed: 12 400 000 → "12.4", 1 → "0.000001", 0 → "0". */
export function microsToDecimal(micros: number): string {
  const { sign, dollars, fraction } = split(micros);
  const trimmed = fraction.replace(/0+$/, '');
  return `${sign}${dollars}${trimmed ? `.${trimmed}` : ''}`;
}

/**
 * The same amount as a JSON-ready number. Below $1 billion (at most 15 significant digits) the
 * double nearest the decimal prints back as exactly `microsToDecimal(micros)`, so readers recover
 * the micro-dollars exactly with `dollarsToMicros`; beyond that, use the decimal text.
 */
export function microsToDollars(micros: number): number {
  return Number(microsToDecimal(micros));
}

/** Dollars as text or number ("12.40", 0.25, "1e-6") → integer micro-dollars, rounded half up below a micro-dollar. */
export function dollarsToMicros(dollars: number | string): number {
  return toSafeNumber(parseDecimalUnits(dollars, 6), 'amount in micro-dollars');
}

/**
 * A dollar amount a person wrote as a bound or limit (a CLI flag such as `--min-cost 0.5`, a query parameter such as
 * `?min_cost=0.5`, a WebSocket filter field): plain non-negative decimal dollars — digits with an optional fraction,
 * no sign, no exponent, no currency symbol, no thousands separators — or a finite non-negative JSON number. Digits
 * past the micro-dollar round half up. Undefined when it is not such an amount or too large to count exactly.
 */
export function parseDollarAmount(value: string | number): number | undefined {
  if (typeof value === 'number' ? !Number.isFinite(value) || value < 0 : !/^\d+(\.\d*)?$/.test(value.trim())) return undefined;
  try {
    return dollarsToMicros(value);
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/**
 * For people: "$12.40", "$1,234.50", "$0.0123", "-$3.00". At least cents, more digits only when
 * the amount has them (up to the micro-dollar) — exact, never rounded.
 */
export function formatUsd(micros: number): string {
  const { sign, dollars, fraction } = split(micros);
  const grouped = dollars.replace(/\B(?=(\d{3})+$)/g, ',');
  const cents = fraction.slice(0, 2) + fraction.slice(2).replace(/0+$/, '');
  return `${sign}$${grouped}.${cents}`;
}

/** Reads `formatUsd` output (or plain decimal dollars) back into micro-dollars. */
export function parseUsd(text: string): number {
  const match = /^(-?)\$?([\d,]*\.?\d*)$/.exec(text.trim());
  if (!match || !/^\d{1,3}(,\d{3})*(\.\d*)?$|^\d*(\.\d*)?$/.test(match[2])) throw new RangeError(`not a US-dollar amount: "${text}"`);
  return dollarsToMicros(`${match[1]}${match[2].replace(/,/g, '')}`);
}
