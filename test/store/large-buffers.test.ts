// The snapshot path's handling of database-sized buffers: written before the writer returns, freed on request.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { writeFileAtomicEagerly } from '../../proxy/store/atomic-file.js';
import { exposeGarbageCollector, fullGarbageCollector } from '../../proxy/store/collect-garbage.js';
import { releaseArrayBuffer } from '../../proxy/store/release-buffer.js';

const MIB = 1024 * 1024;

test('writeFileAtomicEagerly has the bytes in the file before it returns, then replaces the target durably', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'spendgate-atomic-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'image');
  const data = new Uint8Array(3 * MIB).fill(7);
  const durable = writeFileAtomicEagerly(path, data);
  // Changing (or freeing) the buffer once the call has returned must not change what is written.
  data.fill(9);
  await durable;
  const written = await readFile(path);
  assert.equal(written.length, 3 * MIB);
  assert.ok(written.every((b) => b === 7));
  assert.deepEqual(await readdir(dir), ['image'], 'no temporary file is left behind');
});

test('writeFileAtomicEagerly throws at once when its temporary file cannot be created', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'spendgate-atomic-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.throws(() => writeFileAtomicEagerly(join(dir, 'missing-dir', 'image'), new Uint8Array(8)), { code: 'ENOENT' });
});

test('releaseArrayBuffer detaches the buffer and frees its memory within a turn, without a GC', async () => {
  const before = process.memoryUsage().arrayBuffers;
  const image = new Uint8Array(64 * MIB).fill(1);
  assert.ok(process.memoryUsage().arrayBuffers - before >= 64 * MIB);
  releaseArrayBuffer(image.buffer);
  assert.equal(image.byteLength, 0, 'detached at once');
  for (let turn = 0; turn < 100 && process.memoryUsage().arrayBuffers - before >= 64 * MIB; turn++) await nextTurn();
  assert.ok(process.memoryUsage().arrayBuffers - before < 64 * MIB, 'the 64 MiB are freed');
});

test('fullGarbageCollector frees what a dropped copy of a database-sized buffer held, without a command-line flag', () => {
  exposeGarbageCollector();
  const collectGarbage = fullGarbageCollector();
  collectGarbage();
  const before = process.memoryUsage().arrayBuffers;
  // What sql.js does as its file grows: a copy 1/8 larger replaces the array, and the old one is unreachable.
  let file = new Uint8Array(32 * MIB).fill(1);
  const grown = new Uint8Array(36 * MIB);
  grown.set(file);
  file = grown;
  assert.ok(process.memoryUsage().arrayBuffers - before >= 68 * MIB, 'both generations are resident');
  collectGarbage();
  const resident = process.memoryUsage().arrayBuffers - before;
  assert.ok(resident >= 36 * MIB && resident < 40 * MIB, `only the live copy is left (${(resident / MIB).toFixed(1)} MiB)`);
  assert.equal(file[32 * MIB - 1], 1);
});
