// One Bedrock Runtime SDK client per region, endpoint and credential set: keep-alive HTTP/1.1, no SDK retries.
import http from 'node:http';
import https from 'node:https';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { BedrockCallSettings } from './credentials.js';

export interface ClientTimeouts {
  readonly connectMs: number;
}

const MAX_SOCKETS = 64;

/**
 * The SDK's default handler opens an HTTP/2 session per call; a keep-alive HTTP/1.1 agent reuses connections
 * across calls. Retries are the gateway's (routing owns them), so the SDK makes exactly one attempt.
 */
export class BedrockClientPool {
  private readonly clients = new Map<string, BedrockRuntimeClient>();

  client(settings: BedrockCallSettings, timeouts: ClientTimeouts): BedrockRuntimeClient {
    const existing = this.clients.get(settings.clientKey);
    if (existing !== undefined) return existing;
    const handler = new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
      httpsAgent: new https.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
      connectionTimeout: timeouts.connectMs,
      throwOnRequestTimeout: true,
    });
    const { auth } = settings;
    const client = new BedrockRuntimeClient({
      region: settings.region,
      ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
      maxAttempts: 1,
      requestHandler: handler,
      // Chosen explicitly: with AWS_BEARER_TOKEN_BEDROCK in the environment the SDK would otherwise send the
      // bearer token even for a provider configured with a profile or role.
      authSchemePreference: auth.scheme === 'bearer' ? ['httpBearerAuth'] : ['sigv4'],
      ...(auth.scheme === 'bearer' ? { token: { token: auth.token } } : { credentials: auth.credentials }),
    });
    this.clients.set(settings.clientKey, client);
    return client;
  }

  close(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}
