// One export of a seeded store through a spawned gateway's GET /api/export, with the gateway's RSS growth measured.
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { seedEmbedded, seedPostgres, SEED_FROM, SEED_DAYS } from '../../bench/export-seed.js';
import { fourTierConfig } from '../harness/configs.js';
import { removeDir, spawnGateway, tempDir } from '../harness/gateway.js';
import { createSchema } from '../store/pg-schema.js';

export interface ExportRun {
  readonly seedSeconds: number;
  readonly exportSeconds: number;
  /** Peak resident set during the export minus the resident set just before it, in MiB. */
  readonly rssGrowthMiB: number;
  readonly rssBeforeMiB: number;
  readonly chunked: boolean;
  readonly body: { readonly groups: unknown[]; readonly totals: Record<string, number> };
}

async function statusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]);
}

/**
 * Seeds `count` rows, starts a gateway on them, resets its peak-RSS mark (Linux: `5` to /proc/PID/clear_refs), runs
 * the export grouped by virtual_key and tag:branch over the whole seeded year, and reads the peak back.
 */
export async function runSeededExport(store: 'sqlite' | 'postgres', count: number): Promise<ExportRun> {
  const dir = await tempDir();
  const schema = store === 'postgres' ? await createSchema() : undefined;
  const t0 = performance.now();
  if (store === 'sqlite') await seedEmbedded(dir, count);
  const gw = await spawnGateway({
    // Retention would prune a year-old seed at start-up, and a record cap below the seed would drop most of it.
    config: fourTierConfig('http://127.0.0.1:9', { logging: { retention_days: 36500, max_records: Math.max(count, 50_000) } }),
    dataDir: dir,
    args: schema ? ['--store', schema.url] : [],
    env: { TEST_ANTHROPIC_KEY: 'unused' },
  });
  try {
    if (schema) await seedPostgres(schema.url, count);
    const seedSeconds = (performance.now() - t0) / 1000;
    const pid = gw.process.pid;
    if (pid === undefined) throw new Error('the gateway has no pid');
    // Let start-up work (snapshot, backfill) settle so it is not counted as the export's.
    await new Promise((r) => setTimeout(r, 1_000));
    const before = await statusKiB(pid, 'VmRSS');
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    const to = new Date(SEED_FROM + (SEED_DAYS - 1) * 86_400_000).toISOString().slice(0, 10);
    const t1 = performance.now();
    const res = await fetch(`${gw.url}/api/export?from=2024-01-01&to=${to}&group_by=virtual_key,tag:branch&format=json`, {
      headers: { authorization: `Bearer ${gw.adminToken}` },
    });
    const text = await res.text();
    const exportSeconds = (performance.now() - t1) / 1000;
    if (res.status !== 200) throw new Error(`export: HTTP ${res.status} ${text}`);
    const peak = await statusKiB(pid, 'VmHWM');
    return {
      seedSeconds,
      exportSeconds,
      rssGrowthMiB: (peak - before) / 1024,
      rssBeforeMiB: before / 1024,
      chunked: res.headers.get('transfer-encoding') === 'chunked',
      body: JSON.parse(text) as ExportRun['body'],
    };
  } finally {
    await gw.stop();
    await schema?.drop();
    await removeDir(dir);
  }
}
