// Runs the real Claude Code CLI (the devDependency's native binary) once, non-interactively, isolated and offline.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentEnvironment, runAgentProcess } from './agent-process.js';

/** The CLI the harness runs: `node_modules/.bin/claude` of this checkout. */
export const CLAUDE_CODE_BIN = join(__dirname, '..', '..', 'node_modules', '.bin', 'claude');

export interface ClaudeCodeRunOptions {
  /** Where Claude Code sends its API calls (`ANTHROPIC_BASE_URL`), e.g. a gateway or a loopback upstream. */
  readonly baseUrl: string;
  /** Sent as `x-api-key` (`ANTHROPIC_API_KEY`). */
  readonly apiKey: string;
  readonly prompt: string;
  /** `--model`; the CLI's own default when absent. */
  readonly model?: string;
  /** The session's working directory; a fresh empty temp dir when absent. */
  readonly cwd?: string;
  /** More CLI arguments, appended after the harness's own. */
  readonly extraArgs?: readonly string[];
  /** More environment variables; they win over the harness's. */
  readonly env?: Readonly<Record<string, string>>;
  /** The whole run is killed after this long; 60 s by default. */
  readonly timeoutMs?: number;
}

/** The fields of `--output-format json`'s result object that tests read; the CLI sends many more. */
export interface ClaudeCodeResult {
  readonly type: 'result';
  readonly subtype: string;
  readonly is_error: boolean;
  readonly result?: string;
  readonly total_cost_usd: number;
  readonly num_turns: number;
  readonly session_id: string;
  readonly stop_reason?: string | null;
  readonly api_error_status?: number | null;
  readonly usage?: Readonly<Record<string, unknown>>;
  readonly modelUsage?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly permission_denials?: readonly unknown[];
  readonly [field: string]: unknown;
}

export interface ClaudeCodeRun {
  /** The parsed result; undefined when stdout held no JSON result (a crash, a timeout, a refused flag). */
  readonly result: ClaudeCodeResult | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** The exit code; null when a signal ended the CLI. */
  readonly exitCode: number | null;
  readonly timedOut: boolean;
}

/**
 * Everything Claude Code may reach besides `ANTHROPIC_BASE_URL` turned off: the machine may be offline, and a run
 * must neither phone home nor wait on a network that is not there. `IS_SANDBOX=1` lets the permission bypass run as
 * root (the CLI refuses `--dangerously-skip-permissions` as root otherwise).
 */
const OFFLINE_ENV: Readonly<Record<string, string>> = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_ERROR_REPORTING: '1',
  CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: '1',
  DISABLE_COST_WARNINGS: '1',
  IS_SANDBOX: '1',
};

export function claudeCodeInstalled(): boolean {
  return existsSync(CLAUDE_CODE_BIN);
}

/** The installed `@anthropic-ai/claude-code` version, e.g. `2.1.332`. */
export function installedClaudeCodeVersion(): string {
  const manifest = join(__dirname, '..', '..', 'node_modules', '@anthropic-ai', 'claude-code', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

export async function runClaudeCode(options: ClaudeCodeRunOptions): Promise<ClaudeCodeRun> {
  const home = mkdtempSync(join(tmpdir(), 'spendgate-claude-home-'));
  const cwd = options.cwd ?? mkdtempSync(join(tmpdir(), 'spendgate-claude-cwd-'));
  const env = agentEnvironment({
    ...OFFLINE_ENV,
    HOME: home,
    CLAUDE_CONFIG_DIR: join(home, '.claude'),
    TMPDIR: tmpdir(),
    ANTHROPIC_BASE_URL: options.baseUrl,
    ANTHROPIC_API_KEY: options.apiKey,
    ...options.env,
  });
  const args = [
    '-p', options.prompt,
    '--output-format', 'json',
    '--dangerously-skip-permissions',
    '--no-session-persistence',
    ...(options.model === undefined ? [] : ['--model', options.model]),
    ...(options.extraArgs ?? []),
  ];
  try {
    const run = await runAgentProcess(CLAUDE_CODE_BIN, args, cwd, env, options.timeoutMs ?? 60_000);
    return { ...run, result: parseResult(run.stdout) };
  } finally {
    rmSync(home, { recursive: true, force: true });
    if (options.cwd === undefined) rmSync(cwd, { recursive: true, force: true });
  }
}

/** The last line of stdout that parses as a `type: "result"` object. */
function parseResult(stdout: string): ClaudeCodeResult | undefined {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'result') return value as ClaudeCodeResult;
    } catch {
      // Not the result line.
    }
  }
  return undefined;
}
