// What the gateway changed in a request so that a Bedrock model accepts it: collected per request, reported once per model.
import type { ProviderLog } from './call.js';

export interface Adaptation {
  /** Stable across requests (`beta:effort-2025-11-24`, `max_tokens`), so a change is reported once per model. */
  readonly key: string;
  /** What was changed and why, for the event log and the request's log record. */
  readonly message: string;
}

/** The changes made to one request, in the order they were made, one per key. */
export class Adaptations {
  private readonly byKey = new Map<string, Adaptation>();

  add(key: string, message: string): void {
    if (!this.byKey.has(key)) this.byKey.set(key, { key, message });
  }

  get list(): readonly Adaptation[] {
    return [...this.byKey.values()];
  }

  get size(): number {
    return this.byKey.size;
  }

  /** The messages, for the log record of the request. */
  messages(): string[] {
    return this.list.map((a) => a.message);
  }
}

/** Logs each kind of change once per model for the life of the process (the log record of every request still says it). */
export class AdaptationReporter {
  private readonly seen = new Set<string>();

  constructor(private readonly log: ProviderLog) {}

  report(providerId: string, modelId: string, adaptations: Adaptations): void {
    for (const a of adaptations.list) {
      const id = `${modelId}|${a.key}`;
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      this.log({ level: 'info', event: 'bedrock_request_adapted', provider_config: providerId, model: modelId, change: a.key, message: a.message });
    }
  }
}
