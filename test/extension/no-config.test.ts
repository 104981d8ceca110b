// A window without bifrost.yaml in a real VS Code (code-server 4.100.3): the extension does not start a gateway
// until one of its commands runs (suite/no-config.ts, run in the extension host against the real `vscode` API).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { ensureCodeServer, freePort, runCommand, runHostSuite, startWorkbench, waitFor, type Workbench } from './code-server.js';
import { packageVsix, ROOT, stageExtension } from './stage.js';

const work = mkdtempSync(join(tmpdir(), 'spendgate-noconfig-'));
let bin: string;
let staged: string;

before(() => {
  bin = ensureCodeServer();
  staged = stageExtension(join(work, 'extension'));
});

/** One window without bifrost.yaml, in which the config is then created the way `mode` says. */
async function windowWithoutConfig(mode: 'command' | 'file', t: TestContext): Promise<void> {
  const out = join(work, `out-${mode}`);
  const wb = await startWorkbench({
    bin,
    files: { 'notes.md': '# a project without a spend policy\n', '.vscode/settings.json': JSON.stringify({ 'spendgate.port': await freePort() }) },
    env: { SPENDGATE_E2E_OUT: out, SPENDGATE_HOME: join(work, `home-${mode}`), SPENDGATE_NO_CONFIG_CREATE: mode },
    smokeTestDriver: true,
  });
  try {
    const { cases, exitCode } = await runHostSuite(wb, { staged, suite: 'no-config-suite', out, resultsFile: `no-config-${mode}.json`, timeoutMs: 180_000 });
    assert.equal(cases.length, 3, `${cases.length} cases ran`);
    for (const c of cases) {
      await t.test(c.name, () => assert.ok(c.ok, c.error));
    }
    assert.equal(exitCode, 0);
  } finally {
    await wb.close();
  }
}

describe('a window without bifrost.yaml', () => {
  test('runs no gateway until a spendgate command runs, then serves the config created from the example', (t) => windowWithoutConfig('command', t));
  test('runs no gateway until a spendgate command runs, then serves a bifrost.yaml saved later', (t) => windowWithoutConfig('file', t));
});

describe('the packaged VSIX in a window without bifrost.yaml', () => {
  let wb: Workbench | undefined;

  after(async () => wb?.close());

  test('a command explains that there is no bifrost.yaml; Create from Example writes it and starts the gateway', async () => {
    const vsix = packageVsix(staged, join(work, 'spendgate.vsix'));
    const files = { 'notes.md': '# a project without a spend policy\n', '.vscode/settings.json': JSON.stringify({ 'spendgate.port': await freePort() }) };
    const opened = await startWorkbench({ bin, files, env: { SPENDGATE_HOME: join(work, 'ui-home') }, smokeTestDriver: false, vsix });
    wb = opened;
    const page = await opened.browser.newPage();
    await page.goto(opened.url());
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // Nothing of spendgate runs yet: the palette lists its contributed commands once the workbench has read the
    // installed extensions, which a fresh window does shortly after it appears.
    await waitFor(() => runCommand(page, 'spendgate: Open Dashboard', 5_000).then(() => true, () => page.keyboard.press('Escape').then(() => false)), 'spendgate commands in the palette', 60_000);
    const notice = page.locator('.notification-toast').filter({ hasText: 'no bifrost.yaml in this workspace' });
    await notice.waitFor({ timeout: 30_000 });
    await notice.getByRole('button', { name: 'Create from Example' }).click();
    await page.locator('#workbench\\.parts\\.statusbar').getByText(/set key · (customer|team|provider) 0%/).waitFor({ timeout: 90_000 });
    const created = readFileSync(join(opened.workspace, 'bifrost.yaml'), 'utf8');
    assert.equal(created, readFileSync(join(ROOT, 'examples', 'bifrost.yaml'), 'utf8'), 'the VSIX ships the example and writes it unchanged');
  });
});
