// A provider config as a provider call needs it: the API key resolved, the timeouts merged, the secrets to scrub.
import type { Config, ProviderConfig } from '../../config/types.js';
import { resolveSecret } from '../../config/load.js';
import type { ProviderTarget, Timeouts } from '../../providers/types.js';
import type { RequestContext } from '../context.js';
import type { ConfigSnapshot } from '../snapshot.js';
import type { Services } from '../services.js';

/** Resolved targets per environment and provider config (a reload brings new config objects). */
const targets = new WeakMap<NodeJS.ProcessEnv, WeakMap<ProviderConfig, ProviderTarget>>();

/** The provider config with its API key resolved from the environment; computed once per config. */
export function toTarget(p: ProviderConfig, s: Pick<Services, 'env'>): ProviderTarget {
  if (!p.apiKey) return p;
  let byConfig = targets.get(s.env);
  if (byConfig === undefined) targets.set(s.env, (byConfig = new WeakMap()));
  let target = byConfig.get(p);
  if (target === undefined) byConfig.set(p, (target = { ...p, resolvedApiKey: resolveSecret(p.apiKey, s.env) }));
  return target;
}

/**
 * The variable an `api_key: env.NAME` names when it was unset or empty as the target resolved it (so the provider
 * would be called keyless). Read from the resolved target rather than the environment: what is checked is the key
 * the call would send, and eligibility asks for every attempt.
 */
export function unsetKeyVariable(target: ProviderTarget): string | undefined {
  return target.apiKey !== undefined && 'env' in target.apiKey && target.resolvedApiKey === undefined ? target.apiKey.env : undefined;
}

export function timeoutsFor(p: ProviderConfig, snapshot: Pick<ConfigSnapshot, 'config'>): Timeouts {
  return { ...snapshot.config.routing.timeouts, ...p.timeouts };
}

/** Credential variables of the AWS chain, whose values Bedrock errors may quote. */
const AWS_SECRET_VARIABLES = ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_BEARER_TOKEN_BEDROCK'] as const;

const secretsByConfig = new WeakMap<NodeJS.ProcessEnv, WeakMap<Config, readonly string[]>>();

/**
 * Every credential the gateway can know in clear: resolved provider keys, the AWS chain's secrets from the
 * environment, and the virtual keys' literal or env secrets. Providers scrub them from upstream error text.
 * Computed once per config (a reload brings a new config object).
 */
function configuredSecrets(s: { readonly env: NodeJS.ProcessEnv; readonly config: Config }): readonly string[] {
  let byConfig = secretsByConfig.get(s.env);
  if (byConfig === undefined) secretsByConfig.set(s.env, (byConfig = new WeakMap()));
  let secrets = byConfig.get(s.config);
  if (secrets === undefined) {
    const found = new Set<string>();
    const add = (v: string | undefined) => {
      if (v !== undefined && v !== '') found.add(v);
    };
    for (const p of s.config.accounts.flatMap((a) => a.providers)) if (p.apiKey) add(resolveSecret(p.apiKey, s.env));
    for (const name of AWS_SECRET_VARIABLES) add(s.env[name]);
    for (const k of s.config.virtualKeys) {
      if (k.secret.kind === 'literal') add(k.secret.value);
      else if (k.secret.kind === 'env') add(s.env[k.secret.name]);
    }
    secrets = [...found];
    byConfig.set(s.config, secrets);
  }
  return secrets;
}

/**
 * The configured secrets plus the one this client presented (the only clear form of a `sha256:` key), read only if
 * an upstream error is scrubbed: a config's list holds every virtual key's secret, and copying thousands of them
 * for every request cost more than the request itself.
 */
export function secretsFor(ctx: RequestContext, s: Pick<Services, 'env'>): Iterable<string> {
  const configured = configuredSecrets({ env: s.env, config: ctx.snapshot.config });
  const presented = ctx.presentedKey;
  if (!presented) return configured;
  return {
    *[Symbol.iterator]() {
      yield* configured;
      yield presented;
    },
  };
}
