// A window without bifrost.yaml in a real VS Code (code-server 4.100.3): the extension does not start a gateway
// until one of its commands runs (suite/no-config.ts, run in the extension host against the real `vscode` API).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureCodeServer, freePort, startWorkbench, waitFor, type Workbench } from './code-server.js';
import { stageExtension } from './stage.js';

const work = mkdtempSync(join(tmpdir(), 'spendgate-noconfig-'));
let bin: string;
let staged: string;

before(() => {
  bin = ensureCodeServer();
  staged = stageExtension(join(work, 'extension'));
});

describe('a window without bifrost.yaml', () => {
  let wb: Workbench;
  const out = join(work, 'exthost-out');

  after(async () => wb?.close());

  test('runs no gateway until a spendgate command runs, then serves the config created from the example', async (t) => {
    wb = await startWorkbench({
      bin,
      files: { 'notes.md': '# a project without a spend policy\n', '.vscode/settings.json': JSON.stringify({ 'spendgate.port': await freePort() }) },
      env: { SPENDGATE_E2E_OUT: out, SPENDGATE_HOME: join(work, 'home') },
      smokeTestDriver: true,
    });
    const page = await wb.browser.newPage();
    let exitCode: number | undefined;
    await page.exposeFunction('codeAutomationExit', (code: number) => (exitCode = code));
    await page.goto(wb.url([['extensionDevelopmentPath', wb.remote(staged)], ['extensionTestsPath', wb.remote(join(staged, 'test', 'no-config-suite.js'))]]));
    await waitFor(() => exitCode !== undefined, 'the extension host to finish the suite (codeAutomationExit)', 180_000);
    const file = join(out, 'no-config-tests.json');
    assert.ok(existsSync(file), `the suite wrote no results (exit code ${exitCode}); code-server log:\n${wb.log().slice(-3000)}`);
    const results = JSON.parse(readFileSync(file, 'utf8')) as { name: string; ok: boolean; error?: string }[];
    assert.equal(results.length, 3, `${results.length} cases ran`);
    for (const r of results) {
      await t.test(r.name, () => assert.ok(r.ok, r.error));
    }
    assert.equal(exitCode, 0);
  });
});
