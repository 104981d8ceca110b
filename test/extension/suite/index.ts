// Runs inside VS Code's extension host (extensionTestsPath) against the real `vscode` API: activation, the spawned
// gateway, the status bar, terminal environment, config diagnostics and clean shutdown. Results go to
// $SPENDGATE_E2E_OUT/extension-tests.json for the runner (test/extension/extension-host.test.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { SpendgateApi } from '../../../extension/extension.js';
import { sleep, SuiteCases, until } from './cases.js';

export async function run(): Promise<void> {
  const cases = new SuiteCases();
  const test = (name: string, fn: () => Promise<void> | void) => cases.test(name, fn);
  const folder = vscode.workspace.workspaceFolders?.[0];
  const configUri = folder ? vscode.Uri.joinPath(folder.uri, 'bifrost.yaml') : undefined;
  const original = configUri ? Buffer.from(await vscode.workspace.fs.readFile(configUri)).toString('utf8') : '';
  const port = vscode.workspace.getConfiguration('spendgate').get<number>('port');
  let api: SpendgateApi | undefined;
  let ready: { url: string; pid: number | undefined } | undefined;
  let extensionPath = '';

  await test('the extension activates in a workspace containing bifrost.yaml and starts the gateway', async () => {
    const ext = vscode.extensions.getExtension<SpendgateApi>('spendgate.spendgate');
    assert.ok(ext, 'extension spendgate.spendgate is not installed');
    extensionPath = ext.extensionPath;
    api = await ext.activate();
    assert.equal(api.configPath, configUri?.fsPath);
    ready = await Promise.race([api.whenReady(), sleep(45_000).then(() => Promise.reject(new Error('gateway not ready within 45 s')))]);
    assert.equal(ready.url, `http://127.0.0.1:${port}`);
    assert.ok(ready.pid && ready.pid !== process.pid, 'the gateway runs in its own process');
  });

  await test('the gateway answers /health', async () => {
    assert.ok(ready);
    const res = await fetch(`${ready.url}/health`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: string };
    assert.equal(body.status, 'ok');
  });

  await test('the status bar shows the tightest tier and asks for a key when none is set', async () => {
    assert.ok(api);
    const current = api;
    const text = await until(() => /^set key · /.test(current.statusBarText()) && current.statusBarText(), 'budget text in the status bar');
    assert.match(text, /^set key · (customer|team|provider) 0%$/);
  });

  await test('integrated terminals get ANTHROPIC_BASE_URL and OPENAI_BASE_URL for the gateway', () => {
    assert.ok(api);
    const env = api.terminalEnvironment();
    assert.equal(env.ANTHROPIC_BASE_URL, `http://127.0.0.1:${port}/anthropic`);
    assert.equal(env.OPENAI_BASE_URL, `http://127.0.0.1:${port}/openai/v1`);
    assert.equal(env.ANTHROPIC_API_KEY, undefined, 'no key is set yet');
  });

  await test('all seven commands are registered', async () => {
    const all = new Set(await vscode.commands.getCommands(true));
    for (const c of ['spendgate.openDashboard', 'spendgate.restartGateway', 'spendgate.showLogs', 'spendgate.setVirtualKey', 'spendgate.copyClientEnv', 'spendgate.copyCodexConfig', 'spendgate.createConfig']) assert.ok(all.has(c), c);
  });

  await test('"Copy Codex Config" puts a Codex provider block for this gateway on the clipboard', async () => {
    const block = await vscode.commands.executeCommand<string>('spendgate.copyCodexConfig');
    assert.match(block, /^model_provider = "spendgate"$/m);
    assert.match(block, /^\[model_providers\.spendgate\]$/m);
    assert.ok(block.includes(`base_url = "http://127.0.0.1:${port}/openai/v1"`), block);
    assert.match(block, /^wire_api = "responses"$/m);
    // The variable terminals already carry the virtual key in.
    assert.match(block, /^env_key = "OPENAI_API_KEY"$/m);
    assert.equal(await vscode.env.clipboard.readText(), block);
  });

  await test('a broken bifrost.yaml is reported at its line and column, and fixing it clears the problem', async () => {
    assert.ok(configUri);
    const broken = original.replace('customer_id: "acme-corp"', 'customer_id: "acme-corpp"');
    assert.notEqual(broken, original);
    const line = broken.split('\n').findIndex((l) => l.includes('"acme-corpp"'));
    const col = broken.split('\n')[line].indexOf('"acme-corpp"');
    await vscode.workspace.fs.writeFile(configUri, Buffer.from(broken));
    const [problem] = await until(() => {
      const d = vscode.languages.getDiagnostics(configUri).filter((x) => x.severity === vscode.DiagnosticSeverity.Error);
      return d.length > 0 && d;
    }, 'an error diagnostic on bifrost.yaml');
    assert.equal(problem.severity, vscode.DiagnosticSeverity.Error);
    assert.match(problem.message, /acme-corpp/);
    assert.equal(problem.source, 'spendgate');
    assert.deepEqual([problem.range.start.line, problem.range.start.character], [line, col]);
    await vscode.workspace.fs.writeFile(configUri, Buffer.from(original));
    const errorsCleared = () => vscode.languages.getDiagnostics(configUri).every((x) => x.severity !== vscode.DiagnosticSeverity.Error);
    await until(errorsCleared, 'the error diagnostic to clear');
    // The example's staging-key presents its id as its secret: the engine's warning stays in the Problems panel.
    const warning = vscode.languages.getDiagnostics(configUri).find((x) => x.severity === vscode.DiagnosticSeverity.Warning);
    assert.ok(warning, 'the id-as-secret warning is shown');
    assert.match(warning.message, /virtual key "staging-key" uses its id as its secret/);
  });

  await test('terminals send the branch, workspace and repo tags, and the branch follows a checkout', async () => {
    assert.ok(api && folder);
    const current = api;
    const header = () => current.terminalEnvironment().ANTHROPIC_CUSTOM_HEADERS;
    const name = folder.uri.fsPath.split('/').pop();
    assert.equal(header(), `x-spendgate-tags: branch=main,workspace=${name},repo=${name}`);
    execFileSync('git', ['checkout', '-q', '-b', 'feature/runway'], { cwd: folder.uri.fsPath });
    await until(() => header()?.includes('branch=feature/runway'), 'the tags to follow the checkout', 20_000);
    assert.equal(current.workspaceTags()?.branch, 'feature/runway');
  });

  await test('an unsaved limit change in bifrost.yaml shows a CodeLens with its consequence on the limit line', async () => {
    assert.ok(api && configUri);
    const current = api;
    const doc = await vscode.workspace.openTextDocument(configUri);
    await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('limit: 2000'));
    assert.ok(line > 0, 'the seed has the team limit');
    const edit = new vscode.WorkspaceEdit();
    const at = doc.lineAt(line).text.indexOf('2000');
    edit.replace(configUri, new vscode.Range(line, at, line, at + 4), '1500');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(doc.isDirty, 'the edit is not saved');
    const placed = await until(() => current.policyPreview().find((p) => p.change.kind === 'limit_changed'), 'a policy preview of the edit', 30_000);
    assert.equal(placed.line, line);
    assert.match(placed.text, /^team ml-engineering limit \$2,000 → \$1,500: already spent \$0 /);
    const lenses = await until(async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', configUri);
      return found?.some((l) => l.command?.title.includes('limit $2,000 → $1,500')) && found;
    }, 'the CodeLens on bifrost.yaml', 10_000);
    assert.ok(lenses.some((l) => l.range.start.line === line));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', configUri, new vscode.Position(line, 4));
    assert.ok(hovers.some((h) => h.contents.some((c) => (typeof c === 'string' ? c : c.value).includes('if this edit is applied'))));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  await test('deactivation stops the gateway process', async () => {
    assert.ok(ready?.pid);
    const pid = ready.pid;
    const main = require(join(extensionPath, 'dist', 'extension.js')) as { deactivate(): Promise<void> };
    await main.deactivate();
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await until(() => !alive(), `pid ${pid} to exit`, 10_000);
    await until(async () => {
      try {
        await fetch(`${ready?.url}/health`, { signal: AbortSignal.timeout(1_000) });
        return false;
      } catch {
        return true;
      }
    }, 'the port to stop answering', 10_000);
  });

  cases.finish('extension-tests.json');
}
