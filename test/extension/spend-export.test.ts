// "Download CSV" in VS Code without the workbench: the webview's export message is validated, and the host fetches the
// CSV from a real engine with the admin token, names the file as the engine does and counts its rows.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { EngineApiError, EngineClient } from '../../extension/engine-client.js';
import { fetchSpendExport, savedMessage } from '../../extension/spend-export-file.js';
import { isApiRoute } from '../../proxy/api/wire/index.js';
import { parseWebviewMessage } from '../../webview/protocol.js';
import { csvDataRows, exportSearch, fileNameFromDisposition } from '../../webview/spend-export.js';
import { fourTierConfig } from '../harness/configs.js';
import { eventually, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { csvObjects } from '../export/csv.js';

const query = { from: '2025-01-01T00:00:00.000Z', to: '2025-01-02T12:00:00.000Z', group_by: 'tag:branch' };

test('the webview may ask for an export only with a from, a to and a group_by, all strings', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'export', id: 7, query }, isApiRoute), { type: 'export', id: 7, query });
  assert.deepEqual(parseWebviewMessage({ type: 'export', id: 7, query: { ...query, extra: 'x' } }, isApiRoute), { type: 'export', id: 7, query }, 'extra fields are dropped');
  for (const bad of [{ ...query, from: 1 }, { ...query, to: '' }, { from: query.from, to: query.to }, null, 'from=x']) {
    assert.equal(parseWebviewMessage({ type: 'export', id: 7, query: bad }, isApiRoute), undefined, JSON.stringify(bad));
  }
  assert.equal(parseWebviewMessage({ type: 'export', id: 1.5, query }, isApiRoute), undefined, 'ids are integers');
});

test('the export is always asked for as CSV, whatever the query object carries', () => {
  assert.equal(exportSearch({ ...query, format: 'json' } as typeof query), 'from=2025-01-01T00%3A00%3A00.000Z&to=2025-01-02T12%3A00%3A00.000Z&group_by=tag%3Abranch&format=csv');
});

test('the file is named by content-disposition, never with a path, and has a name even without the header', () => {
  assert.equal(fileNameFromDisposition('attachment; filename="spendgate-export-2025-01-01-2025-01-02.csv"'), 'spendgate-export-2025-01-01-2025-01-02.csv');
  assert.equal(fileNameFromDisposition('attachment; filename=plain.csv; size=3'), 'plain.csv');
  assert.equal(fileNameFromDisposition('attachment; filename="../../.bashrc"'), '.bashrc');
  assert.equal(fileNameFromDisposition('attachment; filename="..\\\\evil.csv"'), 'evil.csv');
  assert.equal(fileNameFromDisposition('attachment; filename=".."'), 'spendgate-export.csv');
  assert.equal(fileNameFromDisposition(null), 'spendgate-export.csv');
});

test('rows are CSV records after the header: a quoted line break is not a row', () => {
  assert.equal(csvDataRows(''), 0);
  assert.equal(csvDataRows('a,b\r\n'), 0);
  assert.equal(csvDataRows('a,b\r\n1,2\r\n"x\r\ny","say ""hi"""\r\n'), 2);
  assert.equal(csvDataRows('a,b\r\n1,2'), 1, 'a last record without CRLF');
  assert.equal(savedMessage(1, '/tmp/a.csv'), 'Saved 1 row to /tmp/a.csv');
  assert.equal(savedMessage(3, '/tmp/a.csv'), 'Saved 3 rows to /tmp/a.csv');
});

describe('the host fetches the export from a real engine', () => {
  let upstream: TestUpstream;
  let gw: SpawnedGateway;

  before(async () => {
    upstream = await startAnthropicUpstream();
    gw = await spawnGateway({ config: fourTierConfig(upstream.url), env: { TEST_ANTHROPIC_KEY: 'sk-ant-upstream' } });
    for (const branch of ['main', 'feature/x', 'main']) {
      upstream.script({ text: 'ok', inputTokens: 1000, outputTokens: 100 });
      const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'staging-key', 'anthropic-version': '2023-06-01', 'x-spendgate-tags': `branch=${branch}` },
        body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    await eventually(async () => (await gw.api<{ pagination: { total_count: number } }>('/api/logs')).pagination.total_count === 3 || undefined, 5_000, 'three records');
  });

  after(async () => {
    await gw?.stop();
    await upstream?.close();
  });

  test("with the admin token: the API's CSV unchanged, the engine's file name and the row count", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const range = { from: `${today}T00:00:00Z`, to: new Date(Date.now() + 60_000).toISOString(), group_by: 'tag:branch' };
    const file = await fetchSpendExport(new EngineClient(gw.url, gw.adminToken), range);
    assert.equal(file.fileName, `spendgate-export-${today}-${range.to.slice(0, 10)}.csv`);
    const direct = await fetch(`${gw.url}/api/export?${exportSearch(range)}`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
    assert.equal(file.text, await direct.text());
    const rows = csvObjects(file.text);
    assert.equal(file.rows, rows.length);
    assert.deepEqual(rows.map((r) => [r['tag:branch'], r.requests, r.cost_total_micros]), [['feature/x', '1', '4500'], ['main', '2', '9000']]);
  });

  test("the engine's 400 reaches the webview as its own message; a wrong token is a 401", async () => {
    const client = new EngineClient(gw.url, gw.adminToken);
    await assert.rejects(fetchSpendExport(client, { ...query, group_by: 'colour' }), (err: unknown) => err instanceof EngineApiError && err.status === 400 && /invalid group_by: unknown group "colour"/.test(err.message));
    await assert.rejects(fetchSpendExport(new EngineClient(gw.url, 'not-the-token'), query), (err: unknown) => err instanceof EngineApiError && err.status === 401);
  });
});
