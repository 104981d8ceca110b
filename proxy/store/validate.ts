// What a commit must look like before it is journaled: whole micro-dollars, known tiers, identifiable records.
import type { TierKind } from '../config/types.js';
import type { CommitEntry } from './store.js';
import type { CommitQueue } from './commit-queue.js';

const TIERS: readonly TierKind[] = ['customer', 'team', 'virtual_key', 'provider_config'];

/** Throws a RangeError naming the first problem; a journal must never hold an entry replay would reject. */
export function validateEntry(entry: CommitEntry): void {
  for (const c of entry.charges) {
    if (!TIERS.includes(c.tier)) throw new RangeError(`charge has an unknown tier ${JSON.stringify(c.tier)}`);
    if (typeof c.id !== 'string' || c.id === '') throw new RangeError(`charge on ${c.tier} has no id`);
    if (!Number.isSafeInteger(c.periodStart)) throw new RangeError(`charge on ${c.tier} ${c.id} has period start ${c.periodStart}`);
    if (!Number.isSafeInteger(c.micros) || c.micros < 0) {
      throw new RangeError(`charge on ${c.tier} ${c.id} must be whole non-negative micro-dollars, got ${c.micros}`);
    }
  }
  for (const r of entry.logs) {
    if (typeof r.id !== 'string' || r.id === '') throw new RangeError('log record has no id');
    if (!Number.isSafeInteger(r.timestamp)) throw new RangeError(`log record ${r.id} has timestamp ${r.timestamp}`);
    if (r.cost !== null && !Number.isSafeInteger(r.cost.total)) throw new RangeError(`log record ${r.id} has cost ${r.cost.total}`);
  }
}

/**
 * The commit path both stores share: refuse after close, skip empty entries, validate before anything is written.
 * `prepare` turns the entry into what the writer queues: the embedded store serialises its journal line there, so
 * the line is ready before the commit starts waiting for its write.
 */
export function submitEntry<T>(writer: CommitQueue<T>, closed: boolean, entry: CommitEntry, prepare: (entry: CommitEntry) => T): Promise<void> {
  if (closed) return Promise.reject(new Error('the store is closed'));
  if (entry.charges.length === 0 && entry.logs.length === 0) return Promise.resolve();
  let item: T;
  try {
    validateEntry(entry);
    item = prepare(entry);
  } catch (err) {
    return Promise.reject(err);
  }
  return writer.submit(item);
}
