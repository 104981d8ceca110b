// logging.capture_bodies: refused requests keep no body, kept bodies are cut at max_body_capture_bytes and marked.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { eventually, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { footprint, procAvailable } from './process-health.js';

const MiB = 1024 * 1024;
const CAP = 64 * 1024;

interface LogsPage {
  readonly logs: readonly {
    readonly request_id: string;
    readonly status: number;
    readonly request_body: string | null;
    readonly response_body: string | null;
    readonly request_body_truncated: boolean;
    readonly response_body_truncated: boolean;
  }[];
}

/** A valid Messages body of about `bytes` bytes (ASCII, so bytes and characters agree). */
function bigMessage(bytes: number): string {
  return JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 5, messages: [{ role: 'user', content: 'x'.repeat(bytes) }] });
}

async function dataDirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) total += (await stat(join(dir, name))).size;
  return total;
}

describe('captured bodies', () => {
  let upstream: TestUpstream;
  let gw: SpawnedGateway;

  before(async () => {
    upstream = await startAnthropicUpstream();
    gw = await spawnGateway({
      config: `accounts:
  - id: dev
    providers:
      - {id: claude, type: anthropic, model: claude-sonnet-4-20250514, base_url: "${upstream.url}", api_key: env.CAPTURE_UPSTREAM_KEY}
virtual_keys:
  - {id: dev-key, key: env.CAPTURE_VK}
budgets:
  virtual_key: [{id: dev-key, limit: 100, period: 1d}]
logging: {capture_bodies: true, max_body_capture_bytes: ${CAP}}
`,
      env: { CAPTURE_UPSTREAM_KEY: 'sk-ant-capture-upstream', CAPTURE_VK: 'vk-capture-secret' },
    });
  });

  after(async () => {
    await gw.stop();
    await upstream.close();
  });

  const post = (key: string, body: string) =>
    fetch(`${gw.url}/anthropic/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body });

  test('a request refused with 401 keeps no body in its record, however large it was', async () => {
    const res = await post('not-a-key', bigMessage(MiB));
    assert.equal(res.status, 401);
    const requestId = res.headers.get('x-request-id');
    await res.text();
    assert.ok(requestId);
    const page = await eventually(async () => {
      const p = await gw.api<LogsPage>(`/api/logs?request_id=${requestId}`);
      return p.logs.length > 0 ? p : undefined;
    }, 5_000, 'the refused request to be logged');
    assert.equal(page.logs[0].status, 401);
    // assert.ok, not equal: a failure must not print a megabyte of body.
    assert.ok(page.logs[0].request_body === null, 'no request body is kept');
    assert.ok(page.logs[0].response_body === null, 'no response body is kept');
  });

  test('an answered request keeps its body cut at max_body_capture_bytes and says it was cut', async () => {
    const res = await post('vk-capture-secret', bigMessage(CAP * 3));
    assert.equal(res.status, 200);
    const requestId = res.headers.get('x-request-id');
    await res.text();
    const page = await eventually(async () => {
      const p = await gw.api<LogsPage>(`/api/logs?request_id=${requestId}`);
      return p.logs.length > 0 ? p : undefined;
    }, 5_000, 'the answered request to be logged');
    const [log] = page.logs;
    assert.equal(log.status, 200);
    assert.ok(log.request_body !== null && log.request_body.length > 0);
    assert.ok(Buffer.byteLength(log.request_body) <= CAP, `stored ${Buffer.byteLength(log.request_body)} bytes`);
    assert.equal(log.request_body_truncated, true);
    assert.ok(log.response_body !== null && log.response_body.length > 0, 'the small answer is kept whole');
    assert.equal(log.response_body_truncated, false);
  });

  test('a hundred refused 1 MiB requests leave memory and the data directory bounded', async (t) => {
    if (!procAvailable()) return t.skip('needs /proc');
    const pid = gw.process.pid!;
    const rssBefore = (await footprint(pid)).rssKiB;
    const diskBefore = await dataDirBytes(gw.dataDir);
    const body = bigMessage(MiB);
    for (let i = 0; i < 100; i++) {
      const res = await post(`wrong-${i}`, body);
      assert.equal(res.status, 401);
      await res.text();
    }
    await eventually(async () => (await gw.api<{ pagination: { total_count: number } }>('/api/logs?status=401')).pagination.total_count >= 101, 10_000, 'the refusals to be logged');
    const rssGrowthMiB = ((await footprint(pid)).rssKiB - rssBefore) / 1024;
    const diskGrowthMiB = ((await dataDirBytes(gw.dataDir)) - diskBefore) / MiB;
    // 100 MiB of refused bodies went in; before the fix they all stayed (in the in-memory database and the journal).
    assert.ok(diskGrowthMiB < 5, `the data directory grew by ${diskGrowthMiB.toFixed(1)} MiB`);
    assert.ok(rssGrowthMiB < 80, `RSS grew by ${rssGrowthMiB.toFixed(0)} MiB`);
  });
});
