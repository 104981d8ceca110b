// Runs every test file under test/ with node's test runner on the tsx-loaded sources.
// SPENDGATE_TEST_FILTER=substring narrows the files; SPENDGATE_TEST_CONCURRENCY sets parallel files.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name.startsWith('.') ? [] : find(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
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
