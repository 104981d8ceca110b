// Turns batches pushed by a producer (the database thread's `rows` messages) into an async iterable a reader pulls.

/**
 * The producer pushes batches and then settles `done`; the reader takes them in order. Batches the reader has not
 * taken yet wait here: the producer is a single statement over a bounded answer (one row per export group), so
 * what can wait is bounded by that answer, never by the rows the statement read.
 */
export async function* pushedBatches<T>(start: (push: (rows: T[]) => void) => Promise<void>): AsyncGenerator<T[]> {
  const waiting: T[][] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let failure: { readonly error: unknown } | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  start((rows) => {
    waiting.push(rows);
    notify();
  }).then(
    () => {
      finished = true;
      notify();
    },
    (error: unknown) => {
      failure = { error };
      notify();
    },
  );
  for (;;) {
    const next = waiting.shift();
    if (next !== undefined) {
      yield next;
      continue;
    }
    if (failure !== undefined) throw failure.error;
    if (finished) return;
    await new Promise<void>((resolve) => (wake = resolve));
  }
}
