// Which branch a workspace is on, read from .git/HEAD text (no git binary), and which repository it is.
import { readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';

/** `ref: refs/heads/feature/x` → `feature/x`; a detached HEAD (a commit id) → `detached@<first 7>`. */
export function branchFromHead(text: string): string | undefined {
  const head = text.trim();
  const ref = /^ref:\s*(\S+)$/.exec(head);
  if (ref) return ref[1].replace(/^refs\/heads\//, '');
  if (/^[0-9a-f]{40}([0-9a-f]{24})?$/i.test(head)) return `detached@${head.slice(0, 7).toLowerCase()}`;
  return undefined;
}

/**
 * The git directory of a working tree: `<folder>/.git` when it is a directory, or the `gitdir:` a
 * `.git` file points at (worktrees, submodules). Undefined when the folder is not a repository root.
 */
export function resolveGitDir(folder: string): string | undefined {
  const dotGit = join(folder, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const pointer = /^gitdir:\s*(.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    if (!pointer) return undefined;
    const target = pointer[1].trim();
    return isAbsolute(target) ? target : resolve(folder, target);
  } catch {
    return undefined;
  }
}

/** The branch checked out in a git directory, or undefined when HEAD is unreadable. */
export function readBranch(gitDir: string): string | undefined {
  try {
    return branchFromHead(readFileSync(join(gitDir, 'HEAD'), 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * A remote URL as `host/owner/name`, without scheme, credentials or `.git`:
 * `https://user:token@github.com/a/b.git` and `git@github.com:a/b.git` → `github.com/a/b`.
 */
export function remoteName(url: string): string | undefined {
  const text = url.trim();
  const scp = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/.exec(text);
  let host: string;
  let path: string;
  if (scp && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    [, host, path] = scp;
  } else {
    try {
      const parsed = new URL(text);
      host = parsed.host;
      path = parsed.pathname;
    } catch {
      return undefined;
    }
  }
  const clean = path.replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '');
  return clean ? (host ? `${host}/${clean}` : clean) : undefined;
}

/** The `origin` remote's URL (else the first remote's) from a git config file's text. */
export function originUrl(configText: string): string | undefined {
  const remotes: { name: string; url: string }[] = [];
  let current: string | undefined;
  for (const line of configText.split(/\r?\n/)) {
    const section = /^\s*\[\s*remote\s+"([^"]+)"\s*\]\s*$/.exec(line);
    if (section) {
      current = section[1];
      continue;
    }
    if (/^\s*\[/.test(line)) {
      current = undefined;
      continue;
    }
    const url = /^\s*url\s*=\s*(.+?)\s*$/.exec(line);
    if (current !== undefined && url) remotes.push({ name: current, url: url[1] });
  }
  return (remotes.find((r) => r.name === 'origin') ?? remotes[0])?.url;
}

/** The repository's name for attribution: its origin remote, else the folder name. */
export function repositoryName(folder: string, gitDir: string | undefined): string {
  if (gitDir) {
    // A worktree's gitdir holds `commondir` pointing at the main repository's directory, where `config` lives.
    let common = gitDir;
    try {
      common = resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
    } catch {
      // not a linked worktree
    }
    try {
      const url = originUrl(readFileSync(join(common, 'config'), 'utf8'));
      const name = url === undefined ? undefined : remoteName(url);
      if (name) return name;
    } catch {
      // no config: fall back to the folder
    }
  }
  return basename(folder);
}
