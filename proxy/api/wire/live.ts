// GET /ws: the messages the engine pushes, and the subscription a client may send.
import type { BudgetsJson } from './budgets.js';
import type { LogJson } from './logs.js';
import type { ConfigStatusJson } from './status.js';

export type LogOperation = 'create' | 'update';

/** What the engine pushes to every client: log records (through the client's filter), budgets, config outcomes. */
export type LiveMessage =
  | { readonly type: 'log'; readonly operation: LogOperation; readonly payload: LogJson }
  | { readonly type: 'budgets'; readonly payload: BudgetsJson }
  | { readonly type: 'config'; readonly payload: ConfigStatusJson };

/** Replies to a client's own `{"type":"subscribe","filter":{…}}` message (the filter takes GET /api/logs' parameters). */
export type SubscriptionReply =
  | { readonly type: 'subscribed' }
  | { readonly type: 'error'; readonly error: { readonly type: 'invalid_request'; readonly parameter?: string; readonly message: string } };

/** Every message the engine sends on /ws. */
export type ServerMessage = LiveMessage | SubscriptionReply;

/** Recognises the pushed messages (log, budgets, config); others (subscribed, error) answer undefined. */
export function parseLiveMessage(text: string): LiveMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const type = (value as { type?: unknown }).type;
  const payload = (value as { payload?: unknown }).payload;
  if (typeof payload !== 'object' || payload === null) return undefined;
  if (type === 'log' || type === 'budgets' || type === 'config') return value as LiveMessage;
  return undefined;
}
