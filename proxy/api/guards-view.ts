// GET /api/guards and POST /api/guards/resume: the runaway-agent guard's paused keys on the wire.
import type { GuardPause } from '../governance/guards.js';
import type { GuardsJson } from './wire/index.js';

export function guardsJson(paused: readonly GuardPause[]): GuardsJson {
  return { paused: paused.map((p) => ({ virtual_key_id: p.keyId, reason: p.reason, since: new Date(p.since).toISOString() })) };
}
