// `npm run bench -- --baseline REF`: builds another revision of spendgate (git archive of REF, this checkout's
// node_modules, its own build.mjs) into a cached directory, so the bench can run it as a second gateway target in the
// same rounds as the current build: before and after on the same machine, in the same run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

export interface BaselineBuild {
  /** The ref as given and the commit it names. */
  readonly ref: string;
  readonly commit: string;
  /** The revision's built CLI. */
  readonly cli: string;
}

function git(args: readonly string[]): string {
  return execFileSync('git', [...args], { cwd: ROOT, encoding: 'utf8' }).trim();
}

/** Builds REF once per commit (kept under the temp dir) and returns its CLI. */
export function buildBaseline(ref: string, progress: (line: string) => void): BaselineBuild {
  const commit = git(['rev-parse', '--verify', `${ref}^{commit}`]);
  const dir = join(tmpdir(), `spendgate-bench-baseline-${commit.slice(0, 12)}`);
  const cli = join(dir, 'dist', 'proxy', 'cli.js');
  if (existsSync(cli)) {
    progress(`baseline ${ref} (${commit.slice(0, 12)}) already built in ${dir}`);
    return { ref, commit, cli };
  }
  progress(`building baseline ${ref} (${commit.slice(0, 12)}) in ${dir}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // git archive writes the tree without touching this checkout's index, branches or worktree list.
  execFileSync('sh', ['-c', `git -C "$0" archive "$1" | tar -x -C "$2"`, ROOT, commit, dir], { stdio: 'inherit' });
  // The dependencies it needs are this checkout's (a baseline with a different lockfile may need `npm ci` there).
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  execFileSync(process.execPath, ['build.mjs'], { cwd: dir, stdio: 'inherit' });
  if (!existsSync(cli)) throw new Error(`building ${ref} did not produce ${cli}`);
  return { ref, commit, cli };
}
