// GET /api/guards and POST /api/guards/resume: virtual keys the runaway-agent guard has paused.
import type { IsoTime } from './common.js';

export interface GuardPauseJson {
  readonly virtual_key_id: string;
  readonly reason: string;
  /** When the guard paused the key. */
  readonly since: IsoTime;
}

export interface GuardsJson {
  readonly paused: readonly GuardPauseJson[];
}

/** The body of POST /api/guards/resume. */
export interface GuardResumeJson {
  readonly virtual_key_id: string;
}
