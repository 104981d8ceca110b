// What a spawned gateway looks like from outside: alive or not, problems in its event log, memory and open descriptors.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import assert from 'node:assert/strict';
import type { SpawnedGateway } from '../harness/gateway.js';

/** Lines of the gateway's output that report a bug: JSON events at level error or named unhandled, and raw crash text. */
export function problemLines(output: readonly string[], allowedEvents: readonly string[] = []): string[] {
  return output.filter((line) => {
    const trimmed = line.trim();
    if (trimmed.startsWith('{')) {
      try {
        const event = JSON.parse(trimmed) as { level?: unknown; event?: unknown };
        if (typeof event.event === 'string' && allowedEvents.includes(event.event)) return false;
        return event.level === 'error' || event.level === 'fatal' || (typeof event.event === 'string' && /unhandled|uncaught/i.test(event.event));
      } catch {
        return true;
      }
    }
    return /Unhandled|Uncaught|RangeError|TypeError|ReferenceError|FATAL|Maximum call stack/.test(trimmed);
  });
}

export interface HealthOptions {
  /** Events that are expected at level error in this test (e.g. `config_rejected`). */
  readonly allowedEvents?: readonly string[];
  /** Only look at output lines from this index on (what one test produced). */
  readonly fromLine?: number;
}

/** The gateway is still running, /health answers 200, and its log shows no error-level events. */
export async function assertHealthy(gw: SpawnedGateway, options: HealthOptions = {}): Promise<void> {
  assert.equal(gw.process.exitCode, null, `the gateway exited:\n${gw.output.slice(-30).join('\n')}`);
  assert.equal(gw.process.signalCode, null, 'the gateway was killed by a signal');
  const health = await fetch(`${gw.url}/health`);
  assert.equal(health.status, 200);
  await health.arrayBuffer();
  const problems = problemLines(gw.output.slice(options.fromLine ?? 0), options.allowedEvents);
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} error lines in the gateway's log`);
}

export interface ProcessFootprint {
  /** Resident set size in KiB (VmRSS of /proc/<pid>/status). */
  readonly rssKiB: number;
  /** Open file descriptors (entries of /proc/<pid>/fd). */
  readonly fds: number;
}

export async function footprint(pid: number): Promise<ProcessFootprint> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rss = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!rss) throw new Error(`no VmRSS in /proc/${pid}/status`);
  const fds = await readdir(`/proc/${pid}/fd`);
  return { rssKiB: Number(rss[1]), fds: fds.length };
}

/** Whether /proc describes processes here (Linux); the leak checks need it. */
export function procAvailable(): boolean {
  return existsSync(`/proc/${process.pid}/status`);
}
