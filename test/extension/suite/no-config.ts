// Runs inside VS Code's extension host in a workspace without bifrost.yaml: the extension stays inactive and no
// gateway runs until one of its commands does; the command says why nothing runs, and a config created afterwards
// starts the gateway — through the command that writes the example ($SPENDGATE_NO_CONFIG_CREATE=command) or saved by
// the user (=file). Results go to $SPENDGATE_E2E_OUT/no-config-<mode>.json (test/extension/no-config.test.ts).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SpendgateApi } from '../../../extension/extension.js';
import { sleep, SuiteCases, until } from './cases.js';

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health`, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

export async function run(): Promise<void> {
  const cases = new SuiteCases();
  const test = (name: string, fn: () => Promise<void> | void) => cases.test(name, fn);
  const folder = vscode.workspace.workspaceFolders?.[0];
  const port = vscode.workspace.getConfiguration('spendgate').get<number>('port');
  const gatewayUrl = `http://127.0.0.1:${port}`;
  const ext = vscode.extensions.getExtension<SpendgateApi>('spendgate.spendgate');
  let api: SpendgateApi | undefined;
  let pid: number | undefined;

  await test('after startup, a window without bifrost.yaml has spendgate inactive and nothing on its port', async () => {
    assert.ok(ext, 'extension spendgate.spendgate is not installed');
    assert.ok(folder, 'the workspace has a folder');
    // The built-in merge-conflict extension activates on onStartupFinished: once it is active, an extension that
    // activated on startup would be active too (the short wait covers the rest of that activation batch).
    await until(() => vscode.extensions.getExtension('vscode.merge-conflict')?.isActive, 'startup to finish (vscode.merge-conflict active)', 60_000);
    await sleep(2_000);
    assert.equal(ext.isActive, false, 'spendgate activated in a window without bifrost.yaml');
    assert.equal(await answers(gatewayUrl), false, `something answers on ${gatewayUrl}`);
  });

  await test('a spendgate command activates it; with no config it says so in the status bar and starts no gateway', async () => {
    assert.ok(ext);
    await vscode.commands.executeCommand('spendgate.openDashboard');
    assert.equal(ext.isActive, true);
    api = ext.exports;
    assert.equal(api.configPath, undefined);
    assert.equal(api.statusBarText(), '$(info) spendgate: no bifrost.yaml');
    assert.equal(await answers(gatewayUrl), false, 'no gateway without a config');
    assert.deepEqual(api.terminalEnvironment(), {}, 'terminals are not pointed at a gateway that does not run');
  });

  const mode = process.env.SPENDGATE_NO_CONFIG_CREATE === 'file' ? 'file' : 'command';
  const title =
    mode === 'command'
      ? 'Create bifrost.yaml from Example writes the example into the workspace and starts the gateway on it'
      : 'a bifrost.yaml saved into the workspace afterwards starts the gateway on it';
  await test(title, async () => {
    assert.ok(api && folder && ext);
    const current = api;
    const created = join(folder.uri.fsPath, 'bifrost.yaml');
    const example = readFileSync(join(ext.extensionPath, 'examples', 'bifrost.yaml'), 'utf8');
    if (mode === 'command') {
      await vscode.commands.executeCommand('spendgate.createConfig');
      assert.equal(readFileSync(created, 'utf8'), example);
      assert.equal(current.configPath, created);
    } else {
      writeFileSync(created, example);
    }
    const ready = await Promise.race([current.whenReady(), sleep(45_000).then(() => Promise.reject(new Error('gateway not ready within 45 s')))]);
    assert.equal(ready.url, gatewayUrl);
    assert.equal(current.configPath, created);
    pid = ready.pid;
    const text = await until(() => /^set key · /.test(current.statusBarText()) && current.statusBarText(), 'the budget summary in the status bar');
    assert.match(text, /^set key · (customer|team|provider) 0%$/);
    assert.equal(current.terminalEnvironment().ANTHROPIC_BASE_URL, `${gatewayUrl}/anthropic`);
  });

  // Leave no engine behind for the next suite.
  const main = ext && (require(join(ext.extensionPath, 'dist', 'extension.js')) as { deactivate(): Promise<void> });
  await main?.deactivate();
  if (pid) await until(() => answers(gatewayUrl).then((up) => !up), 'the gateway to stop', 10_000).catch(() => undefined);

  cases.finish(`no-config-${mode}.json`);
}
