// GET /api/config: the live config with every secret redacted (env references show the variable name only).
import type { Config, KeySecret, SecretRef } from '../config/types.js';

function secretRef(ref: SecretRef | undefined): string | undefined {
  if (!ref) return undefined;
  return 'env' in ref ? `env.${ref.env}` : '[redacted]';
}

function keySecret(secret: KeySecret): string {
  return secret.kind === 'env' ? `env.${secret.name}` : secret.kind === 'sha256' ? 'sha256:[redacted]' : '[redacted]';
}

/**
 * A URL with any `user:password@` replaced. Validation refuses such provider URLs and a store URL needs them, so this
 * is the last line of defence for every URL the view shows. Greedy up to the authority's last `@`, as URL parsers read
 * a password that itself contains `@`.
 */
function withoutCredentials(url: string | undefined): string | undefined {
  return url?.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/?#]*@/, '$1[redacted]@');
}

/** `keyLabel` names each key as /metrics does, so an admin can match a pseudonymous series to its key. */
export function redactedConfig(config: Config, keyLabel: (id: string) => string = (id) => id): unknown {
  return {
    accounts: config.accounts.map((a) => ({
      id: a.id,
      providers: a.providers.map((p) => ({ ...p, apiKey: secretRef(p.apiKey), baseUrl: withoutCredentials(p.baseUrl), endpoint: withoutCredentials(p.endpoint) })),
    })),
    budgets: config.budgets,
    rate_limits: config.rateLimits,
    virtual_keys: config.virtualKeys.map((k) => ({ ...k, secret: keySecret(k.secret), metrics_label: keyLabel(k.id) })),
    pricing: config.pricing,
    store: { url: withoutCredentials(config.store.url) },
    logging: config.logging,
    routing: config.routing,
    guards: config.guards,
    // A webhook URL is not a secret, but it may carry credentials like any URL; a Slack URL shows only its variable.
    ...(config.alerts && {
      alerts: {
        thresholds: config.alerts.thresholds,
        destinations: config.alerts.destinations.map((d) =>
          d.type === 'slack'
            ? { type: 'slack', url: `env.${d.url.env}` }
            : { type: 'webhook', url: withoutCredentials(d.url), ...(d.secret && { secret: `env.${d.secret.env}` }) },
        ),
      },
    }),
  };
}
