// What the extension-host suites share: polling for a condition, and collecting each case's result into the JSON
// file their runner reads ($SPENDGATE_E2E_OUT/<file>; see runHostSuite in test/extension/code-server.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** Runs cases in order (each sees what the earlier ones did); a failing case is recorded, not thrown. */
export class SuiteCases {
  private readonly results: CaseResult[] = [];

  async test(name: string, fn: () => Promise<void> | void): Promise<void> {
    try {
      await fn();
      this.results.push({ name, ok: true });
    } catch (err) {
      this.results.push({ name, ok: false, error: String((err as Error).stack ?? err) });
    }
  }

  /** Writes the results for the runner, then fails the suite (a non-zero exit) if any case failed. */
  finish(file: string): void {
    const out = process.env.SPENDGATE_E2E_OUT;
    if (out) {
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, file), JSON.stringify(this.results, null, 2));
    }
    const failed = this.results.filter((r) => !r.ok);
    if (failed.length) throw new Error(`${failed.length} extension-host test(s) failed: ${failed.map((f) => f.name).join('; ')}`);
  }
}
