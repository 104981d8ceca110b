// GET /api/status, POST /api/config/reload, GET /api/config and the WebSocket `config` message.
import type { IsoTime } from './common.js';

export interface ConfigProblemJson {
  readonly severity: 'error' | 'warning';
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly col: number;
  readonly message: string;
}

/** The outcome of the last config (re)load; a reload that fails answers 422 with this body. */
export interface ConfigStatusJson {
  readonly path: string;
  readonly loaded_at: IsoTime;
  readonly ok: boolean;
  readonly problems: readonly ConfigProblemJson[];
}

/** Budget alert deliveries: the outbox's counts and its dead letters. */
export interface AlertStatusJson {
  readonly enabled: boolean;
  readonly pending: number;
  readonly delivered: number;
  readonly dead: number;
  /** The newest dead delivery's error, or null. */
  readonly last_error: string | null;
  /** Each dead delivery: its alert's fields, destination, attempts and error. */
  readonly dead_letters: readonly Readonly<Record<string, unknown>>[];
}

export interface StatusJson {
  readonly version: string;
  readonly uptime_seconds: number;
  readonly store: 'sqlite' | 'postgres';
  readonly config: ConfigStatusJson;
  /** Models served without a price (their requests are logged with `missing_cost`). */
  readonly unpriced_models: readonly string[];
  readonly accounts: readonly { readonly id: string; readonly providers: readonly string[] }[];
  readonly virtual_keys: readonly string[];
  readonly alerts: AlertStatusJson;
}

/** GET /api/config: the served config with every secret redacted. */
export interface ConfigJson {
  readonly path: string;
  readonly config: unknown;
}
