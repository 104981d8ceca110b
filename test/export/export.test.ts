// The spend export over both stores: request validation, exact sums per group, RFC 4180 quoting of hostile tag values.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { exportText } from '../../proxy/export/format.js';
import { parseExportRequest, type ExportRequest } from '../../proxy/export/request.js';
import { LogFilterError } from '../../proxy/logs/filters.js';
import type { LogRecord } from '../../proxy/logs/record.js';
import { logStats } from '../../proxy/logs/stats.js';
import { statsJson } from '../../proxy/api/stats-view.js';
import { openStore } from '../../proxy/store/open.js';
import type { Store } from '../../proxy/store/store.js';
import { removeDir, tempDir } from '../harness/gateway.js';
import { logRecord } from '../store/records.js';
import { createSchema, type TestSchema } from '../store/pg-schema.js';
import { csvObjects } from './csv.js';

const HOSTILE = ['a,b', 'say "hi"', 'two\nlines', 'cr\rlf\r\n', '=SUM(A1)', ' padded ', 'TOTAL', 'ünïcode ✓', ''];
const DAY = 86_400_000;
const T0 = Date.UTC(2025, 5, 15);

/** Records spread over three UTC days with every hostile branch value, some unpriced, some without a team. */
function records(): LogRecord[] {
  return Array.from({ length: 60 }, (_, n) => {
    const base = logRecord(n);
    const unpriced = n % 7 === 3;
    return {
      ...base,
      id: `export-${n}`,
      timestamp: T0 + (n % 3) * DAY + n * 1000,
      teamId: n % 5 === 0 ? undefined : base.teamId ?? 'platform',
      tags: n % 11 === 0 ? undefined : { branch: HOSTILE[n % HOSTILE.length] },
      cacheWrite1hTokens: 40 + n,
      cost: unpriced ? null : { input: 3000 + n, output: 3000, cacheRead: 1500, cacheWrite5m: 375, cacheWrite1h: 160 + n, total: 3000 + n + 3000 + 1500 + 375 + 160 + n },
      missingCost: unpriced,
    };
  });
}

async function collect(store: Store, req: ExportRequest): Promise<string> {
  let text = '';
  for await (const piece of exportText(store, req)) text += piece;
  return text;
}

const request = (query: string): ExportRequest => parseExportRequest(new URLSearchParams(query));

