// Runs every test file under test/ with node's test runner on the tsx-loaded sources.
// SPENDGATE_TEST_FILTER=substring narrows the files; SPENDGATE_TEST_CONCURRENCY sets parallel files.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name.startsWith('.') ? [] : find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

// The browser suites need Debian's chromium and the extension suites a cached code-server; the
// installer is idempotent (instant when cached, ~1.5 minutes on a fresh machine).
const setup = spawnSync('bash', ['test/extension/install-code-server.sh'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (setup.status !== 0) {
  console.error('test setup failed: test/extension/install-code-server.sh could not install chromium and code-server');
  process.exit(1);
}

const filter = process.env.SPENDGATE_TEST_FILTER ?? '';
const files = find('test').filter((f) => f.includes(filter)).sort();
const concurrency = process.env.SPENDGATE_TEST_CONCURRENCY ?? '3';
const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...files],
  { stdio: 'inherit' },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
