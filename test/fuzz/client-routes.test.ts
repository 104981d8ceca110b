// Property-based fuzzing of every client route of a spawned gateway: hostile bodies (poisoned fields, prototype keys,
// raw number literals, deep nesting, huge strings, invalid UTF-8), odd content types, credentials and headers. Every
// request gets a valid answer or a clear error in the route's own protocol; the process never crashes and logs no
// error-level event. Header injection and request smuggling go over raw sockets.
//
// Runs 300 cases per route by default (about a minute). The full run:
//   SPENDGATE_FUZZ_RUNS=100000 node --import tsx --test test/fuzz/client-routes.test.ts
// A failure prints its seed; SPENDGATE_FUZZ_SEED=<seed> replays it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import fc from 'fast-check';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import { startOpenAIUpstream } from '../upstreams/openai.js';
import type { TestUpstream } from '../upstreams/common.js';
import { spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { startBedrockUpstream, type BedrockUpstream } from '../hardening/bedrock-upstream.js';
import { post, rawExchange, statusesIn } from '../hardening/http-client.js';
import { assertHealthy } from '../hardening/process-health.js';
import { answerProblem, FUZZ_ROUTES, fuzzRequestArbitrary } from './client-bodies.js';
import { fuzzRuns, fuzzSeed } from './adversarial.js';

const KEY = 'fuzz-key';
const RUNS = fuzzRuns(300);
const FULL = RUNS > 1000;
const SEED = fuzzSeed();

function config(anthropic: string, openai: string, bedrock: string): string {
  return `accounts:
  - id: dev
    providers:
      - id: anthropic-direct
        type: anthropic
        model: claude-sonnet-4-20250514
        base_url: ${anthropic}
        api_key: env.FUZZ_ANTHROPIC_KEY
      - id: openai-direct
        type: openai
        model: gpt-4o-mini
        base_url: ${openai}/v1
        api_key: env.FUZZ_OPENAI_KEY
      - id: bedrock-claude
        type: bedrock
        region: us-east-1
        model: anthropic.claude-sonnet-4-20250514-v1:0
        endpoint: ${bedrock}
budgets:
  virtual_key:
    - id: ${KEY}
      limit: 1000000
      period: 1d
routing:
  retries: 0
  breaker:
    failures: 1000000
`;
}

describe('fuzzing the client routes of a running gateway', () => {
  let anthropicUp: TestUpstream;
  let openaiUp: TestUpstream;
  let bedrockUp: BedrockUpstream;
  let gw: SpawnedGateway;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const statuses = new Map<number, number>();
  let cases = 0;

  before(async () => {
    anthropicUp = await startAnthropicUpstream();
    openaiUp = await startOpenAIUpstream();
    bedrockUp = await startBedrockUpstream();
    gw = await spawnGateway({
      config: config(anthropicUp.url, openaiUp.url, bedrockUp.url),
      env: { FUZZ_ANTHROPIC_KEY: 'sk-ant-fuzz', FUZZ_OPENAI_KEY: 'sk-openai-fuzz', AWS_BEARER_TOKEN_BEDROCK: 'bedrock-fuzz-token', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' },
    });
  });

  after(async () => {
    agent.destroy();
    const summary = [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(' ');
    console.log(`fuzz: ${cases} client-route cases (seed ${SEED}, ${RUNS} per route), statuses ${summary}`);
    const code = await gw.stop();
    await Promise.all([anthropicUp.close(), openaiUp.close(), bedrockUp.close()]);
    assert.equal(code, 0, 'the gateway still shuts down cleanly after the fuzzing');
  });

  for (const route of FUZZ_ROUTES) {
    test(`${route.name}: every hostile request gets a valid answer or a clear error in the ${route.protocol} shape`, async () => {
      const arbitrary = fuzzRequestArbitrary(route, KEY, { maxDepth: FULL ? 200_000 : 20_000, maxHuge: FULL ? 8 * 1024 * 1024 : 1024 * 1024 });
      await fc.assert(
        fc.asyncProperty(arbitrary, async (request) => {
          cases += 1;
          const answer = await post(gw.url, route.path(request.model), request.body, { headers: request.headers, agent });
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const problem = answerProblem(route, answer);
          if (problem) throw new Error(`${request.kind}: ${problem}`);
          assert.equal(gw.process.exitCode, null, 'the gateway is still running');
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
      );
      await assertHealthy(gw);
    });
  }

  test('regressions found by fuzzing: max_tokens of 2^53-1 is served or refused as invalid, never a 500', async () => {
    const huge = Number.MAX_SAFE_INTEGER;
    const cases: [string, string, Record<string, unknown>][] = [
      ['/anthropic/v1/messages', 'x-api-key', { model: 'claude-sonnet-4-20250514', max_tokens: huge, messages: [{ role: 'user', content: 'hi' }] }],
      ['/openai/v1/chat/completions', 'authorization', { model: 'gpt-4o-mini', max_tokens: huge, messages: [{ role: 'user', content: 'hi' }] }],
      ['/bedrock/model/claude-sonnet-4-20250514/converse', 'authorization', { messages: [{ role: 'user', content: [{ text: 'hi' }] }], inferenceConfig: { maxTokens: huge } }],
    ];
    for (const [path, header, body] of cases) {
      const answer = await post(gw.url, path, JSON.stringify(body), { headers: { 'content-type': 'application/json', [header]: header === 'authorization' ? `Bearer ${KEY}` : KEY }, agent });
      assert.ok(answer.status === 200 || answer.status === 400, `${path}: HTTP ${answer.status} ${answer.body.toString()}`);
      const route = FUZZ_ROUTES.find((r) => path.startsWith(r.path('claude-sonnet-4-20250514').split('?')[0]))!;
      assert.equal(answerProblem(route, answer), undefined);
    }
  });

  test('header injection and request smuggling over raw sockets get 400 and never reach the upstream', async () => {
    const before = anthropicUp.requests.length;
    const body = JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    const head = (extra: string, length = Buffer.byteLength(body)) =>
      `POST /anthropic/v1/messages HTTP/1.1\r\nhost: 127.0.0.1:${gw.port}\r\ncontent-type: application/json\r\n${extra}content-length: ${length}\r\n\r\n${body}`;
    const attacks: Record<string, string> = {
      'bare CR inside a header value': head(`x-api-key: ${KEY}\rx-injected: 1\r\n`),
      'bare LF inside a header value': head(`anthropic-beta: a\nx-injected: 1\r\nx-api-key: ${KEY}\r\n`),
      'NUL inside a header value': head(`anthropic-beta: a\u0000b\r\nx-api-key: ${KEY}\r\n`),
      'obsolete line folding': head(`x-api-key: ${KEY}\r\nanthropic-beta: a\r\n x-injected: 1\r\n`),
      'space before the colon': head(`x-api-key : ${KEY}\r\n`),
      'two different content-lengths': head(`x-api-key: ${KEY}\r\ncontent-length: 5\r\n`),
      'content-length and chunked together': head(`x-api-key: ${KEY}\r\ntransfer-encoding: chunked\r\n`),
      'a bad chunk size': `POST /anthropic/v1/messages HTTP/1.1\r\nhost: 127.0.0.1:${gw.port}\r\nx-api-key: ${KEY}\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n${body}\r\n0\r\n\r\n`,
      'a header name with a space': head(`x y: 1\r\nx-api-key: ${KEY}\r\n`),
      'a negative content-length': head(`x-api-key: ${KEY}\r\n`, -1),
      'a request line with a CRLF-encoded path': `POST /anthropic/v1/messages%0d%0ax-injected:%201 HTTP/1.1\r\nhost: 127.0.0.1:${gw.port}\r\nx-api-key: ${KEY}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    };
    for (const [name, bytes] of Object.entries(attacks)) {
      const raw = await rawExchange(gw.port, bytes);
      const codes = statusesIn(raw);
      assert.ok(codes.length >= 1, `${name}: the gateway answers (got ${JSON.stringify(raw.slice(0, 200))})`);
      assert.ok(codes.every((c) => c === 400 || c === 404), `${name}: refused with 400/404, got ${codes.join(',')}`);
      assert.doesNotMatch(raw, /^x-injected/im, `${name}: no injected response header`);
    }
    const leaked = anthropicUp.requests.slice(before).filter((r) => r.headers['x-injected'] !== undefined || Object.keys(r.headers).some((h) => /\s/.test(h)));
    assert.deepEqual(leaked, [], 'no injected header reached the upstream');
    await assertHealthy(gw);
  });

  test('a Bedrock model id with encoded CRLF, NUL or slashes is answered in the Bedrock shape and never becomes a header', async () => {
    const body = JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] });
    for (const model of ['x%0d%0ax-injected:%201', '%00', 'a%2fb', '%2e%2e%2f%2e%2e%2fadmin', '%E0%A4%A', '%ff%fe']) {
      const answer = await post(gw.url, `/bedrock/model/${model}/converse`, body, { headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, agent });
      assert.equal(answer.headers['x-injected'], undefined, model);
      assert.ok(answer.status < 500 || answer.headers['x-spendgate-error-code'] === 'upstream_error', `${model}: HTTP ${answer.status} ${answer.body.toString()}`);
      if (answer.status >= 400) assert.equal(typeof answer.headers['x-amzn-errortype'], 'string', `${model}: ${answer.body.toString()}`);
    }
    await assertHealthy(gw);
  });
});
