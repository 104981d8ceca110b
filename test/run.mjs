// Runs the test files under test/ with node's test runner on the tsx-loaded sources, by tier.
//
//   node test/run.mjs                       every tier (what `npm test` runs after the build and the typecheck)
//   node test/run.mjs --tier unit           no build, no browser, no code-server (`npm run test:unit`)
//   node test/run.mjs --tier e2e            only the files that need the built CLI, chromium or code-server
//   node test/run.mjs --screenshots         the suites that take the README's screenshots, writing into docs/
//   node test/run.mjs --list                prints each selected file's tier and why, runs nothing
//
// A file's tier is decided by what it needs, read from the code rather than a hand-kept list: a test module that
// spawns dist/proxy/cli.js, launches chromium or runs code-server carries a line `// tier: e2e — <why>`, and every
// test file whose own text or whose test-local value imports (followed transitively; `import type` is erased by
// tsx and needs nothing) reach such a line is e2e. Everything else is unit. So a new test that calls spawnGateway
// is e2e without anyone remembering to say so.
//
// SPENDGATE_TEST_FILTER=substring narrows the files; SPENDGATE_TEST_CONCURRENCY sets parallel files.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const TEST_ROOT = resolve('test');
const MARKER = /^\/\/ tier: e2e\b(.*)$/m;
// The module every screenshot-taking suite imports; `--screenshots` selects the files that reach it.
const SCREENSHOTS_MODULE = join(TEST_ROOT, 'harness', 'screenshots.ts');

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name.startsWith('.') ? [] : find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

// Static value imports and re-exports (`import {…} from './x.js'`, `export {…} from`, `import './x.js'`) and
// dynamic `import('./x.js')`, relative specifiers only. An `import type …` is skipped: it never runs.
const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]|\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** The test-local module a relative specifier names (sources are .ts, imported as .js), or undefined outside test/. */
function resolveLocal(from, specifier) {
  const path = resolve(dirname(from), specifier);
  if (!path.startsWith(TEST_ROOT + '/')) return undefined; // proxy/, extension/, webview/ sources never spawn a build or a browser
  for (const candidate of [path.replace(/\.js$/, '.ts'), path, `${path}.ts`, join(path, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const texts = new Map();
const read = (path) => {
  if (!texts.has(path)) texts.set(path, readFileSync(path, 'utf8'));
  return texts.get(path);
};

/** Every test-local module `file` runs, itself included. */
function closure(file) {
  const seen = new Set([file]);
  const queue = [file];
  while (queue.length > 0) {
    const current = queue.pop();
    for (const m of read(current).matchAll(IMPORT)) {
      const target = resolveLocal(current, m[1] ?? m[2]);
      if (target && !seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  return seen;
}

/** The file's tier and, for e2e, the module whose marker put it there and why. */
function classify(file) {
  const modules = closure(file);
  for (const module of [file, ...[...modules].filter((m) => m !== file).sort()]) {
    const marker = MARKER.exec(read(module));
    if (marker) return { file, tier: 'e2e', because: `${relative(TEST_ROOT, module)}${marker[1]}`, modules };
  }
  return { file, tier: 'unit', because: '', modules };
}

const { values } = parseArgs({
  options: {
    tier: { type: 'string' },
    screenshots: { type: 'boolean', default: false },
    list: { type: 'boolean', default: false },
  },
});
if (values.tier !== undefined && values.tier !== 'unit' && values.tier !== 'e2e') {
  console.error(`--tier must be unit or e2e, not ${values.tier}`);
  process.exit(2);
}

const filter = process.env.SPENDGATE_TEST_FILTER ?? '';
const all = find(TEST_ROOT)
  .filter((f) => relative(process.cwd(), f).includes(filter))
  .sort()
  .map(classify);

const chosen = all.filter((c) => {
  if (values.screenshots) return c.modules.has(SCREENSHOTS_MODULE);
  return values.tier === undefined || c.tier === values.tier;
});
if (chosen.length === 0) {
  console.error('no test files selected');
  process.exit(1);
}
if (values.list) {
  for (const c of chosen) console.log(`${c.tier.padEnd(4)}  ${relative(process.cwd(), c.file)}${c.because ? `  (${c.because})` : ''}`);
  process.exit(0);
}

// The browser suites need Debian's chromium and the extension suites a cached code-server; the installer is
// idempotent (instant when cached, ~1.5 minutes on a fresh machine). The unit tier needs neither.
if (chosen.some((c) => c.tier === 'e2e')) {
  const setup = spawnSync('bash', ['test/extension/install-code-server.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (setup.status !== 0) {
    console.error('test setup failed: test/extension/install-code-server.sh could not install chromium and code-server');
    process.exit(1);
  }
}

// Screenshots go to docs/ (tracked, shown in the README) only when asked; otherwise to the ignored test-output/.
const env = values.screenshots ? { ...process.env, SPENDGATE_UPDATE_SCREENSHOTS: '1' } : process.env;
const concurrency = process.env.SPENDGATE_TEST_CONCURRENCY ?? '3';
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...chosen.map((c) => relative(process.cwd(), c.file))],
  { stdio: 'inherit', env },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
