// Policy change preview of an edited (possibly unsaved) bifrost.yaml against its committed version, through the
// engine's public interface: `spendgate diff HEAD --json` run in a private scratch repository holding both texts.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import type { PolicyPreviewJson } from '../proxy/api/wire/index.js';

export interface PreviewEngine {
  /** The runtime for the bundled CLI (the extension host's binary, run as Node). */
  readonly execPath: string;
  /** dist/proxy/cli.js */
  readonly cliPath: string;
  /** Where the CLI finds the running gateway for current spend: its port and data dir (admin token). */
  port(): number;
  readonly dataDir: string;
}

/** `spendgate diff --json` output (the engine's wire contract). */
export type PolicyPreview = PolicyPreviewJson;

export type PreviewOutcome =
  | { readonly kind: 'preview'; readonly preview: PolicyPreview }
  /** The file is not committed in a git repository: nothing to compare with. */
  | { readonly kind: 'untracked' }
  /** One side does not load (its problems already show in the Problems panel). */
  | { readonly kind: 'invalid'; readonly problems: readonly string[] };

const SCRATCH_FILE = 'bifrost.yaml';
const TIMEOUT_MS = 30_000;

function exec(file: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { ...options, timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
    });
  });
}

async function git(args: readonly string[], cwd: string): Promise<string> {
  const r = await exec('git', ['-c', 'core.hooksPath=/dev/null', '-c', 'commit.gpgsign=false', ...args], { cwd });
  if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.code}`}`);
  return r.stdout;
}

/** The file's text at HEAD, or undefined when it is not in a repository or not committed. */
export async function committedText(configPath: string): Promise<string | undefined> {
  let root: string;
  try {
    root = (await git(['rev-parse', '--show-toplevel'], dirname(configPath))).trim();
  } catch {
    return undefined;
  }
  const path = relative(root, configPath).split(sep).join('/');
  try {
    return await git(['show', `HEAD:${path}`], root);
  } catch {
    return undefined;
  }
}

/**
 * Runs previews one at a time in a scratch repository whose HEAD holds the committed text and whose
 * working tree holds the edited text; the CLI's `diff HEAD` then compares exactly those two.
 */
export class PolicyPreviewer {
  private scratch: Promise<string> | undefined;
  private base: string | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly engine: PreviewEngine) {}

  preview(configPath: string, editedText: string): Promise<PreviewOutcome> {
    const next = this.queue.then(() => this.run(configPath, editedText));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async dispose(): Promise<void> {
    const dir = await this.scratch?.catch(() => undefined);
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  private async run(configPath: string, editedText: string): Promise<PreviewOutcome> {
    const committed = await committedText(configPath);
    if (committed === undefined) return { kind: 'untracked' };
    this.scratch ??= this.createScratch();
    const dir = await this.scratch;
    const file = join(dir, SCRATCH_FILE);
    if (committed !== this.base) {
      await writeFile(file, committed);
      await git(['add', SCRATCH_FILE], dir);
      await git(['-c', 'user.name=spendgate', '-c', 'user.email=spendgate@localhost', 'commit', '-q', '--allow-empty', '-m', 'committed bifrost.yaml'], dir);
      this.base = committed;
    }
    await writeFile(file, editedText);
    const { execPath, cliPath, dataDir } = this.engine;
    const r = await exec(execPath, [cliPath, 'diff', 'HEAD', '--config', file, '--json', '--port', String(this.engine.port()), '--data-dir', dataDir], {
      cwd: dir,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    if (r.code === 1) return { kind: 'invalid', problems: r.stdout.split('\n').filter(Boolean) };
    if (r.code !== 0) throw new Error(`spendgate diff exited ${r.code}: ${(r.stdout + r.stderr).trim()}`);
    return { kind: 'preview', preview: JSON.parse(r.stdout) as PolicyPreview };
  }

  private async createScratch(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'spendgate-preview-'));
    await git(['init', '-q'], dir);
    return dir;
  }
}
