// A CPU profile of spendgate under load: a separate spendgate process started with --cpu-prof, driven at
// maximum throughput (JSON, then SSE), stopped cleanly so V8 writes the profile, then summarised.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summariseProfile, type ProfileSummary } from './cpu-profile.js';
import { runLoad } from './load.js';
import { requestBody } from './plan.js';
import { startSpendgate } from './targets.js';

export interface ProfileRun {
  readonly summary: ProfileSummary;
  readonly profilePath: string;
  readonly requests: number;
}

export async function profileSpendgate(upstream: string, seconds: { json: number; sse: number }, progress: (line: string) => void): Promise<ProfileRun> {
  const dir = await mkdtemp(join(tmpdir(), 'spendgate-cpuprof-'));
  const sg = await startSpendgate({ upstream, virtualKeys: 10, nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] });
  let requests = 0;
  try {
    for (const [stream, durationS] of [[false, seconds.json], [true, seconds.sse]] as const) {
      progress(`profile: spendgate ${stream ? 'sse' : 'json'}@max ${durationS}s`);
      const r = await runLoad({ url: sg.messagesUrl, headers: sg.headers, body: requestBody(stream), connections: 32, durationS });
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
