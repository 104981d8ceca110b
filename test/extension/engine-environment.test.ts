// The environment the extension starts the engine with: Electron run as Node, and on Linux glibc told to give
// large freed buffers back (docs/configuration.md, logging), checked in the spawned engine's own environment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineProcess, engineEnvironment } from '../../extension/engine-process.js';
import { CLI, removeDir, tempDir } from '../harness/gateway.js';

const THRESHOLD = 'glibc.malloc.mmap_threshold=131072';

test('on Linux the engine gets the malloc threshold; a user setting or another platform is left alone', () => {
  assert.deepEqual(engineEnvironment({ PATH: '/usr/bin' }, 'linux'), { PATH: '/usr/bin', ELECTRON_RUN_AS_NODE: '1', GLIBC_TUNABLES: THRESHOLD });
  assert.equal(engineEnvironment({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }, 'linux').GLIBC_TUNABLES, `glibc.malloc.arena_max=2:${THRESHOLD}`);
  const own = 'glibc.malloc.mmap_threshold=65536';
  assert.equal(engineEnvironment({ GLIBC_TUNABLES: own }, 'linux').GLIBC_TUNABLES, own);
  assert.equal(engineEnvironment({ MALLOC_MMAP_THRESHOLD_: '262144' }, 'linux').GLIBC_TUNABLES, undefined);
  assert.deepEqual(engineEnvironment({ PATH: 'C:\\Windows' }, 'win32'), { PATH: 'C:\\Windows', ELECTRON_RUN_AS_NODE: '1' });
});

test('the engine the extension spawns runs with that environment', { skip: process.platform !== 'linux' && 'reads /proc' }, async (t) => {
  const dir = await tempDir('spendgate-engine-env-');
  t.after(() => removeDir(dir));
  const configPath = join(dir, 'bifrost.yaml');
  await writeFile(configPath, 'accounts: []\n');
  const lines: string[] = [];
  const ready = new Promise<number>((resolve, reject) => {
    const engine = new EngineProcess(
      { cliPath: CLI, configPath, port: 0, dataDir: join(dir, 'data'), execPath: process.execPath },
      {
        onLine: (line) => lines.push(line),
        onReady: (_url, pid) => resolve(pid),
        onCrash: (code) => reject(new Error(`the engine exited with ${code}:\n${lines.join('\n')}`)),
      },
    );
    t.after(() => engine.stop());
    engine.start();
  });
  const pid = await ready;
  const environ = (await readFile(`/proc/${pid}/environ`, 'latin1')).split('\0');
  assert.ok(environ.includes(`GLIBC_TUNABLES=${THRESHOLD}`), `GLIBC_TUNABLES in ${environ.filter((e) => e.startsWith('GLIBC')).join(', ') || 'nothing'}`);
  assert.ok(environ.includes('ELECTRON_RUN_AS_NODE=1'));
});
