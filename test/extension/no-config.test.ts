// A window without bifrost.yaml in a real VS Code (code-server 4.100.3): the extension does not start a gateway
// until one of its commands runs (suite/no-config.ts, run in the extension host against the real `vscode` API).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test, type TestContext } from 'node:test';
import { ensureCodeServer, freePort, runHostSuite, startWorkbench } from './code-server.js';
import { stageExtension } from './stage.js';

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
