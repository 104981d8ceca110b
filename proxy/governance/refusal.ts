// Why a budget tier refused a request, as a value the pipeline can map to a 402 or a routing exclusion.
import type { TierKind } from '../config/types.js';
import { GatewayError } from '../core/errors.js';
import { formatUsd } from '../pricing/money.js';
import { isoSeconds } from './periods.js';

/** One budget tier, by kind and id. */
export interface TierRef {
  readonly tier: TierKind;
  readonly id: string;
}

const TIER_LABEL: Record<TierKind, string> = {
  customer: 'customer',
  team: 'team',
  virtual_key: 'virtual key',
  provider_config: 'provider config',
};

export interface BudgetRefusalInit extends TierRef {
  readonly limitMicros: number;
  readonly spentMicros: number;
  readonly reservedMicros: number;
  /** When the tier's period resets, ms since the epoch. */
  readonly resetsAt: number;
  /** The period as written, e.g. `1M`. */
  readonly period: string;
}

export class BudgetRefusal implements BudgetRefusalInit {
  readonly tier: TierKind;
  readonly id: string;
  readonly limitMicros: number;
  readonly spentMicros: number;
  readonly reservedMicros: number;
  readonly resetsAt: number;
  readonly period: string;

  constructor(init: BudgetRefusalInit) {
    this.tier = init.tier;
    this.id = init.id;
    this.limitMicros = init.limitMicros;
    this.spentMicros = init.spentMicros;
    this.reservedMicros = init.reservedMicros;
    this.resetsAt = init.resetsAt;
    this.period = init.period;
  }

  /**
   * `budget exceeded: team "ml-engineering" spent $2,000.00 of $2,000.00 this period (1M); resets
   * 2026-12-01T00:00:00Z` — with the in-flight amount when reservations, not spend, filled the tier.
   */
  get message(): string {
    const inFlight = this.reservedMicros > 0 ? ` (+${formatUsd(this.reservedMicros)} in flight)` : '';
    return (
      `budget exceeded: ${TIER_LABEL[this.tier]} "${this.id}" spent ${formatUsd(this.spentMicros)}${inFlight}` +
      ` of ${formatUsd(this.limitMicros)} this period (${this.period}); resets ${isoSeconds(this.resetsAt)}`
    );
  }

  toError(): GatewayError {
    return new GatewayError('budget', this.message);
  }
}

export function isBudgetRefusal(value: unknown): value is BudgetRefusal {
  return value instanceof BudgetRefusal;
}