describe('export request validation', () => {
  test('a date range is whole UTC days with --to inclusive; a timestamp is exact', () => {
    const r = request('from=2025-01-01&to=2025-01-31&group_by=team');
    assert.equal(r.from, Date.UTC(2025, 0, 1));
    assert.equal(r.to, Date.UTC(2025, 1, 1) - 1);
    assert.equal(r.format, 'csv');
    const t = request('from=2025-01-01T06:00:00Z&to=2025-01-01T07:00:00.5%2B01:00&group_by=team,tag:branch&format=json');
    assert.equal(t.to - t.from, 500);
    assert.deepEqual(t.groupBy, [{ kind: 'team' }, { kind: 'tag', tag: 'branch' }]);
  });

  test('bad parameters are refused naming the parameter', () => {
    const cases: [string, string][] = [
      ['to=2025-01-31&group_by=team', 'from'],
      ['from=2025-01-01&group_by=team', 'to'],
      ['from=2025-02-30&to=2025-03-01&group_by=team', 'from'],
      ['from=yesterday&to=2025-03-01&group_by=team', 'from'],
      ['from=2025-01-01T00:00:00&to=2025-03-01&group_by=team', 'from'],
      ['from=2025-03-02&to=2025-03-01&group_by=team', 'to'],
      ['from=2025-01-01&to=2025-01-02', 'group_by'],
      ['from=2025-01-01&to=2025-01-02&group_by=team,colour', 'group_by'],
      ['from=2025-01-01&to=2025-01-02&group_by=team,team', 'group_by'],
      ['from=2025-01-01&to=2025-01-02&group_by=tag:', 'group_by'],
      ['from=2025-01-01&to=2025-01-02&group_by=team&format=xlsx', 'format'],
      ['from=2025-01-01&to=2025-01-02&group_by=team&groupby=model', 'groupby'],
    ];
    for (const [query, parameter] of cases) {
      assert.throws(() => request(query), (err: unknown) => err instanceof LogFilterError && err.parameter === parameter && err.status === 400, query);
    }
  });
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`export on the ${dialect} store`, () => {
    let store: Store;
    let dir: string;
    let schema: TestSchema | undefined;
    const all = records();

    before(async () => {
      dir = await tempDir();
      schema = dialect === 'postgres' ? await createSchema() : undefined;
      store = await openStore({ dataDir: dir, url: schema?.url });
      await store.commit({ charges: [], logs: all });
    });

    after(async () => {
      await store.close();
      await schema?.drop();
      await removeDir(dir);
    });

    test('hostile tag values survive CSV quoting exactly, and every group sums its records', async () => {
      const text = await collect(store, request('from=2025-06-15&to=2025-06-17&group_by=tag:branch,team'));
      const rows = csvObjects(text);
      assert.ok(text.startsWith('tag:branch,team,requests,missing_cost_requests,input_tokens,'), text.slice(0, 200));
      // An empty field is a record without the tag or with an empty value (two rows CSV cannot tell apart; JSON
      // can), so the rows are summed per (branch, team) text before comparing.
      const sums = new Map<string, number[]>();
      for (const row of rows) {
        const key = JSON.stringify([row['tag:branch'], row.team]);
        const s = sums.get(key) ?? [0, 0, 0, 0, 0];
        const values = [row.requests, row.missing_cost_requests, row.cache_write_1h_tokens, row.cost_total_micros].map(Number);
        sums.set(key, [...values.map((v, i) => s[i] + v), s[4] + Math.round(Number(row.cost_total_usd) * 1e6)]);
      }
      for (const [key, [requests, missing, w1h, micros, usdMicros]] of sums) {
        const [branch, team] = JSON.parse(key) as [string, string];
        const mine = all.filter((r) => (r.tags?.branch ?? '') === branch && (r.teamId ?? '') === team);
        assert.equal(requests, mine.length, key);
        assert.equal(missing, mine.filter((r) => r.missingCost).length);
        assert.equal(w1h, mine.reduce((s, r) => s + r.cacheWrite1hTokens, 0));
        assert.equal(micros, mine.reduce((s, r) => s + (r.cost?.total ?? 0), 0));
        assert.equal(usdMicros, micros);
      }
      const seen = new Set(rows.map((r) => r['tag:branch']));
      for (const v of HOSTILE) assert.ok(seen.has(v), `branch ${JSON.stringify(v)} is a row`);
      assert.equal(rows.reduce((s, r) => s + Number(r.requests), 0), all.length);
    });

    test('JSON totals equal /api/logs/stats over the same range, and tell a missing tag (null) from an empty one', async () => {
      const req = request('from=2025-06-15&to=2025-06-17&group_by=tag:branch&format=json');
      const body = JSON.parse(await collect(store, req)) as {
        from: string;
        to: string;
        group_by: string[];
        groups: { group: Record<string, string | null>; requests: number }[];
        totals: Record<string, number>;
      };
      assert.equal(body.from, '2025-06-15T00:00:00.000Z');
      assert.equal(body.to, '2025-06-17T23:59:59.999Z');
      assert.deepEqual(body.group_by, ['tag:branch']);
      const stats = statsJson(await logStats(store, { filter: { startTime: req.from, endTime: req.to }, interval: 'day' }));
      assert.equal(body.totals.requests, stats.totals.total_requests);
      assert.equal(body.totals.total_tokens, stats.totals.total_tokens);
      assert.equal(body.totals.cost_total_usd, stats.totals.total_cost);
      const items = ['input', 'output', 'cache_read', 'cache_write_5m', 'cache_write_1h'].reduce((s, c) => s + body.totals[`cost_${c}_micros`], 0);
      assert.equal(items, body.totals.cost_total_micros, `the items add up to the total: ${JSON.stringify(body.totals)}`);
      assert.ok(body.groups.some((g) => g.group['tag:branch'] === null));
      assert.ok(body.groups.some((g) => g.group['tag:branch'] === ''));
    });

    test('a range with no records is a header only (CSV) and zero totals (JSON)', async () => {
      assert.equal((await collect(store, request('from=2020-01-01&to=2020-01-02&group_by=model'))).split('\r\n').length, 2);
      const body = JSON.parse(await collect(store, request('from=2020-01-01&to=2020-01-02&group_by=model&format=json'))) as { groups: unknown[]; totals: { requests: number } };
      assert.deepEqual(body.groups, []);
      assert.equal(body.totals.requests, 0);
    });
  });
}

test('both stores export the same text, row for row, in the same order', async () => {
  const texts: string[] = [];
  for (const url of [undefined, 'pg'] as const) {
    const dir = await tempDir();
    const schema = url === 'pg' ? await createSchema() : undefined;
    const store = await openStore({ dataDir: dir, url: schema?.url });
    try {
      await store.commit({ charges: [], logs: records() });
      texts.push(await collect(store, request('from=2025-06-15&to=2025-06-17&group_by=team,tag:branch,model,provider,provider_config,virtual_key,customer')));
    } finally {
      await store.close();
      await schema?.drop();
      await removeDir(dir);
    }
  }
  assert.equal(texts[0], texts[1]);
});
