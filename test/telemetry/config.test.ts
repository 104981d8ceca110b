// `telemetry:` in bifrost.yaml: what loads, the defaults, and the problems reported at their line and column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../proxy/config/load.js';
import type { ConfigProblem, LoadResult } from '../../proxy/config/types.js';

const BASE = `accounts:
  - id: dev
    providers:
      - {id: direct, type: anthropic, model: claude-sonnet-4-20250514, api_key: env.KEY}
`;

function load(telemetry: string): LoadResult {
  return loadConfigText(`${BASE}${telemetry}`, '/tmp/bifrost.yaml');
}

function problems(telemetry: string): ConfigProblem[] {
  const r = load(telemetry);
  assert.equal(r.ok, false, 'the config is refused');
  return r.ok ? [] : [...r.problems];
}

test('absent or empty, telemetry is off', () => {
  for (const text of ['', 'telemetry:\n']) {
    const r = load(text);
    assert.ok(r.ok);
    assert.equal(r.config.telemetry, undefined);
    assert.deepEqual(r.warnings, [], 'telemetry is a known top-level key');
  }
});

test('an endpoint turns it on with service name spendgate and no headers', () => {
  const r = load('telemetry:\n  otlp_endpoint: http://127.0.0.1:4318\n');
  assert.ok(r.ok);
  assert.deepEqual(r.config.telemetry, { otlpEndpoint: 'http://127.0.0.1:4318', serviceName: 'spendgate', headers: {} });
});

test('service_name and env-referenced headers are kept', () => {
  const r = load('telemetry:\n  otlp_endpoint: https://otlp.example.com/otlp\n  service_name: gw-eu\n  headers:\n    authorization: env.OTLP_AUTH\n    x-scope-orgid: env.ORG\n');
  assert.ok(r.ok);
  assert.deepEqual(r.config.telemetry, {
    otlpEndpoint: 'https://otlp.example.com/otlp',
    serviceName: 'gw-eu',
    headers: { authorization: { env: 'OTLP_AUTH' }, 'x-scope-orgid': { env: 'ORG' } },
  });
});

test('the endpoint must be an http(s) URL, reported at its value', () => {
  const [p] = problems('telemetry:\n  otlp_endpoint: grpc://collector:4317\n');
  assert.deepEqual({ line: p.line, col: p.col }, { line: 6, col: 18 });
  assert.match(p.message, /telemetry\.otlp_endpoint: expected an http\(s\) URL/);
  const [bare] = problems('telemetry:\n  otlp_endpoint: collector:4318\n');
  assert.match(bare.message, /an http\(s\) URL/);
});

test('an endpoint with user:password@ is refused without echoing the password', () => {
  const [p] = problems('telemetry:\n  otlp_endpoint: https://user:hunter2@collector:4318\n');
  assert.equal(p.line, 6);
  assert.ok(!p.message.includes('hunter2'));
});

test('a telemetry section without an endpoint names the missing key', () => {
  const [p] = problems('telemetry:\n  service_name: gw\n');
  assert.equal(p.line, 6);
  assert.match(p.message, /telemetry: missing required key "otlp_endpoint"/);
});

test('a literal header value is refused without echoing it; a bad header name is refused', () => {
  const [literal] = problems('telemetry:\n  otlp_endpoint: http://c:4318\n  headers:\n    authorization: Bearer s3cr3t-token\n');
  assert.deepEqual({ line: literal.line, col: literal.col }, { line: 8, col: 20 });
  assert.match(literal.message, /env\.VAR/);
  assert.ok(!literal.message.includes('s3cr3t'));
  const [name] = problems('telemetry:\n  otlp_endpoint: http://c:4318\n  headers:\n    "bad header": env.X\n');
  assert.equal(name.line, 8);
  assert.match(name.message, /"bad header" is not a valid HTTP header name/);
});

test('unknown keys under telemetry are errors at the key', () => {
  const [p] = problems('telemetry:\n  otlp_endpoint: http://c:4318\n  protocol: grpc\n');
  assert.deepEqual({ line: p.line, col: p.col }, { line: 7, col: 3 });
  assert.match(p.message, /unknown key "protocol" in telemetry/);
});
