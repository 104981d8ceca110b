// Virtual keys: resolve a presented secret to the key it proves, with its team, customer and model allowance.
import * as crypto from 'node:crypto';
import type { Config, KeySecret, VirtualKeyDef } from '../config/types.js';

/** A virtual key as the pipeline sees it after authentication. Never carries the secret. */
export interface ResolvedKey {
  readonly id: string;
  readonly teamId?: string;
  readonly customerId?: string;
  readonly accountId?: string;
  readonly allowedModels?: readonly string[];
}

export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * SHA-256 of a string's UTF-8, in hex. Every request's key is hashed: `crypto.hash` (Node 20.12+) does it in one
 * call without a Hash object, about a third of the cost; the Node 20 releases before it build one.
 */
const sha256Hex: (value: string) => string =
  typeof crypto.hash === 'function'
    ? (value) => crypto.hash('sha256', value, 'hex')
    : (value) => crypto.createHash('sha256').update(value, 'utf8').digest('hex');

/**
 * The digest a key's secret must hash to, or an explanation of why the key cannot be used.
 * Explanations name the key id and variable, never a value.
 */
function expectedDigest(def: VirtualKeyDef, env: Environment): string | { problem: string } {
  const secret: KeySecret = def.secret;
  switch (secret.kind) {
    case 'literal':
      return sha256Hex(secret.value);
    case 'sha256': {
      const hex = secret.hex.toLowerCase();
      return /^[0-9a-f]{64}$/.test(hex)
        ? hex
        : { problem: `virtual key "${def.id}": sha256 secret is not 64 hexadecimal digits` };
    }
    case 'env': {
      const value = env[secret.name];
      return value === undefined || value === ''
        ? { problem: `virtual key "${def.id}": environment variable ${secret.name} is not set` }
        : sha256Hex(value);
    }
  }
}

/**
 * Every configured virtual key, indexed by the SHA-256 digest of its secret.
 *
 * Why a digest-keyed Map is constant-time enough: the presented secret is hashed before any lookup,
 * so the only thing the Map's string comparison can leak through timing is how many leading digest
 * characters of some stored key match the digest of the attacker's guess. Learning a prefix of a
 * SHA-256 output does not help choose a preimage, so the secret itself stays unguessable; and the
 * store never holds the secret, only its digest (which `sha256:HEX` secrets let operators avoid
 * writing in plain text at all).
 */
export class KeyRing {
  private readonly byDigest = new Map<string, ResolvedKey>();
  private readonly byId = new Map<string, ResolvedKey>();
  /** Keys whose secret is their own id: anything that prints the id (metrics, dashboards) hands out the key. */
  private readonly ownIdAsSecret = new Set<string>();
  /** Keys that cannot authenticate (unset variable, malformed hash, a secret shared by two keys). */
  readonly problems: readonly string[];

  constructor(config: Config, env: Environment = process.env) {
    const problems: string[] = [];
    const teamOfKey = new Map(config.budgets.virtualKey.map((k) => [k.id, k.teamId]));
    const customerOfTeam = new Map(config.budgets.team.map((t) => [t.id, t.customerId]));
    const ambiguous = new Set<string>();
    for (const def of config.virtualKeys) {
      const teamId = teamOfKey.get(def.id);
      const customerId = teamId === undefined ? undefined : customerOfTeam.get(teamId);
      const key: ResolvedKey = Object.freeze({
        id: def.id,
        ...(teamId === undefined ? {} : { teamId }),
        ...(customerId === undefined ? {} : { customerId }),
        ...(def.accountId === undefined ? {} : { accountId: def.accountId }),
        ...(def.allowedModels === undefined ? {} : { allowedModels: Object.freeze([...def.allowedModels]) }),
      });
      this.byId.set(def.id, key);
      const digest = expectedDigest(def, env);
      if (typeof digest !== 'string') {
        problems.push(digest.problem);
        continue;
      }
      // Compared by digest so a `sha256:` of the id or an env variable holding the id is caught too.
      if (digest === sha256Hex(def.id)) this.ownIdAsSecret.add(def.id);
      const holder = this.byDigest.get(digest);
      if (holder !== undefined || ambiguous.has(digest)) {
        // Two keys with one secret would make a request's identity (and its budget) a coin toss.
        if (holder !== undefined) problems.push(`virtual keys "${holder.id}" and "${def.id}" share a secret; neither authenticates`);
        else problems.push(`virtual key "${def.id}" shares a secret with another key; it does not authenticate`);
        this.byDigest.delete(digest);
        ambiguous.add(digest);
        continue;
      }
      this.byDigest.set(digest, key);
    }
    this.problems = Object.freeze(problems);
  }

  /** The key whose secret is `presented`, or undefined. */
  authenticate(presented: string): ResolvedKey | undefined {
    if (presented === '') return undefined;
    return this.byDigest.get(sha256Hex(presented));
  }

  /** A key by id (for management views and log enrichment), whether or not it can authenticate. */
  get(id: string): ResolvedKey | undefined {
    return this.byId.get(id);
  }

  /** True when the key's secret is its own id (the default for keys named only under budgets or rate limits). */
  presentsOwnId(id: string): boolean {
    return this.ownIdAsSecret.has(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }
}

/**
 * Whether `key` may use `model`. No allow-list means every model. Entries match exactly, or as a
 * prefix when they end in `*` (`claude-*`, or `*` for everything).
 */
export function modelAllowed(key: ResolvedKey, model: string): boolean {
  if (key.allowedModels === undefined) return true;
  return key.allowedModels.some((entry) =>
    entry.endsWith('*') ? model.startsWith(entry.slice(0, -1)) : entry === model,
  );
}
