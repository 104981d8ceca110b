// Runs code-server 4.100.3 (VS Code 1.100.3) on a random loopback port and opens its workbench in headless Chromium.
// tier: e2e — runs code-server (installed by test/extension/install-code-server.sh) and Debian's chromium.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { sleep, until } from './suite/cases.js';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Installs code-server into ~/.cache/spendgate on first use (about 1.5 minutes) and returns its binary. */
export function ensureCodeServer(): string {
  const out = execFileSync('bash', [join(__dirname, 'install-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const bin = out.trim().split('\n').pop();
  if (!bin) throw new Error('install-code-server.sh printed no binary path');
  return bin;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface Workbench {
  readonly root: string;
  readonly workspace: string;
  readonly base: string;
  readonly log: () => string;
  readonly browser: BrowserContext;
  /** The page URL opening the workspace, with an optional ?payload= (development/test paths). */
  url(payload?: readonly (readonly [string, string])[]): string;
  remote(path: string): string;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  readonly bin: string;
  /** Files to write into the workspace folder (relative path → content). */
  readonly files: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  /** Needed for ?payload= extensionDevelopmentPath / extensionTestsPath (VS Code 1.100 ignores them otherwise). */
  readonly smokeTestDriver: boolean;
  readonly vsix?: string;
  /** Runs on the workspace folder after its files are written, before VS Code opens it (e.g. `git init`). */
  readonly prepare?: (workspace: string) => void;
}


/** Polls `probe` until it returns a value (the extension-host suites poll the same way). */
export function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 60_000): Promise<T> {
  return until(probe, what, timeoutMs);
}

export async function startWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const root = mkdtempSync(join(tmpdir(), 'spendgate-e2e-'));
  const dirs = Object.fromEntries(['ud', 'ext', 'ws', 'chrome'].map((d) => [d, join(root, d)])) as Record<'ud' | 'ext' | 'ws' | 'chrome', string>;
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs.ud, 'User'), { recursive: true });
  writeFileSync(
    join(dirs.ud, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'update.mode': 'none',
      'git.enabled': false,
    }),
  );
  for (const [rel, content] of Object.entries(options.files)) {
    const file = join(dirs.ws, rel);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, content);
  }
  options.prepare?.(dirs.ws);
  const config = join(root, 'code-server.yaml');
  writeFileSync(config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  const common = ['--config', config, '--user-data-dir', dirs.ud, '--extensions-dir', dirs.ext];
  if (options.vsix) {
    const r = spawnSync(options.bin, [...common, '--install-extension', options.vsix], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`code-server --install-extension failed: ${r.stdout}${r.stderr}`);
  }
  let output = '';
  const cs: ChildProcess = spawn(
    options.bin,
    [...common, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', ...(options.smokeTestDriver ? ['--enable-smoke-test-driver'] : []), dirs.ws],
    { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  cs.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  cs.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  const stop = async () => {
    if (cs.exitCode !== null || cs.signalCode !== null) return;
    const exited = new Promise((r) => cs.once('exit', r));
    cs.kill('SIGTERM');
    await Promise.race([exited, sleep(5_000)]);
    if (cs.exitCode === null && cs.signalCode === null) cs.kill('SIGKILL');
  };
  let browser: BrowserContext | undefined;
  try {
    const base = await waitFor(() => /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1], 'code-server to listen', 30_000);
    const authority = new URL(base).host;
    browser = await chromium.launchPersistentContext(dirs.chrome, { executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1400, height: 900 }, args: CHROMIUM_ARGS });
    const opened = browser;
    return {
      root,
      workspace: dirs.ws,
      base,
      log: () => output,
      browser: opened,
      remote: (p) => `vscode-remote://${authority}${p}`,
      url: (payload = []) => `${base}/?folder=${encodeURIComponent(dirs.ws)}` + (payload.length ? `&payload=${encodeURIComponent(JSON.stringify(payload))}` : ''),
      close: async () => {
        await opened.close().catch(() => undefined);
        await stop();
      },
    };
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await stop();
    throw new Error(`${(err as Error).message}\ncode-server output:\n${output.slice(-2000)}`);
  }
}

/** Runs a command from the palette by its title (rejects when the palette does not list it within `timeoutMs`). */
export async function runCommand(page: Page, title: string, timeoutMs?: number): Promise<void> {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => undefined);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: timeoutMs });
  await page.keyboard.press('Enter');
}

/** One case of an extension-host suite, as the suite wrote it (test/extension/suite/cases.ts). */
export interface HostCase {
  readonly name: string;
  readonly ok: boolean;
  readonly error?: string;
}

/**
 * Opens the workspace with the staged extension under development and runs one of its bundled extension-host
 * suites (`test/<suite>.js`, from stage.ts); resolves with the cases the suite wrote to `<out>/<resultsFile>` and
 * the exit code it reported through codeAutomationExit.
 */
export async function runHostSuite(
  wb: Workbench,
  run: { readonly staged: string; readonly suite: string; readonly out: string; readonly resultsFile: string; readonly timeoutMs: number },
): Promise<{ readonly cases: readonly HostCase[]; readonly exitCode: number }> {
  const page = await wb.browser.newPage();
  let exitCode: number | undefined;
  await page.exposeFunction('codeAutomationExit', (code: number) => (exitCode = code));
  await page.goto(wb.url([['extensionDevelopmentPath', wb.remote(run.staged)], ['extensionTestsPath', wb.remote(join(run.staged, 'test', `${run.suite}.js`))]]));
  const code = await waitFor(() => exitCode !== undefined && { exitCode }, 'the extension host to finish the suite (codeAutomationExit)', run.timeoutMs);
  const file = join(run.out, run.resultsFile);
  if (!existsSync(file)) throw new Error(`the suite wrote no results (exit code ${code.exitCode}); code-server log:\n${wb.log().slice(-3000)}`);
  return { cases: JSON.parse(readFileSync(file, 'utf8')) as HostCase[], exitCode: code.exitCode };
}
