// Upstream faults end to end: refused connections, slow headers, slow drips, truncated bodies, resets mid-stream,
// 5xx storms and 429 bursts. The client gets a clear error (or the fallback's answer), usage the provider reported is
// charged, and a loop of faulty requests leaves the gateway's memory and descriptors where they were.
//
// The leak loop runs 500 faulty requests by default; SPENDGATE_FUZZ_RUNS above 1000 makes it 10,000.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { eventually, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { fuzzRuns } from '../fuzz/adversarial.js';
import { post, type Answer } from './http-client.js';
import { assertHealthy, footprint, procAvailable } from './process-health.js';

const MODEL = 'claude-sonnet-4-20250514';
/** $3 / $15 per million tokens: one input token is 3 micro-dollars, one output token 15. */
const INPUT_MICROS = 3;
const OUTPUT_MICROS = 15;
const LEAK_REQUESTS = fuzzRuns(0) > 1000 ? 10_000 : 500;

/** Bytes in the data dir's files (the sql.js snapshot and journal: the in-memory database's size on disk). */
async function storeBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(dir)) {
    const info = await stat(join(dir, name));
    if (info.isFile()) total += info.size;
  }
  return total;
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An upstream that promises a JSON body and drops the connection halfway through it. */
async function startTruncatingUpstream(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const partial = '{"id":"msg_trunc","type":"message","role":"assistant","content":[{"type":"text","text":"cut he';
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
      res.write(partial, () => res.socket?.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function provider(id: string, url: string, weight: number): string {
  return `      - id: ${id}
        type: anthropic
        model: ${MODEL}
        base_url: ${url}
        api_key: env.FAULT_UPSTREAM_KEY
        weight: ${weight}
`;
}

function config(urls: { faulty: string; backup: string; dead: string; truncating: string }): string {
  return `accounts:
  - id: main
    providers:
${provider('primary', urls.faulty, 1000000)}${provider('backup', urls.backup, 0.000001)}
  - id: solo
    providers:
${provider('solo', urls.faulty, 1)}
  - id: refused
    providers:
${provider('dead', urls.dead, 1000000)}${provider('refused-backup', urls.backup, 0.000001)}
  - id: dead-only
    providers:
${provider('dead-only', urls.dead, 1)}
  - id: truncated
    providers:
${provider('truncating', urls.truncating, 1)}
virtual_keys:
  - {id: k-main, account: main}
  - {id: k-solo, account: solo}
  - {id: k-refused, account: refused}
  - {id: k-dead, account: dead-only}
  - {id: k-trunc, account: truncated}
budgets:
  virtual_key:
    - {id: k-main, limit: 1000, period: 1d}
    - {id: k-solo, limit: 1000, period: 1d}
    - {id: k-refused, limit: 1000, period: 1d}
    - {id: k-dead, limit: 1000, period: 1d}
    - {id: k-trunc, limit: 1000, period: 1d}
pricing:
  ${MODEL}: {input: 3, output: 15}
routing:
  retries: 0
  fallback: true
  breaker: {failures: 1000000, cooldown_ms: 1}
  timeouts: {connect_ms: 1000, first_byte_ms: 400, idle_ms: 400}
`;
}

interface LogJson {
  request_id: string;
  provider_config_id: string | null;
  status: number;
  input_tokens: number;
  output_tokens: number;
  cost: { total: number } | null;
}

interface BudgetsJson {
  tiers: { tier: string; id: string; spent: number }[];
}

const body = (stream = false) => JSON.stringify({ model: MODEL, max_tokens: 64, stream, messages: [{ role: 'user', content: 'hello' }] });

describe('upstream faults', () => {
  let faulty: TestUpstream;
  let backup: TestUpstream;
  let truncating: { url: string; close(): Promise<void> };
  let gw: SpawnedGateway;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  const send = (key: string, stream = false): Promise<Answer> =>
    post(gw.url, '/anthropic/v1/messages', body(stream), { headers: { 'content-type': 'application/json', 'x-api-key': key }, agent });

  const logsOf = async (requestId: string): Promise<LogJson[]> =>
    (await gw.api<{ logs: LogJson[] }>(`/api/logs?request_id=${encodeURIComponent(requestId)}&limit=10`)).logs;

  const spentMicros = async (key: string): Promise<number> => {
    const tier = (await gw.api<BudgetsJson>('/api/budgets')).tiers.find((t) => t.tier === 'virtual_key' && t.id === key);
    assert.ok(tier, `a budget tier for ${key}`);
    return Math.round(tier.spent * 1e6);
  };

  function assertAnthropicError(answer: Answer, statuses: readonly number[]): { type: string; message: string } {
    assert.ok(statuses.includes(answer.status), `HTTP ${answer.status}: ${answer.body.toString()}`);
    const json = JSON.parse(answer.body.toString()) as { type: string; error: { type: string; message: string } };
    assert.equal(json.type, 'error');
    assert.ok(json.error.type.length > 0 && json.error.message.length > 0);
    return json.error;
  }

  before(async () => {
    faulty = await startAnthropicUpstream();
    backup = await startAnthropicUpstream();
    truncating = await startTruncatingUpstream();
    gw = await spawnGateway({
      config: config({ faulty: faulty.url, backup: backup.url, dead: `http://127.0.0.1:${await closedPort()}`, truncating: truncating.url }),
      env: { FAULT_UPSTREAM_KEY: 'sk-fault' },
    });
  });

  after(async () => {
    agent.destroy();
    assert.equal(await gw.stop(), 0);
    await Promise.all([faulty.close(), backup.close(), truncating.close()]);
  });

  test('connection refused: the fallback serves; with no fallback the client gets a clear 5xx in the Anthropic shape', async () => {
    backup.script({ text: 'backup answered', inputTokens: 10, outputTokens: 2 });
    const served = await send('k-refused');
    assert.equal(served.status, 200, served.body.toString());
    assert.match(served.body.toString(), /backup answered/);
    const requestId = String(served.headers['x-request-id']);
    const logs = await eventually(async () => {
      const found = await logsOf(requestId);
      return found.some((l) => l.status === 200) ? found : undefined;
    }, 5_000, 'the log of the fallback');
    const ok = logs.find((l) => l.status === 200)!;
    assert.equal(ok.provider_config_id, 'refused-backup');
    assert.equal(Math.round(ok.cost!.total * 1e6), 10 * INPUT_MICROS + 2 * OUTPUT_MICROS, 'the fallback usage is charged at the configured price');

    const failed = await send('k-dead');
    const error = assertAnthropicError(failed, [502, 503, 504]);
    assert.ok(['api_error', 'overloaded_error'].includes(error.type), error.type);
    assert.equal(await spentMicros('k-dead'), 0, 'nothing is charged for a request no provider answered');
  });

  test('slow headers beyond first_byte_ms: the primary is cut and the fallback serves', async () => {
    faulty.script({ latencyMs: 3_000, text: 'too late' });
    backup.script({ text: 'backup after slow primary', inputTokens: 7, outputTokens: 1 });
    const before = await spentMicros('k-main');
    const answer = await send('k-main');
    assert.equal(answer.status, 200, answer.body.toString());
    assert.match(answer.body.toString(), /backup after slow primary/);
    await eventually(async () => (await spentMicros('k-main')) - before === 7 * INPUT_MICROS + 1 * OUTPUT_MICROS, 5_000, 'the fallback charge');
  });

  test('slow headers on the only provider: a clear 504-class error, nothing charged', async () => {
    faulty.script({ latencyMs: 3_000 });
    const before = await spentMicros('k-solo');
    const error = assertAnthropicError(await send('k-solo'), [502, 503, 504]);
    assert.match(error.message, /time|first byte|slow|respond/i);
    assert.equal(await spentMicros('k-solo'), before);
  });

  test('a stream that stalls longer than idle_ms ends with an SSE error event and the reported input is charged', async () => {
    faulty.script({ text: 'one two three four five six', dripMs: 2_000, inputTokens: 40, outputTokens: 6 });
    const before = await spentMicros('k-solo');
    const answer = await send('k-solo', true);
    assert.equal(answer.status, 200);
    const text = answer.body.toString();
    assert.match(text, /event: message_start/);
    assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"[a-z_]+","message":/);
    assert.doesNotMatch(text, /message_stop/);
    // message_start reported 40 input tokens (and 1 output token so far): the provider billed at least that.
    await eventually(async () => (await spentMicros('k-solo')) - before >= 40 * INPUT_MICROS, 5_000, 'the charge for the reported input');
    const logs = await logsOf(String(answer.headers['x-request-id']));
    assert.ok(logs.some((l) => l.input_tokens === 40), JSON.stringify(logs));
  });

  test('a reset mid-stream ends with an SSE error event and the reported usage is charged', async () => {
    faulty.script({ text: 'a b c d e f g h', resetAfterEvents: 4, inputTokens: 25, outputTokens: 8 });
    const before = await spentMicros('k-solo');
    const answer = await send('k-solo', true);
    assert.equal(answer.status, 200);
    assert.match(answer.body.toString(), /event: error\n/);
    await eventually(async () => (await spentMicros('k-solo')) - before >= 25 * INPUT_MICROS, 5_000, 'the charge for the reported input');
  });

  test('a truncated JSON body is a clear 5xx, not a hang or a crash', async () => {
    const error = assertAnthropicError(await send('k-trunc'), [502, 503, 504]);
    assert.ok(error.message.length > 0);
    assert.equal(await spentMicros('k-trunc'), 0);
  });

  test('a 5xx storm: the single provider passes clear errors through; the pool falls back every time', async () => {
    faulty.setDefault({ status: 500, error: { type: 'api_error', message: 'storm' } });
    try {
      const solo = await Promise.all(Array.from({ length: 20 }, () => send('k-solo')));
      for (const answer of solo) assertAnthropicError(answer, [500, 502, 503]);
      backup.setDefault({ text: 'calm backup', inputTokens: 5, outputTokens: 1 });
      const pooled = await Promise.all(Array.from({ length: 20 }, () => send('k-main')));
      for (const answer of pooled) assert.equal(answer.status, 200, answer.body.toString());
    } finally {
      faulty.setDefault({});
      backup.setDefault({});
    }
  });

  test('a 429 burst: the client sees rate_limit_error with the upstream retry-after; the pool falls back', async () => {
    faulty.setDefault({ status: 429, error: { type: 'rate_limit_error', message: 'slow down' }, headers: { 'retry-after': '7' } });
    try {
      const solo = await Promise.all(Array.from({ length: 10 }, () => send('k-solo')));
      for (const answer of solo) {
        const error = assertAnthropicError(answer, [429]);
        assert.equal(error.type, 'rate_limit_error');
        assert.ok(Number(answer.headers['retry-after']) >= 1, `retry-after ${String(answer.headers['retry-after'])}`);
      }
      const pooled = await Promise.all(Array.from({ length: 10 }, () => send('k-main')));
      for (const answer of pooled) assert.equal(answer.status, 200, answer.body.toString());
    } finally {
      faulty.setDefault({});
    }
  });

  test(`${LEAK_REQUESTS} faulty requests leave the gateway's descriptors and memory where they were`, { skip: procAvailable() ? false : 'needs /proc' }, async () => {
    const pid = gw.process.pid!;
    const faults = [
      () => send('k-dead'),
      () => send('k-trunc'),
      () => {
        faulty.script({ status: 500, error: { type: 'api_error', message: 'boom' } });
        return send('k-solo');
      },
      () => {
        faulty.script({ text: 'a b c d e f', resetAfterEvents: 3 });
        return send('k-solo', true);
      },
      () => {
        faulty.script({ status: 429, error: { type: 'rate_limit_error', message: 'later' }, headers: { 'retry-after': '1' } });
        return send('k-solo');
      },
      () => send('k-refused'),
    ];
    const loop = async (count: number) => {
      let next = 0;
      const worker = async () => {
        while (next < count) {
          const i = next++;
          const answer = await faults[i % faults.length]();
          assert.ok(answer.status > 0);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    };
    await loop(60); // warm up pools, JIT and caches before measuring
    await sleep(500);
    const start = await footprint(pid);
    const storeStart = await storeBytes(gw.dataDir);
    await loop(LEAK_REQUESTS);
    agent.destroy();
    // Settle: idle upstream connections and sockets close; give the GC a moment.
    const end = await eventually(async () => {
      const now = await footprint(pid);
      return now.fds <= start.fds + 20 ? now : undefined;
    }, 15_000, 'open descriptors to settle');
    const storeGrowth = (await storeBytes(gw.dataDir)) - storeStart;
    console.log(
      `leak check: ${LEAK_REQUESTS} faulty requests; fds ${start.fds} → ${end.fds}, RSS ${(start.rssKiB / 1024).toFixed(1)} → ${(end.rssKiB / 1024).toFixed(1)} MiB, ` +
        `store files +${(storeGrowth / 1024 / 1024).toFixed(1)} MiB`,
    );
    assert.ok(end.fds <= start.fds + 20, `fds ${start.fds} → ${end.fds}`);
    assert.ok(end.rssKiB <= start.rssKiB + 64 * 1024, `RSS ${start.rssKiB} → ${end.rssKiB} KiB`);
    await assertHealthy(gw);
  });
});
