// What other users on the machine can reach: a planted admin token, loose file modes in the data dir, and passwords
// written into provider URLs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, chown, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { redactedConfig } from '../../proxy/api/config-view.js';
import { loadConfigText } from '../../proxy/config/load.js';
import { fourTierConfig } from '../harness/configs.js';
import { CLI, removeDir, spawnGateway, tempDir } from '../harness/gateway.js';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const PASSWORD = 's3cret-PLANTED-pw';

const mode = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;

test('serve refuses an admin-token file owned by another user, naming the file', { skip: !asRoot && 'needs root to chown' }, async () => {
  const dataDir = await tempDir();
  try {
    const file = join(dataDir, 'admin-token');
    await writeFile(file, `${'a'.repeat(43)}\n`, { mode: 0o600 });
    await chown(file, NOBODY, NOBODY);
    // A gateway that does start anyway is stopped at once, so the failure is reported instead of hanging the file.
    const refusal = await spawnGateway({ config: fourTierConfig('http://127.0.0.1:9'), dataDir }).then(
      async (gw) => void (await gw.stop()),
      (err: Error) => err,
    );
    assert.ok(refusal, 'serve must not start with an admin token another user owns');
    assert.match(refusal.message, /exited with 1 before listening/);
    assert.ok(refusal.message.includes(`refusing the admin token file ${file}: it belongs to uid ${NOBODY}`), refusal.message);
  } finally {
    await removeDir(dataDir);
  }
});

test('an admin-token file and a journal with group and other permissions are 0600 as soon as the gateway runs', async () => {
  const dataDir = await tempDir();
  const token = join(dataDir, 'admin-token');
  const journal = join(dataDir, 'journal.ndjson');
  await writeFile(token, `${'b'.repeat(43)}\n`);
  await writeFile(journal, '');
  await chmod(token, 0o644);
  await chmod(journal, 0o644);
  const gw = await spawnGateway({ config: fourTierConfig('http://127.0.0.1:9'), dataDir });
  try {
    assert.equal(gw.adminToken, 'b'.repeat(43), 'the existing token is reused');
    assert.equal((await mode(token)).toString(8), '600');
    assert.equal((await mode(journal)).toString(8), '600', 'tightened at start, not at shutdown');
  } finally {
    await gw.stop();
    await removeDir(dataDir);
  }
});

test('spendgate check refuses a base_url carrying user:password@ at its line and column, without printing the password', async () => {
  const dir = await tempDir();
  try {
    const file = join(dir, 'bifrost.yaml');
    await writeFile(file, fourTierConfig(`https://user:${PASSWORD}@api.anthropic.com`));
    const result = await promisify(execFile)(process.execPath, [CLI, 'check', '--config', file]).then(
      () => ({ code: 0, out: '' }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, out: err.stdout + err.stderr }),
    );
    assert.equal(result.code, 1);
    assert.match(result.out, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7:19: accounts\\[0\\]\\.providers\\[0\\]\\.base_url: a URL must not carry user:password@`, 'm'));
    assert.ok(!result.out.includes(PASSWORD), 'the password is not echoed');
  } finally {
    await removeDir(dir);
  }
});

test('/api/config redacts user:password@ in provider URLs and the store URL, even a password containing @', () => {
  const loaded = loadConfigText(fourTierConfig('https://api.anthropic.com'), 'bifrost.yaml');
  assert.ok(loaded.ok);
  const config = loaded.config;
  const planted = {
    ...config,
    accounts: config.accounts.map((a) => ({
      ...a,
      providers: a.providers.map((p) => ({ ...p, baseUrl: `https://u:${PASSWORD}@api.anthropic.com/v1`, endpoint: `https://u:${PASSWORD}@x@bedrock.example` })),
    })),
    store: { ...config.store, url: `postgres://app:${PASSWORD}@db.example/spend` },
  };
  const view = JSON.stringify(redactedConfig(planted));
  assert.ok(!view.includes(PASSWORD), view);
  assert.ok(!view.includes('x@bedrock'), 'a password with @ in it is redacted whole');
  assert.ok(view.includes('https://[redacted]@api.anthropic.com/v1'));
  assert.ok(view.includes('postgres://[redacted]@db.example/spend'));
});
