// Secret references in the config: provider API keys (`env.NAME` only) and virtual-key secrets.
import type { KeySecret, SecretRef } from './types.js';

const ENV_REF = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/;
const SHA256_REF = /^sha256:(.*)$/s;

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** A provider `api_key`: only `env.NAME` is accepted, since the file is meant to be shared. */
export function parseApiKeyRef(text: string): Parsed<SecretRef> {
  const env = ENV_REF.exec(text);
  if (env) return { ok: true, value: { env: env[1] } };
  if (text.startsWith('env.')) {
    return { ok: false, message: `"${text}" is not a valid environment variable reference: write env.NAME with NAME made of letters, digits and _` };
  }
  // Never echo the value: it is probably a real key.
  return {
    ok: false,
    message: 'a literal secret does not belong in a shared config file: put the key in an environment variable and write api_key: env.NAME',
  };
}

/** A virtual key's `key`: `env.NAME`, `sha256:<64 hex>` (only the hash is stored) or a literal. */
export function parseKeySecret(text: string): Parsed<KeySecret> {
  if (text === '') return { ok: false, message: 'a virtual key secret must not be empty' };
  const env = ENV_REF.exec(text);
  if (env) return { ok: true, value: { kind: 'env', name: env[1] } };
  if (text.startsWith('env.')) {
    return { ok: false, message: `"${text}" is not a valid environment variable reference: write env.NAME with NAME made of letters, digits and _` };
  }
  const hash = SHA256_REF.exec(text);
  if (hash) {
    if (!/^[0-9a-fA-F]{64}$/.test(hash[1])) {
      return { ok: false, message: 'sha256: must be followed by exactly 64 hexadecimal digits (the SHA-256 of the secret)' };
    }
    return { ok: true, value: { kind: 'sha256', hex: hash[1].toLowerCase() } };
  }
  return { ok: true, value: { kind: 'literal', value: text } };
}

/** The secret a reference points at, or undefined when its environment variable is unset or empty. */
export function resolveSecret(ref: SecretRef, env: NodeJS.ProcessEnv): string | undefined {
  if ('literal' in ref) return ref.literal;
  const value = env[ref.env];
  return value === undefined || value === '' ? undefined : value;
}

/** The variable an `api_key: env.NAME` names when it is unset or empty (so the provider would be called keyless). */
export function unsetApiKeyVariable(ref: SecretRef | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (ref === undefined || !('env' in ref)) return undefined;
  return resolveSecret(ref, env) === undefined ? ref.env : undefined;
}

/** Why a provider config cannot be called: shared by the start-up warning, `spendgate check` and the 502. */
export function unsetApiKeyMessage(providerId: string, variable: string): string {
  return `provider config "${providerId}" reads its API key from the environment variable ${variable} (api_key: env.${variable}), which is not set where spendgate runs: set ${variable} and restart spendgate`;
}
