// Which runaway-agent guard pauses deserve a warning: read from live log records and GET /api/guards (pure).
import type { GuardsJson, LiveMessage } from '../proxy/api/wire/index.js';

export interface GuardPause {
  readonly keyId: string;
  readonly reason: string;
}

/** The engine's error type (and `x-spendgate-error-code`) for a request refused because its key is paused. */
export const GUARD_PAUSED = 'guard_paused';

const REASON_PREFIX = /^virtual key "[^"]*" is paused by the runaway-agent guard: /;

/**
 * What a live message says about guard pauses of `keyId` (any key when undefined): `paused` for a
 * request refused by the guard, `running` for a request of that key that went through (it was resumed).
 */
export function guardSignal(message: LiveMessage, keyId: string | undefined): { readonly state: 'paused' | 'running'; readonly keyId: string; readonly reason: string } | undefined {
  if (message.type !== 'log') return undefined;
  const r = message.payload;
  if (r.virtual_key_id === null || (keyId !== undefined && r.virtual_key_id !== keyId)) return undefined;
  if (r.error_type === GUARD_PAUSED) return { state: 'paused', keyId: r.virtual_key_id, reason: (r.error_message ?? 'paused by the runaway-agent guard').replace(REASON_PREFIX, '') };
  if (r.status < 400) return { state: 'running', keyId: r.virtual_key_id, reason: '' };
  return undefined;
}

/** Pauses of `keyId` (any key when undefined) listed by `GET /api/guards`. */
export function pausesOf(guards: GuardsJson, keyId: string | undefined): GuardPause[] {
  return guards.paused.filter((p) => keyId === undefined || p.virtual_key_id === keyId).map((p) => ({ keyId: p.virtual_key_id, reason: p.reason }));
}

/**
 * One warning per pause: once announced, further refusals of the same key stay quiet until the key
 * runs again (a request of it succeeds, or it was resumed from the warning).
 */
export class PauseAnnouncements {
  private readonly announced = new Set<string>();

  /** The pause to announce for this live message, if any. */
  onLive(message: LiveMessage, keyId: string | undefined): GuardPause | undefined {
    const signal = guardSignal(message, keyId);
    if (signal?.state === 'running') this.announced.delete(signal.keyId);
    return signal?.state === 'paused' ? this.announce({ keyId: signal.keyId, reason: signal.reason }) : undefined;
  }

  /** The pauses to announce from a `GET /api/guards` answer. */
  onGuards(guards: GuardsJson, keyId: string | undefined): GuardPause[] {
    return pausesOf(guards, keyId).flatMap((p) => this.announce(p) ?? []);
  }

  /** The key runs again (resumed here): its next pause is announced. */
  resumed(keyId: string): void {
    this.announced.delete(keyId);
  }

  private announce(pause: GuardPause): GuardPause | undefined {
    if (this.announced.has(pause.keyId)) return undefined;
    this.announced.add(pause.keyId);
    return pause;
  }
}
