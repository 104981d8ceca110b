// The README's credential-free quick start, followed as written: the demo config served against the loopback
// Anthropic stand-in, the README's own curl request, then `spendgate status` showing what it cost.
// tier: e2e — spawns dist/proxy/cli.js (npm run build).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAnthropicUpstream, type TestUpstream } from '../upstreams/anthropic.js';
import { spawnGateway, removeDir, tempDir, type SpawnedGateway } from '../harness/gateway.js';
import { spendgate } from '../harness/cli.js';
import { eventually } from '../harness/eventually.js';

const ROOT = join(__dirname, '..', '..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const DEMO_CONFIG = readFileSync(join(ROOT, 'examples', 'demo', 'bifrost.yaml'), 'utf8');
/** Where examples/demo/bifrost.yaml expects the stand-in; the test's stand-in listens on a free port instead. */
const STAND_IN_URL = 'http://127.0.0.1:18089';

/** The quick start's section of the README, up to the next subsection. */
function quickStart(): string {
  const start = README.indexOf('### Try it without any credentials');
  assert.ok(start >= 0, 'the README has a credential-free quick start');
  const end = README.indexOf('\n### ', start + 1);
  return README.slice(start, end < 0 ? undefined : end);
}

interface CurlRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** The quick start's curl command: its path on the gateway, its -H headers and its -d body. */
function readmeCurl(section: string): CurlRequest {
  const command = /```sh\n(curl[\s\S]*?)\n```/.exec(section)?.[1]?.replace(/\\\n\s*/g, ' ');
  assert.ok(command, 'the quick start shows a curl request');
  const url = /curl -s (http:\/\/127\.0\.0\.1:8080(\/\S+))/.exec(command);
  assert.ok(url, `a gateway URL in: ${command}`);
  const headers = Object.fromEntries([...command.matchAll(/-H '([^:']+): ([^']*)'/g)].map((m) => [m[1].toLowerCase(), m[2]]));
  const body = /-d '([^']*)'/.exec(command)?.[1];
  assert.ok(body, 'the curl request has a body');
  return { path: url[2], headers, body };
}

let standIn: TestUpstream;
let gw: SpawnedGateway;
let home: string;

before(async () => {
  assert.equal(DEMO_CONFIG.split(STAND_IN_URL).length, 2, `examples/demo/bifrost.yaml names the stand-in at ${STAND_IN_URL} once`);
  standIn = await startAnthropicUpstream();
  home = await tempDir();
  gw = await spawnGateway({ config: DEMO_CONFIG.replace(STAND_IN_URL, standIn.url), dataDir: home });
});

after(async () => {
  await gw?.stop();
  await standIn?.close();
  if (home) await removeDir(home);
});

test('package.json runs the demo the README starts with', () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.match(quickStart(), /npm ci\nnpm run demo /);
  assert.match(scripts.demo, /examples\/demo\/run\.ts/);
  assert.match(readFileSync(join(ROOT, 'examples', 'demo', 'run.ts'), 'utf8'), /'examples', 'demo', 'bifrost\.yaml'/);
});

test('the README\'s request through the demo config is answered, and spendgate status shows what it cost', async () => {
  const curl = readmeCurl(quickStart());
  const res = await fetch(`${gw.url}${curl.path}`, { method: 'POST', headers: curl.headers, body: curl.body });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assert.equal((JSON.parse(text) as { type: string }).type, 'message');

  const [record] = await eventually(async () => {
    const page = await gw.api<{ logs: { cost: { total: number } | null }[] }>('/api/logs?virtual_key_ids=demo-key');
    return page.logs.length > 0 ? page.logs : undefined;
  }, 3_000, 'the request in the log');
  const cost = record.cost?.total;
  assert.ok(cost !== undefined && cost > 0, `the request is priced: ${JSON.stringify(record.cost)}`);

  // As the README runs it, with the demo's data dir (here the test's) and the port the test's gateway took.
  assert.match(quickStart(), /\nnpx spendgate status --data-dir \.spendgate-demo /);
  assert.match(readFileSync(join(ROOT, 'examples', 'demo', 'run.ts'), 'utf8'), /const DATA_DIR = '\.spendgate-demo';/);
  const status = await spendgate(['status', '--data-dir', home], { env: { SPENDGATE_PORT: String(gw.port) } });
  assert.equal(status.code, 0, status.stderr);
  const dollars = `$${cost.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 6 })}`;
  for (const [tier, id] of [['virtual_key', 'demo-key'], ['team', 'demo-team']]) {
    const row = status.stdout.split('\n').find((l) => l.startsWith(`${tier} `) && l.split(/\s+/)[1] === id);
    assert.ok(row, `a ${tier} ${id} row in:\n${status.stdout}`);
    assert.equal(row.split(/\s+/)[3], dollars, `the ${id} row's SPENT column is the request's cost`);
  }
});
