// The shape of one consequence of a policy edit, and the current-spend lookup the diffs share.
import type { TierKind } from '../config/types.js';
import type { TierStatus } from '../governance/ledger.js';
import { isoSeconds } from '../governance/periods.js';

export type PolicyChangeKind =
  | 'limit_changed'
  | 'period_changed'
  | 'tier_added'
  | 'tier_removed'
  | 'parent_changed'
  | 'provider_added'
  | 'provider_removed'
  | 'model_changed'
  | 'weight_changed'
  | 'rate_limit_changed'
  | 'allowed_models_changed'
  | 'key_added'
  | 'key_removed';

export type PolicySeverity = 'info' | 'warning' | 'blocking';

/** One thing a config edit changes, and what that means given current spend. */
export interface PolicyChange {
  readonly tier: TierKind;
  readonly id: string;
  readonly kind: PolicyChangeKind;
  /** The old setting in words ("$2,000", "1M", "80 (80%)"), null when it did not exist. */
  readonly before: string | null;
  /** The new setting in words, null when it no longer exists. */
  readonly after: string | null;
  readonly consequence: string;
  readonly severity: PolicySeverity;
}

/** A tier's current spend and reset, in micro-dollars, from the running gateway's budget snapshot. */
export interface CurrentSpend {
  readonly spentMicros: number;
  readonly limitMicros: number;
  readonly resetsAt: string;
}

/** What a preview needs of a tier's standing: the ledger's own snapshot rows carry it. */
export type TierSpend = Pick<TierStatus, 'tier' | 'id' | 'spentMicros' | 'limitMicros' | 'resetsAt'>;

/** Looks up current spend by tier and id; answers undefined for everything when no snapshot is at hand. */
export class SpendLookup {
  private readonly rows = new Map<string, CurrentSpend>();
  readonly known: boolean;

  constructor(snapshot: readonly TierSpend[] | undefined) {
    this.known = snapshot !== undefined;
    for (const s of snapshot ?? []) {
      this.rows.set(`${s.tier}\u0000${s.id}`, { spentMicros: s.spentMicros, limitMicros: s.limitMicros, resetsAt: isoSeconds(s.resetsAt) });
    }
  }

  get(tier: TierKind, id: string): CurrentSpend | undefined {
    return this.rows.get(`${tier}\u0000${id}`);
  }
}
