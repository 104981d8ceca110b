// A full garbage collection on demand, for the database thread's large, short-lived buffers.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * The database thread's heap is a few MB, but the buffers it lets go of are tens of MB: sql.js keeps the database
 * file in one typed array and replaces it with a copy 1/8 larger each time the file outgrows it. V8 frees such
 * external memory only in a mark-compact, which it starts after about 64 MB more of it, so two or three
 * generations of the file stayed resident side by side. `--expose-gc` set at run time reaches contexts created
 * after it, which is how this gets V8's `gc` without a command-line flag.
 */
export function fullGarbageCollector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
