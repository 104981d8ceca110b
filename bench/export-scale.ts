// `node --import tsx bench/export-scale.ts [--rows N]`: a 1 M-row spend export through a spawned gateway on both
// stores — seed time, export time, the gateway's RSS growth, and a check of the totals. Results go in bench/RESULTS.md by hand.
import { parseArgs } from 'node:util';
import { seedTotals } from './export-seed.js';
import { runSeededExport } from '../test/export/export-run.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: 'string' } } });
  const rows = Number(values.rows ?? 1_000_000);
  const want = seedTotals(rows);
  for (const store of ['sqlite', 'postgres'] as const) {
    const run = await runSeededExport(store, rows);
    const exact =
      run.body.totals.requests === want.requests &&
      run.body.totals.cost_total_micros === want.costMicros &&
      run.body.totals.total_tokens === want.totalTokens &&
      run.body.groups.length === want.keyBranchGroups;
    process.stdout.write(
      `| ${store} | ${rows} | ${run.body.groups.length} | ${run.seedSeconds.toFixed(1)} | ${run.exportSeconds.toFixed(1)} | ${run.rssBeforeMiB.toFixed(0)} | ${run.rssGrowthMiB.toFixed(1)} | ${exact ? 'exact' : 'MISMATCH'} |\n`,
    );
    if (!exact) process.exitCode = 1;
  }
}

void main();
