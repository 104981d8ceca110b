// A CPU profile of spendgate under load: a separate spendgate process started with --cpu-prof, driven at
// maximum throughput (JSON, then SSE), stopped cleanly so V8 writes the profile, then summarised.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summariseProfile, type ProfileSummary } from './cpu-profile.js';
import { runLoad } from './load.js';
import { requestBody, type RequestKind } from './plan.js';
import { startSpendgate } from './targets.js';

export interface ProfileRun {
  readonly summary: ProfileSummary;
  readonly profilePath: string;
  readonly requests: number;
}

/** Seconds of maximum-throughput load per phase: the one-word prompt as JSON and SSE, then the Claude Code request as JSON. */
export interface ProfilePhases {
  readonly json: number;
  readonly sse: number;
  readonly claudeCode?: number;
}

export async function profileSpendgate(upstream: string, seconds: ProfilePhases, progress: (line: string) => void): Promise<ProfileRun> {
  const dir = await mkdtemp(join(tmpdir(), 'spendgate-cpuprof-'));
  const sg = await startSpendgate({ upstream, virtualKeys: 10, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  let requests = 0;
  try {
    const phases: [boolean, RequestKind, number][] = [
      [false, 'word', seconds.json],
      [true, 'word', seconds.sse],
      [false, 'claude-code', seconds.claudeCode ?? 0],
    ];
    for (const [stream, request, durationS] of phases) {
      if (durationS <= 0) continue;
      progress(`profile: spendgate ${request === 'claude-code' ? 'cc-' : ''}${stream ? 'sse' : 'json'}@max ${durationS}s`);
      const r = await runLoad({ url: sg.messagesUrl, headers: sg.headers, body: requestBody(stream, request), connections: 32, durationS });
      requests += r.ok;
    }
  } finally {
    await sg.stop();
  }
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  // One profile per thread, named CPU.<date>.<time>.<pid>.<thread>.<seq>: the event loop is thread 0 (the embedded
  // store's database thread has its own).
  const main = files.find((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f));
  if (main === undefined) throw new Error(`no main-thread .cpuprofile in ${dir} (found ${files.join(', ') || 'none'})`);
  const profilePath = join(dir, main);
  return { summary: summariseProfile(profilePath), profilePath, requests };
}
