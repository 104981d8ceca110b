// Candidate selection and weighted choice with exclusion and fallback (docs/configuration.md, routing).
import type { Account, Config, FallbackPolicy, ProviderConfig } from '../config/types.js';
import { compatibleModels, modelMatch } from '../core/model-id.js';
import { pickWeighted, type Rng } from './weighted.js';

export interface Exclusion {
  readonly id: string;
  readonly reason: string;
}

export interface RoutePlan {
  readonly account: Account;
  /** Provider configs that serve the requested model (the whole pool for `auto` or an unmatched model). */
  readonly preferred: readonly ProviderConfig[];
  /** The rest of the pool that `routing.fallback` allows, used only when every preferred candidate is unavailable. */
  readonly fallback: readonly ProviderConfig[];
  /** The rest of the pool that `routing.fallback` keeps out, with why (reported once the fallback pool is consulted). */
  readonly fallbackExcluded: readonly Exclusion[];
}

/** Why a provider config may not take this request now (budget, rate limit, breaker, protocol), or null. */
export type Eligibility = (provider: ProviderConfig) => string | null;

export interface Choice {
  readonly chosen?: ProviderConfig;
  readonly excluded: readonly Exclusion[];
}

/**
 * The part of the pool outside `preferred` that a request may fall back to under `policy`, and the part it may not.
 * `reference` is the model the client asked for (a provider config's own model when it was named by id).
 */
export function fallbackPool(
  pool: readonly ProviderConfig[],
  preferred: readonly ProviderConfig[],
  reference: string,
  policy: FallbackPolicy,
): { readonly fallback: readonly ProviderConfig[]; readonly excluded: readonly Exclusion[] } {
  const rest = pool.filter((p) => !preferred.includes(p));
  if (policy === 'any') return { fallback: rest, excluded: [] };
  if (policy === 'off') return { fallback: [], excluded: rest.map((p) => ({ id: p.id, reason: 'fallback: off (routing.fallback: false)' })) };
  const fallback: ProviderConfig[] = [];
  const excluded: Exclusion[] = [];
  for (const p of rest) {
    if (compatibleModels(reference, p.model)) fallback.push(p);
    else {
      excluded.push({
        id: p.id,
        reason: `fallback: serves ${p.model}, not a model compatible with ${reference} — set routing.fallback: any to allow`,
      });
    }
  }
  return { fallback, excluded };
}

/** A key's account: the one it names, or the first configured when it names none. */
export function findAccount(accounts: readonly Account[], accountId: string | undefined): Account | undefined {
  if (accountId === undefined) return accounts[0];
  return accounts.find((a) => a.id === accountId);
}

/** Plans kept per account; a client sending endless made-up model names gets them planned per request. */
const MAX_CACHED_PLANS = 1_000;

function planFor(account: Account, model: string, policy: FallbackPolicy): RoutePlan {
  const { preferred, reference } = candidates(account.providers, model);
  // `auto` and an unmatched model already span the whole pool: nothing is left to fall back to.
  const { fallback, excluded } = fallbackPool(account.providers, preferred, reference, policy);
  return Object.freeze({
    account,
    preferred: Object.freeze([...preferred]),
    fallback: Object.freeze([...fallback]),
    fallbackExcluded: Object.freeze(excluded.map((e) => Object.freeze({ ...e }))),
  });
}

export class Router {
  private accounts: readonly Account[] = [];
  private fallbackPolicy: FallbackPolicy = 'same_model';
  /** Plans by account (a reload brings new account objects, and with them new plans) and by policy and model. */
  private readonly plans = new WeakMap<Account, Map<string, RoutePlan>>();

  constructor(private readonly rng: Rng) {}

  configure(config: Config): void {
    this.accounts = config.accounts;
    this.fallbackPolicy = config.routing.fallback;
  }

  account(accountId: string | undefined): Account | undefined {
    return findAccount(this.accounts, accountId);
  }

  /**
   * The candidates for a request. `from` is the config the request arrived under (its snapshot): a reload
   * between arrival and routing must not route it by the new accounts; without it, the configured ones.
   */
  plan(accountId: string | undefined, model: string, from?: Pick<Config, 'accounts' | 'routing'>): RoutePlan | undefined {
    const account = findAccount(from?.accounts ?? this.accounts, accountId);
    if (!account) return undefined;
    const policy = from?.routing.fallback ?? this.fallbackPolicy;
    // A plan depends only on the account, the model and the policy: every request for a model shares one (frozen),
    // instead of matching the model against each provider config (regular expressions) per request.
    let plans = this.plans.get(account);
    if (plans === undefined) this.plans.set(account, (plans = new Map()));
    const key = `${policy}\u0000${model}`;
    const known = plans.get(key);
    if (known !== undefined) return known;
    const plan = planFor(account, model, policy);
    // Model names come from clients: past the bound a new name is planned without being kept.
    if (plans.size < MAX_CACHED_PLANS) plans.set(key, plan);
    return plan;
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
    const preferred = pickWeighted(eligibleOf(plan.preferred), this.rng);
    if (preferred) return { chosen: preferred, excluded };
    // Only now does the fallback policy shape the answer, so only now is what it kept out worth reporting.
    excluded.push(...plan.fallbackExcluded);
    return { chosen: pickWeighted(eligibleOf(plan.fallback), this.rng), excluded };
  }
}

/**
 * The provider configs that serve `model` (docs/configuration.md, routing): the one it names by id, those serving the best
 * match of the name, or the whole pool for `auto` or an unmatched name. `reference` is the model a
 * fallback target must be compatible with.
 */
function candidates(pool: readonly ProviderConfig[], model: string): { preferred: readonly ProviderConfig[]; reference: string } {
  const byId = pool.find((p) => p.id === model);
  if (byId) return { preferred: [byId], reference: byId.model };
  if (model === 'auto') return { preferred: pool, reference: model };
  let best = 0;
  let matches: ProviderConfig[] = [];
  for (const p of pool) {
    const level = modelMatch(model, p.model);
    if (level > best) {
      best = level;
      matches = [p];
    } else if (level === best && level > 0) matches.push(p);
  }
  return { preferred: best > 0 ? matches : pool, reference: model };
}
