// The config a request is served under: captured once at arrival, so a reload cannot change it mid-request.
import type { Config } from '../config/types.js';
import type { KeyRing } from '../governance/keys.js';
import type { PriceBook } from '../pricing/catalog.js';

/**
 * Everything a reload replaces, swapped as one object. The router's plan inputs (accounts, fallback policy) are
 * read from `config`; counters (ledger, rate limits, guards, breakers) are not here: they outlive reloads.
 */
export interface ConfigSnapshot {
  readonly config: Config;
  readonly keys: KeyRing;
  readonly prices: PriceBook;
}
