// Runs the real Codex CLI (the `@openai/codex` devDependency's native binary) once with `codex exec`, isolated and
// offline: a temp CODEX_HOME whose config.toml points a `spendgate` model provider at the given base URL.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentEnvironment, runAgentProcess, type AgentProcessRun } from './agent-process.js';
import { CODEX_KEY_ENV, codexConfigBlock } from '../../extension/codex-config.js';

/** The CLI the harness runs: `node_modules/.bin/codex` of this checkout. */
export const CODEX_BIN = join(__dirname, '..', '..', 'node_modules', '.bin', 'codex');

export type CodexSandbox = 'read-only' | 'workspace-write' | 'danger-full-access';

export interface CodexRunOptions {
  /** The provider's `base_url`: a gateway's `…/openai/v1`, or a loopback upstream. */
  readonly baseUrl: string;
  /** The virtual key, handed to Codex in the block's `env_key` variable (sent as `Authorization: Bearer`). */
  readonly apiKey: string;
  readonly prompt: string;
  readonly model: string;
  /** Where shell commands may write; `workspace-write` by default. */
  readonly sandbox?: CodexSandbox;
  /** The session's working directory; a fresh empty temp dir when absent. */
  readonly cwd?: string;
  /** The provider's `stream_max_retries` (how often Codex reconnects after a failed turn); Codex's default (5) when absent. */
  readonly streamMaxRetries?: number;
  /** The whole run is killed after this long; 90 s by default. */
  readonly timeoutMs?: number;
}

export interface CodexRun extends AgentProcessRun {
  /** The agent's last message (`--output-last-message`); undefined when the run produced none. */
  readonly lastMessage: string | undefined;
}

export function codexInstalled(): boolean {
  return existsSync(CODEX_BIN);
}

/** The installed `@openai/codex` version, e.g. `0.171.0`. */
export function installedCodexVersion(): string {
  const manifest = join(__dirname, '..', '..', 'node_modules', '@openai', 'codex', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/**
 * The config.toml of a run: the block the extension's "Copy Codex config" copies (so the e2e tests prove that block
 * works), after the settings a non-interactive test run needs — no approvals (nobody can answer them), the sandbox,
 * and the update check, analytics and feedback off so nothing but the provider is contacted.
 */
export function codexConfig(options: Pick<CodexRunOptions, 'baseUrl' | 'sandbox' | 'streamMaxRetries'>): string {
  const retries = options.streamMaxRetries === undefined ? '' : `stream_max_retries = ${options.streamMaxRetries}\n`;
  return `approval_policy = "never"
sandbox_mode = "${options.sandbox ?? 'workspace-write'}"
check_for_update_on_startup = false

${codexConfigBlock(options.baseUrl)}${retries}
[analytics]
enabled = false

[feedback]
enabled = false
`;
}

export async function runCodex(options: CodexRunOptions): Promise<CodexRun> {
  const home = mkdtempSync(join(tmpdir(), 'spendgate-codex-home-'));
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'spendgate-codex-cwd-'));
  writeFileSync(join(home, 'config.toml'), codexConfig(options));
  const lastMessageFile = join(home, 'last-message.txt');
  const env = agentEnvironment({ HOME: home, CODEX_HOME: home, TMPDIR: tmpdir(), [CODEX_KEY_ENV]: options.apiKey });
  // --strict-config: a key this Codex version no longer knows fails the run instead of being ignored.
  const args = ['exec', '--strict-config', '--skip-git-repo-check', '--ephemeral', '--color', 'never', '-m', options.model, '-o', lastMessageFile, options.prompt];
  try {
    const run = await runAgentProcess(CODEX_BIN, args, cwd, env, options.timeoutMs ?? 90_000);
    return { ...run, lastMessage: existsSync(lastMessageFile) ? readFileSync(lastMessageFile, 'utf8') : undefined };
  } finally {
    rmSync(home, { recursive: true, force: true });
    if (options.cwd === undefined) rmSync(cwd, { recursive: true, force: true });
  }
}
