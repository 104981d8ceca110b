// Who a Bedrock provider config calls as: region, endpoint, and SigV4 credentials or a Bedrock API key (bearer).
import { createHash } from 'node:crypto';
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { GatewayError } from '../../core/errors.js';
import type { ProviderTarget } from '../types.js';

export type BedrockAuth =
  | { readonly scheme: 'bearer'; readonly token: string; readonly source: string }
  | { readonly scheme: 'sigv4'; readonly credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider; readonly source: string };

export interface BedrockCallSettings {
  readonly region: string;
  readonly endpoint?: string;
  readonly auth: BedrockAuth;
  /** Identifies one SDK client: same region, endpoint and credential set share it. */
  readonly clientKey: string;
}

function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

/**
 * Explicit per-provider credentials win; then a Bedrock API key (the config's `api_key`, else
 * `AWS_BEARER_TOKEN_BEDROCK`); then static keys from the environment; then the standard chain (profile, SSO,
 * web identity, container and instance roles). Throws a 502 GatewayError when no region is known.
 */
export function callSettings(target: ProviderTarget, env: NodeJS.ProcessEnv): BedrockCallSettings {
  const region = target.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined || region === '') {
    throw new GatewayError('upstream', `Bedrock provider config ${target.id} has no region (set region in the config or AWS_REGION)`, {
      status: 502,
      retryable: true,
    });
  }
  const endpoint = target.endpoint ?? env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
  const auth = authFor(target, env, region);
  const identity = auth.scheme === 'bearer' ? `bearer:${fingerprint(auth.token)}` : auth.source;
  return { region, endpoint, auth, clientKey: `${region}|${endpoint ?? ''}|${identity}` };
}

function authFor(target: ProviderTarget, env: NodeJS.ProcessEnv, region: string): BedrockAuth {
  const profile = target.credentials?.profile;
  const roleArn = target.credentials?.roleArn;
  if (roleArn !== undefined) {
    return {
      scheme: 'sigv4',
      source: `role:${roleArn}${profile === undefined ? '' : `:profile:${profile}`}`,
      // The SDK client memoises the assumed-role identity and refreshes it before it expires.
      credentials: fromTemporaryCredentials({
        params: { RoleArn: roleArn, RoleSessionName: `spendgate-${target.id}`.slice(0, 64) },
        clientConfig: { region },
        ...(profile === undefined ? {} : { masterCredentials: fromIni({ profile }) }),
      }),
    };
  }
  if (profile !== undefined) return { scheme: 'sigv4', source: `profile:${profile}`, credentials: fromIni({ profile }) };
  const apiKey = target.resolvedApiKey ?? env.AWS_BEARER_TOKEN_BEDROCK;
  if (apiKey !== undefined && apiKey !== '') {
    return { scheme: 'bearer', token: apiKey, source: target.resolvedApiKey === undefined ? 'AWS_BEARER_TOKEN_BEDROCK' : 'api_key' };
  }
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (accessKeyId !== undefined && accessKeyId !== '' && secretAccessKey !== undefined && secretAccessKey !== '') {
    const sessionToken = env.AWS_SESSION_TOKEN;
    return {
      scheme: 'sigv4',
      source: `env:${accessKeyId}`,
      credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    };
  }
  return { scheme: 'sigv4', source: `chain:${env.AWS_PROFILE ?? 'default'}`, credentials: fromNodeProviderChain(env.AWS_PROFILE ? { profile: env.AWS_PROFILE } : {}) };
}

/** How long the startup check waits for a credential source (instance metadata can be slow off EC2). */
const CHECK_TIMEOUT_MS = 5_000;

/** Resolves the credentials once; returns why they are unusable, or null when they resolved. */
export async function credentialProblem(settings: BedrockCallSettings): Promise<string | null> {
  const { auth } = settings;
  if (auth.scheme === 'bearer' || typeof auth.credentials !== 'function') return null;
  const resolve = auth.credentials;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no credentials within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
    });
    await Promise.race([resolve(), timeout]);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  } finally {
    clearTimeout(timer);
  }
}
