// Alert destinations by stable name: the name stored with each outbox row, its secrets resolved from the environment.
import type { AlertDestination } from '../config/types.js';
import { resolveSecret } from '../config/secrets.js';
import { slackRequest, webhookRequest, type OutgoingRequest } from './formats.js';

/**
 * The name an outbox row keeps for its destination. It holds no secret (a Slack URL is named by its variable), so it
 * can sit in the store and in /api/status; a reload that keeps the destination keeps its pending deliveries.
 */
export function destinationName(d: AlertDestination): string {
  return d.type === 'slack' ? `slack:env.${d.url.env}` : `webhook:${d.url}`;
}

/** How a destination is shown in logs and /api/status: a webhook by origin only (its path may carry a token). */
export function destinationLabel(name: string): string {
  if (name.startsWith('slack:')) return `slack ${name.slice('slack:'.length)}`;
  const url = name.slice('webhook:'.length);
  try {
    return `webhook ${new URL(url).origin}`;
  } catch {
    return 'webhook';
  }
}

/** A destination ready to send to, or why it cannot be. */
export type ResolvedDestination =
  | {
      readonly ok: true;
      readonly url: string;
      /** Strings that must never appear in a log line or a stored error (the Slack URL, the signing secret). */
      readonly secrets: readonly string[];
      request(payload: string, deliveryId: string): OutgoingRequest;
    }
  | { readonly ok: false; readonly reason: string };

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export function resolveDestination(d: AlertDestination, env: NodeJS.ProcessEnv): ResolvedDestination {
  if (d.type === 'slack') {
    const url = resolveSecret(d.url, env);
    if (url === undefined) return { ok: false, reason: `environment variable ${d.url.env} (the Slack webhook URL) is not set` };
    if (!isHttpUrl(url)) return { ok: false, reason: `environment variable ${d.url.env} does not hold an http(s) URL` };
    return { ok: true, url, secrets: [url], request: (payload) => slackRequest(payload) };
  }
  const secret = d.secret !== undefined ? resolveSecret(d.secret, env) : undefined;
  if (d.secret !== undefined && secret === undefined) {
    return { ok: false, reason: `environment variable ${d.secret.env} (the webhook's signing secret) is not set` };
  }
  return { ok: true, url: d.url, secrets: secret !== undefined ? [secret] : [], request: (payload, id) => webhookRequest(payload, id, secret) };
}

/** The configured destinations by name, resolved now (environment variables can change between reloads). */
export function resolveDestinations(list: readonly AlertDestination[], env: NodeJS.ProcessEnv): Map<string, ResolvedDestination> {
  return new Map(list.map((d) => [destinationName(d), resolveDestination(d, env)]));
}

/** `message` with every secret replaced, for logs and the stored last error. */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const s of secrets) if (s !== '') out = out.split(s).join('[redacted]');
  return out;
}
