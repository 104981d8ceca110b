// Where the browser suites write their screenshots: the ignored test-output/screenshots/ on every run, and the
// tracked docs/ (the images the README shows) only when asked with SPENDGATE_UPDATE_SCREENSHOTS=1 (`npm run
// screenshots`), so an ordinary test run leaves the work tree clean.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** The folder screenshots go to in this run, created if missing. */
export function screenshotDir(): string {
  const dir = process.env.SPENDGATE_UPDATE_SCREENSHOTS === '1' ? join(ROOT, 'docs') : join(ROOT, 'test-output', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** The path to write the screenshot `name` (e.g. `dashboard-budgets.png`) to in this run. */
export function screenshotPath(name: string): string {
  return join(screenshotDir(), name);
}
