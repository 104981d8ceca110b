// Candidate selection and weighted choice with exclusion and fallback (DESIGN §4 "Model selection").
import type { Account, Config, ProviderConfig } from '../config/types.js';
import { modelMatch } from './models.js';
import { pickWeighted, type Rng } from './weighted.js';

export interface Exclusion {
  readonly id: string;
  readonly reason: string;
}

export interface RoutePlan {
  readonly account: Account;
  /** Provider configs that serve the requested model (the whole pool for `auto` or an unmatched model). */
  readonly preferred: readonly ProviderConfig[];
  /** The rest of the account's pool, used only when every preferred candidate is unavailable. */
  readonly fallback: readonly ProviderConfig[];
}

/** Why a provider config may not take this request now (budget, rate limit, breaker, protocol), or null. */
export type Eligibility = (provider: ProviderConfig) => string | null;

export interface Choice {
  readonly chosen?: ProviderConfig;
  readonly excluded: readonly Exclusion[];
}

export class Router {
  private accounts: readonly Account[] = [];
  private fallbackEnabled = true;

  constructor(private readonly rng: Rng) {}

  configure(config: Config): void {
    this.accounts = config.accounts;
    this.fallbackEnabled = config.routing.fallback;
  }

  account(accountId: string | undefined): Account | undefined {
    if (accountId === undefined) return this.accounts[0];
    return this.accounts.find((a) => a.id === accountId);
  }

  plan(accountId: string | undefined, model: string): RoutePlan | undefined {
    const account = this.account(accountId);
    if (!account) return undefined;
    const byId = account.providers.find((p) => p.id === model);
    let preferred: readonly ProviderConfig[];
    if (byId) preferred = [byId];
    else if (model === 'auto') preferred = account.providers;
    else {
      let best = 0;
      let matches: ProviderConfig[] = [];
      for (const p of account.providers) {
        const level = modelMatch(model, p.model);
        if (level > best) {
          best = level;
          matches = [p];
        } else if (level === best && level > 0) matches.push(p);
      }
      preferred = best > 0 ? matches : account.providers;
    }
    const fallback = this.fallbackEnabled ? account.providers.filter((p) => !preferred.includes(p)) : [];
    return { account, preferred, fallback };
  }

  /**
   * Choose among the plan's eligible candidates by weight, skipping those already tried.
   * Preferred candidates first; the fallback pool only when none of them is eligible.
   */
  choose(plan: RoutePlan, tried: ReadonlySet<string>, eligibility: Eligibility): Choice {
    const excluded: Exclusion[] = [];
    const eligibleOf = (pool: readonly ProviderConfig[]) =>
      pool.filter((p) => {
        if (tried.has(p.id)) return false;
        const reason = eligibility(p);
        if (reason !== null) excluded.push({ id: p.id, reason });
        return reason === null;
      });
    const preferred = eligibleOf(plan.preferred);
    const chosen = pickWeighted(preferred, this.rng) ?? pickWeighted(eligibleOf(plan.fallback), this.rng);
    return { chosen, excluded };
  }
}
