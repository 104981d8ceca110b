// The layering lint (eslint.config.mjs) refuses imports across the boundaries the README's architecture draws, and
// the real tree passes it. The forbidden imports below are linted as virtual files at real paths, so the rule is
// judged on exactly what it would see in a commit.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { ESLint } from 'eslint';

const ROOT = resolve(__dirname, '..', '..');
const eslint = new ESLint({ cwd: ROOT });

/** The layering messages ESLint reports for `source` placed at `path` (relative to the repo root). */
async function layeringErrors(path: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(ROOT, path) });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering lint', () => {
  test('the dashboard may not import an engine module other than the wire contract', async () => {
    const errors = await layeringErrors('webview/leak.ts', "import type { TierStatus } from '../proxy/governance/ledger.js';\nexport type T = TierStatus;\n");
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /^import-x\/no-restricted-paths: .*the extension and the dashboard reach the engine only over HTTP\/WebSocket/);
  });

  test('the extension may not import engine code, even a value that would work', async () => {
    const errors = await layeringErrors('extension/leak.ts', "import { parseLogFilter } from '../proxy/logs/filters.js';\nexport const f = parseLogFilter;\n");
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /import its wire contract \(proxy\/api\/wire\)/);
  });

  test('the wire contract itself is what the extension and the dashboard import', async () => {
    const source = "import type { BudgetsJson } from '../proxy/api/wire/index.js';\nimport { proofMatches } from '../proxy/api/wire/identity.js';\nexport type B = BudgetsJson;\nexport const p = proofMatches;\n";
    assert.deepEqual(await layeringErrors('extension/reader.ts', source), []);
    assert.deepEqual(await layeringErrors('webview/reader.ts', source), []);
  });

  test('a provider may not reach storage or money', async () => {
    const store = await layeringErrors('proxy/providers/openai/leak.ts', "import type { Store } from '../../store/store.js';\nexport type S = Store;\n");
    assert.match(store.join('\n'), /providers translate and call upstreams; they know nothing of money/);
    const money = await layeringErrors('proxy/providers/openai/leak.ts', "import { formatUsd } from '../../pricing/money.js';\nexport const f = formatUsd;\n");
    assert.match(money.join('\n'), /they know nothing of money/);
  });

  test('the store may not import HTTP, pricing may not import logs, the wire may not import the domain', async () => {
    assert.match((await layeringErrors('proxy/store/leak.ts', "import { sendJson } from '../api/respond.js';\nexport const s = sendJson;\n")).join('\n'), /the store knows no HTTP/);
    assert.match((await layeringErrors('proxy/pricing/leak.ts', "import type { LogRecord } from '../logs/record.js';\nexport type R = LogRecord;\n")).join('\n'), /pricing is pure/);
    assert.match((await layeringErrors('proxy/api/wire/leak.ts', "import type { TierKind } from '../../config/types.js';\nexport type K = TierKind;\n")).join('\n'), /the wire contract imports nothing from the engine/);
  });

  test('the engine imports neither vscode nor the extension', async () => {
    assert.match((await layeringErrors('proxy/server/leak.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n")).join('\n'), /never import vscode/);
    assert.match((await layeringErrors('proxy/server/leak.ts', "import { activate } from '../../extension/extension.js';\nexport const a = activate;\n")).join('\n'), /the engine never imports the extension or the dashboard/);
  });

  test('the tree as committed lints clean', async () => {
    const results = await eslint.lintFiles(['proxy', 'extension', 'webview']);
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(ROOT.length + 1)}:${m.line} ${m.ruleId}: ${m.message}`));
    assert.deepEqual(problems, []);
    assert.ok(results.length > 100, `linted ${results.length} files`);
  });
});
