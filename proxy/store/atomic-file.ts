// Replace a file so that a crash leaves either the old or the new contents, never a mix.
import { closeSync, fsync, openSync, rmSync, writeSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { promisify } from 'node:util';

const fsyncFd = promisify(fsync);

function temporarySibling(path: string): string {
  return `${path}.tmp-${process.pid}`;
}

/** Write to a temporary sibling, fsync it, rename it over `path`, then fsync the directory. */
export async function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o600): Promise<void> {
  const tmp = temporarySibling(path);
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  await rename(tmp, path);
  await syncDirectory(dirname(path));
}

/**
 * `writeFileAtomic` for a large buffer the caller wants to free at once: the bytes are in the temporary sibling
 * before this returns, so `data` is not referenced afterwards and may be released (release-buffer.ts); the fsyncs
 * and the rename follow in the returned promise.
 */
export function writeFileAtomicEagerly(path: string, data: Uint8Array, mode = 0o600): Promise<void> {
  const tmp = temporarySibling(path);
  const fd = openSync(tmp, 'w', mode);
  try {
    for (let at = 0; at < data.byteLength; ) at += writeSync(fd, data, at, data.byteLength - at);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  return (async () => {
    try {
      await fsyncFd(fd);
    } catch (err) {
      closeSync(fd);
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    closeSync(fd);
    await rename(tmp, path);
    await syncDirectory(dirname(path));
  })();
}

/** Make a rename durable. Some platforms cannot open directories; the rename is still atomic there. */
async function syncDirectory(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw err;
  } finally {
    await fh.close();
  }
}
