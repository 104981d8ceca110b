// A 200 k-row export through a spawned gateway stays in bounded memory on both stores (1 M rows: bench/export-scale.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seedTotals } from '../../bench/export-seed.js';
import { runSeededExport } from './export-run.js';

const ROWS = 200_000;
/** Generous: the answer is a few thousand groups; the records summed never reach the gateway's heap. */
const MAX_RSS_GROWTH_MIB = 150;

for (const store of ['sqlite', 'postgres'] as const) {
  test(`a ${ROWS}-row export on the ${store} store streams its groups with RSS growth under ${MAX_RSS_GROWTH_MIB} MiB`, async () => {
    const run = await runSeededExport(store, ROWS);
    const want = seedTotals(ROWS);
    assert.ok(run.chunked, 'the response is chunked, written as it is read');
    assert.equal(run.body.groups.length, want.keyBranchGroups);
    assert.equal(run.body.totals.requests, want.requests);
    assert.equal(run.body.totals.missing_cost_requests, want.missingCost);
    assert.equal(run.body.totals.total_tokens, want.totalTokens);
    assert.equal(run.body.totals.cost_total_micros, want.costMicros);
    assert.ok(run.rssGrowthMiB < MAX_RSS_GROWTH_MIB, `RSS grew ${run.rssGrowthMiB.toFixed(1)} MiB during the export`);
    process.stderr.write(`[export-memory] ${store}: seed ${run.seedSeconds.toFixed(1)} s, export ${run.exportSeconds.toFixed(1)} s, RSS ${run.rssBeforeMiB.toFixed(0)} MiB + ${run.rssGrowthMiB.toFixed(1)} MiB\n`);
  });
}
