// Runs a coding agent's CLI (Claude Code, Codex) to completion in its own process group, with a deadline: the
// commands its tools start die with it, and a test runner dying mid-run does not orphan it.
import { spawn } from 'node:child_process';

export interface AgentProcessRun {
  readonly stdout: string;
  readonly stderr: string;
  /** The exit code; null when a signal ended the CLI. */
  readonly exitCode: number | null;
  readonly timedOut: boolean;
}

/** The only parts of the caller's environment an agent gets; proxies, tokens and cloud credentials never are. */
const INHERITED = ['PATH', 'LANG', 'LC_ALL', 'TZ'] as const;

/** The inherited variables with `own` on top: the whole environment of an agent run. */
export function agentEnvironment(own: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return Object.assign(env, own);
}

export function runAgentProcess(bin: string, args: readonly string[], cwd: string, env: Record<string, string>, timeoutMs: number): Promise<AgentProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const killGroup = () => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    process.once('exit', killGroup);
    child.once('error', (error) => {
      clearTimeout(timer);
      process.off('exit', killGroup);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      process.off('exit', killGroup);
      killGroup();
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), exitCode: code, timedOut });
    });
  });
}
