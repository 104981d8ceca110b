// Loads the sql.js WebAssembly runtime once, from next to the bundle or from node_modules under tsx.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

const WASM = 'sql-wasm.wasm';

/** Where sql-wasm.wasm is: the build copies it next to dist/proxy/cli.js; from sources it is in node_modules. */
export function locateSqlWasm(): string {
  const candidates = [join(__dirname, WASM)];
  try {
    candidates.push(require.resolve(`sql.js/dist/${WASM}`));
  } catch {
    // Not resolvable from a bundle without node_modules; the bundled copy is the candidate then.
  }
  const found = candidates.find((p) => existsSync(p));
  if (found === undefined) throw new Error(`cannot find ${WASM}; looked in ${candidates.join(', ')}`);
  return found;
}

let runtime: Promise<SqlJsStatic> | undefined;

export function sqlJs(): Promise<SqlJsStatic> {
  if (runtime === undefined) {
    const wasm = locateSqlWasm();
    runtime = initSqlJs({ locateFile: () => wasm });
    // A failed load may be retried by a later open.
    runtime.catch(() => (runtime = undefined));
  }
  return runtime;
}
