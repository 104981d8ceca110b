// GET /api/status's config and alerts sections, the body of POST /api/config/reload and the WebSocket `config`
// message: the reloader's and the alerter's state on the wire.
import type { AlertStatus } from '../alerts/alerter.js';
import type { ConfigStatus } from '../config/types.js';
import type { AlertStatusJson, ConfigStatusJson } from './wire/index.js';

export function configStatusJson(s: ConfigStatus): ConfigStatusJson {
  return { path: s.path, loaded_at: new Date(s.loadedAt).toISOString(), ok: s.ok, problems: s.problems };
}

export function alertStatusJson(s: AlertStatus): AlertStatusJson {
  return {
    enabled: s.enabled,
    pending: s.pending,
    delivered: s.delivered,
    dead: s.dead,
    last_error: s.lastError,
    dead_letters: s.deadLetters.map((d) => ({
      delivery: d.deliveryId,
      ...d.alert,
      destination: d.destination,
      attempts: d.attempts,
      last_error: d.lastError,
      created_at: new Date(d.createdAt).toISOString(),
      dead_at: new Date(d.deadAt).toISOString(),
    })),
  };
}
