// Watches the config file and reloads it when its content changes (docs/configuration.md: a valid edit applies within 1 s).
import { createHash } from 'node:crypto';
import { readFileSync, unwatchFile, watch, watchFile, type FSWatcher, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { loadReplacementConfigBytes, unreadableConfig } from './load.js';
import type { LoadResult } from './types.js';

export interface WatchOptions {
  /** Quiet time after the last file event before reloading; editors write in bursts. */
  readonly debounceMs?: number;
}

export interface ConfigWatcher {
  close(): void;
}

const DEFAULT_DEBOUNCE_MS = 150;
/** Polling backs up fs.watch, which misses events on some file systems (network mounts, containers). */
const POLL_INTERVAL_MS = 500;

function digest(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function readHashSync(path: string): string | undefined {
  try {
    return digest(readFileSync(path));
  } catch {
    // No file yet: the first content that appears counts as a change.
    return undefined;
  }
}

/**
 * Calls `onChange` with the load result each time the file's content changes (valid or not).
 * Watches the folder rather than the file so that editors that save by renaming a new file into
 * place are still seen. A vanished file is reported once, as a load failure.
 */
export function watchConfig(path: string, onChange: (result: LoadResult) => void, opts: WatchOptions = {}): ConfigWatcher {
  const file = resolve(path);
  const name = basename(file);
  const debounceMs = opts.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  let lastHash: string | undefined = readHashSync(file);
  let reportedUnreadable = false;
  let timer: NodeJS.Timeout | undefined;
  let reloading = false;
  let again = false;
  let closed = false;

  const reload = async (): Promise<void> => {
    if (reloading) {
      again = true;
      return;
    }
    reloading = true;
    try {
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (err) {
        if (closed) return;
        lastHash = undefined;
        if (reportedUnreadable) return;
        reportedUnreadable = true;
        onChange(unreadableConfig(err));
        return;
      }
      if (closed) return;
      reportedUnreadable = false;
      const hash = digest(bytes);
      if (hash === lastHash) return;
      lastHash = hash;
      onChange(loadReplacementConfigBytes(bytes, file));
    } finally {
      reloading = false;
      if (again && !closed) {
        again = false;
        schedule();
      }
    }
  };

  function schedule(): void {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      void reload();
    }, debounceMs);
  }

  let folderWatcher: FSWatcher | undefined;
  try {
    folderWatcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
      if (changed === null || changed === name) schedule();
    });
    // A folder that disappears or a watcher the OS revokes leaves polling in charge.
    folderWatcher.on('error', () => {
      folderWatcher?.close();
      folderWatcher = undefined;
    });
  } catch {
    // fs.watch is unsupported here (or the folder is missing): polling alone still sees edits.
    folderWatcher = undefined;
  }
  const poll = (current: Stats, previous: Stats): void => {
    if (current.mtimeMs !== previous.mtimeMs || current.size !== previous.size || current.ino !== previous.ino) schedule();
  };
  watchFile(file, { interval: POLL_INTERVAL_MS, persistent: false }, poll);

  return {
    close(): void {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      folderWatcher?.close();
      unwatchFile(file, poll);
    },
  };
}
