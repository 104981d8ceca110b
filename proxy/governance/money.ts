// Integer micro-dollars rendered at the edge: exact JSON dollar numbers and human-readable amounts.

const MICROS_PER_DOLLAR = 1_000_000;

/** Whole dollars and the six-digit fractional part of a non-negative micro-dollar amount, as strings. */
function split(micros: number): { whole: string; fraction: string } {
  const abs = Math.abs(Math.round(micros));
  const whole = Math.floor(abs / MICROS_PER_DOLLAR);
  const fraction = String(abs - whole * MICROS_PER_DOLLAR).padStart(6, '0');
  return { whole: String(whole), fraction };
}

/**
 * Decimal US dollars as a JSON number, exact to the micro-dollar: built from the integer's digits
 * (`12_400_000` → `12.4`) rather than by float division, so no accumulated rounding reaches the wire.
 * A double holds 15 significant digits exactly, so amounts up to $999,999,999.999999 round-trip.
 */
export function microsToDollars(micros: number): number {
  const { whole, fraction } = split(micros);
  const value = Number(`${whole}.${fraction}`);
  return micros < 0 ? -value : value;
}

/** `$2,000.00`, `$0.0125`: thousands separators, at least cents, up to the micro-dollar. */
export function formatDollars(micros: number): string {
  const { whole, fraction } = split(micros);
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const trimmed = fraction.replace(/0+$/, '').padEnd(2, '0');
  return `${micros < 0 ? '-' : ''}$${grouped}.${trimmed}`;
}
