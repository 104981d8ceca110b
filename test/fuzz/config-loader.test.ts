// Property-based fuzzing of the config loader: loadConfigText(text, path) never throws, never hangs, never pollutes
// prototypes, and always answers a LoadResult whose problems carry a line, a column and a message.
//
// Runs 300 cases by default (a few seconds). The full run:
//   SPENDGATE_FUZZ_RUNS=100000 node --import tsx --test test/fuzz/config-loader.test.ts
// A failure prints its seed; SPENDGATE_FUZZ_SEED=<seed> replays it.
import { test } from 'node:test';
import { loadConfigText } from '../../proxy/config/load.js';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fuzzRuns, fuzzSeed } from './adversarial.js';
import { removeDir, tempDir } from '../harness/temp-dir.js';

/** A case that makes no progress for this long is a hang (a watchdog, not a timing assertion). */
const HANG_MS = 30_000;

interface ChildResult {
  readonly cases: number;
  readonly failed: boolean;
  readonly report: string;
}

test('the config loader answers every hostile text with a LoadResult (never throws, hangs or pollutes prototypes)', async () => {
  const runs = fuzzRuns(300);
  const seed = fuzzSeed();
  const dir = await tempDir('spendgate-fuzz-config-');
  const currentFile = join(dir, 'current.yaml');
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'config-loader-child.ts'), String(seed), String(runs), currentFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lastCase = 0;
  let result: ChildResult | undefined;
  let stderr = '';
  let hung = false;
  let watchdog = setTimeout(() => undefined, 0);
  const arm = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_MS);
  };
  arm();
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let nl: number;
    while ((nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (line.startsWith('case ')) {
        lastCase = Number(line.slice(5));
        arm();
      } else if (line.startsWith('result ')) result = JSON.parse(line.slice(7)) as ChildResult;
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (c, s) => resolve([c, s])));
  clearTimeout(watchdog);
  try {
    if (hung) {
      const text = await readFile(currentFile, 'utf8');
      assert.fail(`loader made no progress on case ${lastCase} (seed ${seed}) for ${HANG_MS} ms; the input (first 2000 chars):\n${text.slice(0, 2000)}`);
    }
    if (result === undefined) {
      const text = await readFile(currentFile, 'utf8').catch(() => '');
      assert.fail(`fuzz child died (code ${code}, signal ${signal}) on case ${lastCase}, seed ${seed}:\n${stderr.slice(-4000)}\ninput (first 2000 chars):\n${text.slice(0, 2000)}`);
    }
    console.log(`fuzz: ${result.cases} config-loader cases (seed ${seed}), ${result.failed ? 'FAILED' : '0 failures'}`);
    assert.equal(result.failed, false, `seed ${seed}:\n${result.report}`);
    assert.ok(result.cases >= runs);
  } finally {
    await removeDir(dir);
  }
});

test('a mapping nested 5000 levels deep is a problem at a line, not a thrown RangeError', () => {
  const text = `${Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')}\naccounts: []\n`;
  let result;
  assert.doesNotThrow(() => {
    result = loadConfigText(text, '/fuzz/bifrost.yaml');
  });
  assert.equal(result!.ok, false);
});

test('a flow sequence nested 100000 levels deep is a problem at a line, not a thrown RangeError', () => {
  const depth = 100_000;
  const result = loadConfigText(`accounts: ${'['.repeat(depth)}${']'.repeat(depth)}`, '/fuzz/bifrost.yaml');
  assert.equal(result.ok, false);
});

test('a deep flow sequence loaded after another file does not abort the process (V8 dies if the stack runs out while compiling a regexp)', async () => {
  const dir = await tempDir('spendgate-fuzz-config-seq-');
  try {
    const file = join(dir, 'texts.json');
    const depth = 5_000;
    await writeFile(file, JSON.stringify([': : :', `accounts: ${'['.repeat(depth)}${']'.repeat(depth)}`]));
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'config-sequence-child.ts'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (c, s) => resolve([c, s])));
    assert.equal(signal, null, `the loader process was killed by ${signal}: ${stderr.split('\n').find((l) => l.includes('FATAL')) ?? stderr.slice(0, 300)}`);
    assert.equal(code, 0, stderr.slice(0, 500));
    assert.deepEqual(stdout.trim().split('\n'), ['refused', 'refused']);
  } finally {
    await removeDir(dir);
  }
});
