// A full garbage collection on demand, for the database thread's large, short-lived buffers.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let exposed = false;

/**
 * Turns on V8's `--expose-gc` for contexts created from now on, once per process. V8's flags are process-wide and
 * changing them while another thread runs JavaScript is not safe, so the gateway's main thread does it before it
 * starts the database thread (sqlite-thread.ts), never the database thread itself.
 */
export function exposeGarbageCollector(): void {
  if (exposed) return;
  setFlagsFromString('--expose-gc');
  exposed = true;
}

/**
 * V8's full collection, for a thread whose heap is a few MB but whose freed buffers are tens of MB: sql.js keeps the
 * database file in one typed array and replaces it with a copy 1/8 larger each time the file outgrows it. V8 frees
 * such external memory only in a mark-compact, which it starts after about 64 MB more of it, so two or three
 * generations of the file stayed resident side by side. Needs exposeGarbageCollector to have run in this process.
 */
export function fullGarbageCollector(): () => void {
  const gc: unknown = runInNewContext('typeof gc === "function" ? gc : undefined');
  if (typeof gc !== 'function') throw new Error('V8 gc is not exposed: exposeGarbageCollector must run before this thread starts');
  return gc as () => void;
}
