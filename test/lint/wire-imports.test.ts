// The extension and the dashboard import nothing of the engine but its wire contract (proxy/api/wire): read from
// their sources, independently of the lint, so a lint misconfiguration cannot hide a leak.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const WIRE = join(ROOT, 'proxy', 'api', 'wire');
const ENGINE = join(ROOT, 'proxy');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

// Every static import or re-export (type-only included) and every dynamic import with a literal specifier.
const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

test('every engine module the extension and the dashboard import lies in proxy/api/wire', () => {
  const reached: string[] = [];
  const leaks: string[] = [];
  for (const file of [...sources(join(ROOT, 'extension')), ...sources(join(ROOT, 'webview'))]) {
    for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const specifier = m[1] ?? m[2] ?? m[3];
      if (!specifier.startsWith('.')) continue;
      const target = resolve(dirname(file), specifier);
      if (!target.startsWith(ENGINE + '/')) continue;
      reached.push(target);
      if (!target.startsWith(WIRE + '/')) leaks.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)}`);
    }
  }
  assert.deepEqual(leaks, []);
  assert.ok(reached.length > 10, 'the scan found the wire imports it expects');
});

test('the wire contract imports nothing of the engine but itself', () => {
  const outside: string[] = [];
  for (const file of sources(WIRE)) {
    for (const m of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const specifier = m[1] ?? m[2] ?? m[3];
      if (specifier.startsWith('node:')) continue;
      const target = specifier.startsWith('.') ? resolve(dirname(file), specifier) : specifier;
      if (!target.startsWith(WIRE + '/')) outside.push(`${relative(ROOT, file)} imports ${specifier}`);
    }
  }
  assert.deepEqual(outside, []);
});
