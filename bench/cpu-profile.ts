// Reads a V8 .cpuprofile (node --cpu-prof) and lists the functions with the most self time, mapped back to
// TypeScript sources through the bundle's source map where one exists.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { relative, resolve } from 'node:path';
import { SourceMapIndex } from './source-map.js';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface HotFunction {
  readonly name: string;
  /** `file:line` of the function, in the TypeScript source when the bundle's map resolves it. */
  readonly location: string;
  readonly selfMs: number;
  /** Share of all sampled time, 0..1. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Share of time the process was idle (waiting in the event loop). */
  readonly idleShare: number;
  /** Share spent in garbage collection. */
  readonly gcShare: number;
  readonly top: readonly HotFunction[];
  /** Self time grouped by source area (proxy/api, proxy/logs, node_modules/undici, node internals…). */
  readonly byArea: readonly { readonly area: string; readonly selfMs: number; readonly share: number }[];
}

const ROOT = resolve(__dirname, '..');

function areaOf(location: string): string {
  if (location.startsWith('node:')) return 'node internals';
  if (location.startsWith('(')) return location;
  const parts = location.split('/');
  if (parts[0] === 'node_modules') return parts[1].startsWith('@') ? `node_modules/${parts[1]}/${parts[2]}` : `node_modules/${parts[1]}`;
  if (parts[0] === 'proxy' && parts.length > 2) return `proxy/${parts[1]}`;
  return parts.slice(0, -1).join('/') || location;
}

export function summariseProfile(path: string, topN = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const maps = new Map<string, SourceMapIndex | null>();
  const locate = (frame: CallFrame): string => {
    if (frame.url === '') return `(${frame.functionName || 'native'})`;
    if (frame.url.startsWith('node:')) return `${frame.url}:${frame.lineNumber + 1}`;
    const file = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
    let map = maps.get(file);
    if (map === undefined) {
      map = existsSync(`${file}.map`) ? SourceMapIndex.read(`${file}.map`) : null;
      maps.set(file, map);
    }
    const original = map?.lookup(frame.lineNumber, frame.columnNumber);
    if (original) return `${relative(ROOT, original.source)}:${original.line + 1}`;
    return `${relative(ROOT, file)}:${frame.lineNumber + 1}`;
  };

  const byKey = new Map<string, { name: string; location: string; us: number }>();
  let totalUs = 0;
  let idleUs = 0;
  let gcUs = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (us === 0) continue;
    totalUs += us;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') idleUs += us;
    if (name === '(garbage collector)') gcUs += us;
    const location = locate(node.callFrame);
    const key = `${name}@${location}`;
    const entry = byKey.get(key) ?? { name, location, us: 0 };
    entry.us += us;
    byKey.set(key, entry);
  }
  const busyUs = Math.max(1, totalUs - idleUs);
  const ranked = [...byKey.values()].filter((e) => e.name !== '(idle)').sort((a, b) => b.us - a.us);
  const areas = new Map<string, number>();
  for (const e of ranked) areas.set(areaOf(e.location), (areas.get(areaOf(e.location)) ?? 0) + e.us);
  return {
    totalMs: totalUs / 1000,
    idleShare: idleUs / Math.max(1, totalUs),
    gcShare: gcUs / busyUs,
    top: ranked.slice(0, topN).map((e) => ({ name: e.name, location: e.location, selfMs: e.us / 1000, share: e.us / busyUs })),
    byArea: [...areas.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, selfMs: us / 1000, share: us / busyUs })),
  };
}
