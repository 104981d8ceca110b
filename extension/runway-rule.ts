// When a tier deserves a runway warning: on the developer's path, running out before its reset, once per period (pure).
import type { BudgetTierJson } from '../proxy/api/wire/index.js';

/** A tier's identity within one budget period: the same tier is warned about again after it resets. */
export function runwayAlertKey(t: BudgetTierJson): string {
  return `${t.tier}\u0000${t.id}\u0000${t.period_start}`;
}

/** The tiers worth a warning now: running out before their reset (or already out), not yet warned about this period. */
export function runwayAlertsDue(path: readonly BudgetTierJson[], alreadyWarned: ReadonlySet<string>): BudgetTierJson[] {
  return path.filter((t) => t.runway.runs_out_before_reset && !alreadyWarned.has(runwayAlertKey(t)));
}

/** The notification text: the engine's runway sentence, e.g. "team ml-engineering runs out Thursday ~14:00 UTC at this pace (…)". */
export function runwayAlertMessage(t: BudgetTierJson): string {
  return `spendgate: ${t.runway.summary}`;
}
