// A window without bifrost.yaml in a real VS Code (code-server 4.100.3): the extension does not start a gateway
// until one of its commands runs (suite/no-config.ts, run in the extension host against the real `vscode` API).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ensureCodeServer, freePort, runHostSuite, startWorkbench, type Workbench } from './code-server.js';
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
    const { cases, exitCode } = await runHostSuite(wb, { staged, suite: 'no-config-suite', out, resultsFile: 'no-config-tests.json', timeoutMs: 180_000 });
    assert.equal(cases.length, 3, `${cases.length} cases ran`);
    for (const c of cases) {
      await t.test(c.name, () => assert.ok(c.ok, c.error));
    }
    assert.equal(exitCode, 0);
  });
});
