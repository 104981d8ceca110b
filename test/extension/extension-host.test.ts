// The extension in a real VS Code (code-server 4.100.3 = VS Code 1.100.3) driven by headless Chromium:
// (1) the extension-host suite (suite/index.ts) against the real `vscode` API, with the real engine;
// (2) the packaged VSIX installed into the workbench: status bar, Problems, the dashboard webview, screenshots.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { ensureCodeServer, freePort, runCommand, runHostSuite, startWorkbench, waitFor, type Workbench } from './code-server.js';
import { packageVsix, ROOT, stageExtension } from './stage.js';
import { screenshotPath } from '../harness/screenshots.js';

const SEED = readFileSync(join(ROOT, 'examples', 'bifrost.yaml'), 'utf8');
const BROKEN = SEED.replace('customer_id: "acme-corp"', 'customer_id: "acme-corpp"');

const work = mkdtempSync(join(tmpdir(), 'spendgate-ext-'));
let bin: string;
let staged: string;

before(() => {
  assert.notEqual(BROKEN, SEED, 'examples/bifrost.yaml must contain the seed team');
  bin = ensureCodeServer();
  staged = stageExtension(join(work, 'extension'));
});

/** The workspace is a git repository on `main` with bifrost.yaml committed (the policy preview compares with HEAD). */
function gitInit(workspace: string): void {
  const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], { cwd: workspace, stdio: 'ignore' });
  git('init', '-q', '-b', 'main');
  git('add', 'bifrost.yaml');
  git('commit', '-qm', 'policy');
}

async function workspaceFiles(): Promise<Record<string, string>> {
  return { 'bifrost.yaml': SEED, '.vscode/settings.json': JSON.stringify({ 'spendgate.port': await freePort() }) };
}

describe('extension-host suite with the real vscode API', () => {
  let wb: Workbench;
  const out = join(work, 'exthost-out');

  after(async () => wb?.close());

  test('runs and every case passes', async (t) => {
    wb = await startWorkbench({
      bin,
      files: await workspaceFiles(),
      // A private SPENDGATE_HOME, so an engine reused from the developer's own ~/.spendgate cannot leak in.
      env: { SPENDGATE_E2E_OUT: out, SPENDGATE_HOME: join(work, 'home') },
      smokeTestDriver: true,
      prepare: gitInit,
    });
    const { cases, exitCode } = await runHostSuite(wb, { staged, suite: 'suite', out, resultsFile: 'extension-tests.json', timeoutMs: 150_000 });
    assert.ok(cases.length >= 9, `only ${cases.length} cases ran`);
    for (const c of cases) {
      await t.test(c.name, () => assert.ok(c.ok, c.error));
    }
    assert.equal(exitCode, 0);
  });
});

describe('the packaged VSIX in the workbench UI', () => {
  let wb: Workbench;
  let page: Page;
  const statusBar = () => page.locator('#workbench\\.parts\\.statusbar');

  before(async () => {
    const vsix = packageVsix(staged, join(work, 'spendgate.vsix'));
    wb = await startWorkbench({ bin, files: await workspaceFiles(), env: { SPENDGATE_HOME: join(work, 'ui-home') }, smokeTestDriver: false, vsix, prepare: gitInit });
    page = await wb.browser.newPage();
    await page.goto(wb.url());
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  });

  after(async () => wb?.close());

  test('the status bar shows the budget summary once the gateway is up', async () => {
    await statusBar().getByText(/set key · (customer|team|provider) 0%/).waitFor({ timeout: 90_000 });
  });

  test('setting the virtual key from the command palette switches the status bar to the key', async () => {
    await runCommand(page, 'spendgate: Set Virtual Key');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    assert.equal(await input.getAttribute('type'), 'password');
    await input.fill('staging-key');
    await page.keyboard.press('Enter');
    await statusBar().getByText('$0.00 · key 0%').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('vscode-statusbar.png'), clip: { x: 0, y: 860, width: 1400, height: 40 } });
  });

  test('a broken bifrost.yaml appears in the Problems panel and clears when fixed', async () => {
    writeFileSync(join(wb.workspace, 'bifrost.yaml'), BROKEN);
    await runCommand(page, 'Focus on Problems View');
    const entry = page.locator('.markers-panel').getByText(/acme-corpp/);
    await entry.first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('vscode-problems.png') });
    writeFileSync(join(wb.workspace, 'bifrost.yaml'), SEED);
    await entry.first().waitFor({ state: 'detached', timeout: 30_000 });
  });

  test('the dashboard webview shows the budgets tree relayed by the extension host', async () => {
    await runCommand(page, 'spendgate: Open Dashboard');
    const frame = await waitFor(async () => {
      for (const f of page.frames()) {
        if (await f.$('.tier-row[data-id="ml-engineering"]').catch(() => null)) return f;
      }
      return undefined;
    }, 'the dashboard frame with the ml-engineering tier', 60_000);
    const team = (f: Frame) => f.locator('.tier-row[data-tier="team"][data-id="ml-engineering"]');
    assert.equal(await team(frame).locator('.tier-spent').textContent(), '$0.00 of $2,000.00');
    assert.equal(await frame.locator('.tier-row[data-tier="virtual_key"][data-id="staging-key"] .tier-spent').textContent(), '$0.00 of $500.00');
    await frame.locator('.connection[data-state="up"]').waitFor({ timeout: 20_000 });
    await page.screenshot({ path: screenshotPath('vscode-dashboard.png') });
  });
});
