// The admin token for management routes: random, mode 0600 in the data dir, reused across restarts.
import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, writeFile, chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** This process's uid, or undefined where there is none (Windows: ownership is not checked there). */
const myUid = (): number | undefined => process.getuid?.();

/**
 * A file or directory another user owns could be read or replaced by them (and the token file is also the key
 * of the extension's identity proof), so the engine refuses it rather than adopt it.
 */
function refuseForeignOwner(path: string, what: string, ownerUid: number): void {
  const uid = myUid();
  if (uid === undefined || ownerUid === uid) return;
  throw new Error(`refusing ${what} ${path}: it belongs to uid ${ownerUid}, not to this user (uid ${uid}), who could read or replace the admin token; remove it or give it to this user`);
}

export async function ensureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  refuseForeignOwner(dataDir, 'the data dir', (await stat(dataDir)).uid);
  await chmod(dataDir, 0o700);
}

export async function loadOrCreateAdminToken(dataDir: string): Promise<string> {
  const file = join(dataDir, 'admin-token');
  let fh;
  try {
    // O_NOFOLLOW: a symlink planted in place of the token could point anywhere; the checks below are on the opened
    // file itself (fstat), so nothing can be swapped in between checking and reading.
    fh = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new Error(`refusing the admin token file ${file}: it is a symbolic link; remove it`);
    if (code !== 'ENOENT') throw err;
  }
  if (fh) {
    try {
      const info = await fh.stat();
      if (!info.isFile()) throw new Error(`refusing the admin token file ${file}: it is not a regular file; remove it`);
      refuseForeignOwner(file, 'the admin token file', info.uid);
      // Group or other bits (a copy, a restore, a umask): tighten before the token is read and used.
      if ((info.mode & 0o077) !== 0) await fh.chmod(0o600);
      const existing = (await fh.readFile('utf8')).trim();
      if (/^[A-Za-z0-9_-]{32,}$/.test(existing)) return existing;
    } finally {
      await fh.close();
    }
  }
  const token = randomBytes(32).toString('base64url');
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return token;
}

/** Constant-time equality of two secrets (compares digests, so lengths leak nothing). */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
