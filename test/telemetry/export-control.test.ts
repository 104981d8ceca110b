// TelemetryExport against a fake SDK: off never loads it; reloads start, keep, restart or stop the pipeline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TelemetrySettings } from '../../proxy/config/types.js';
import { TelemetryExport, type TelemetrySdk } from '../../proxy/telemetry/export.js';
import type { Pipeline, PipelineOptions } from '../../proxy/telemetry/sdk.js';
import type { FinishedRequest } from '../../proxy/telemetry/span.js';
import { sampleRecord } from './records.js';

interface FakeSdk {
  /** The loader handed to TelemetryExport; counts its calls. */
  readonly load: () => Promise<TelemetrySdk>;
  readonly loads: () => number;
  readonly started: PipelineOptions[];
  readonly recorded: string[];
  readonly shutdowns: string[];
}

function fakeSdk(): FakeSdk {
  let loads = 0;
  const started: PipelineOptions[] = [];
  const recorded: string[] = [];
  const shutdowns: string[] = [];
  const sdk: TelemetrySdk = {
    startPipeline(options): Pipeline {
      started.push(options);
      return {
        record: (span) => recorded.push(`${options.endpoint} ${span.name}`),
        shutdown: async () => {
          shutdowns.push(options.endpoint);
        },
      };
    },
  };
  const load = async (): Promise<TelemetrySdk> => {
    loads += 1;
    return sdk;
  };
  return { load, loads: () => loads, started, recorded, shutdowns };
}

const on = (endpoint: string, extra: Partial<TelemetrySettings> = {}): TelemetrySettings => ({ otlpEndpoint: endpoint, serviceName: 'spendgate', headers: {}, ...extra });

const request: FinishedRequest = { operation: 'messages', receivedAt: Date.UTC(2025, 0, 15), durationMs: 12.5, records: [sampleRecord()], upstreamMs: [10] };

function controller(fake: FakeSdk, env: NodeJS.ProcessEnv = {}) {
  const events: Record<string, unknown>[] = [];
  const telemetry = new TelemetryExport({ env, log: (e) => events.push(e), keyLabel: (id) => id, serviceVersion: '0.1.0', load: fake.load });
  return { telemetry, events };
}

test('with no telemetry section the SDK is never loaded and requests cost one check', async () => {
  const fake = fakeSdk();
  const { telemetry, events } = controller(fake);
  await telemetry.configure(undefined);
  assert.equal(telemetry.active, false, 'the record stage skips building the summary');
  telemetry.requestFinished(request);
  await telemetry.close(1000);
  assert.equal(fake.loads(), 0);
  assert.deepEqual(fake.recorded, []);
  assert.deepEqual(events, []);
});

test('an endpoint loads the SDK once and records each finished request', async () => {
  const fake = fakeSdk();
  const { telemetry, events } = controller(fake, { OTEL_METRIC_EXPORT_INTERVAL: '250', OTEL_BSP_SCHEDULE_DELAY: 'soon' });
  await telemetry.configure(on('http://a:4318'));
  assert.equal(telemetry.active, true);
  telemetry.requestFinished(request);
  assert.equal(fake.loads(), 1);
  assert.deepEqual(fake.recorded, ['http://a:4318 chat claude-sonnet-4-20250514']);
  assert.equal(fake.started[0].metricIntervalMs, 250, 'OTEL_METRIC_EXPORT_INTERVAL is honoured');
  assert.equal(fake.started[0].spanDelayMs, 5000, 'a malformed OTEL_BSP_SCHEDULE_DELAY falls back to the default');
  assert.equal(events[0]?.event, 'telemetry_started');
});

test('a reload with the same settings keeps the pipeline; a change restarts it; removal stops it', async () => {
  const fake = fakeSdk();
  const { telemetry, events } = controller(fake);
  await telemetry.configure(on('http://a:4318'));
  await telemetry.configure(on('http://a:4318'));
  assert.equal(fake.started.length, 1);
  await telemetry.configure(on('http://a:4318', { serviceName: 'other' }));
  assert.deepEqual(fake.shutdowns, ['http://a:4318']);
  await telemetry.configure(on('http://b:4318'));
  assert.deepEqual(fake.started.map((s) => s.endpoint), ['http://a:4318', 'http://a:4318', 'http://b:4318']);
  telemetry.requestFinished(request);
  await telemetry.configure(undefined);
  telemetry.requestFinished(request);
  assert.deepEqual(fake.recorded, ['http://b:4318 chat claude-sonnet-4-20250514'], 'only the live pipeline records; none once removed');
  assert.deepEqual(fake.shutdowns, ['http://a:4318', 'http://a:4318', 'http://b:4318']);
  assert.deepEqual(events.map((e) => e.event).filter((e) => e === 'telemetry_stopped').length, 3);
});

test('header values come from the environment; an unset variable is reported and the header left out', async () => {
  const fake = fakeSdk();
  const { telemetry, events } = controller(fake, { OTLP_TOKEN: 'Bearer abc' });
  await telemetry.configure(on('http://a:4318', { headers: { authorization: { env: 'OTLP_TOKEN' }, 'x-org': { env: 'UNSET_ORG' } } }));
  assert.deepEqual(fake.started[0].headers, { authorization: 'Bearer abc' });
  const unset = events.find((e) => e.event === 'telemetry_header_unset');
  assert.deepEqual(unset, { level: 'warn', event: 'telemetry_header_unset', header: 'x-org', variable: 'UNSET_ORG' });
  assert.ok(!JSON.stringify(events).includes('Bearer abc'), 'the event log never shows a header value');
});

test('close flushes the pipeline once and later reloads start nothing', async () => {
  const fake = fakeSdk();
  const { telemetry } = controller(fake);
  await telemetry.configure(on('http://a:4318'));
  await telemetry.close(500);
  await telemetry.configure(on('http://b:4318'));
  assert.deepEqual(fake.shutdowns, ['http://a:4318']);
  assert.equal(fake.started.length, 1);
});

test('export problems are logged, the same one at most once a minute; a failing record never throws', async () => {
  const fake = fakeSdk();
  const { telemetry, events } = controller(fake);
  await telemetry.configure(on('http://a:4318'));
  const report = fake.started[0].onProblem;
  report('connect ECONNREFUSED');
  report('connect ECONNREFUSED');
  report('timeout');
  assert.deepEqual(
    events.filter((e) => e.event === 'telemetry_export_failed').map((e) => e.message),
    ['connect ECONNREFUSED', 'timeout'],
  );
  const broken: FinishedRequest = { ...request, records: [] };
  assert.doesNotThrow(() => telemetry.requestFinished(broken));
});

test('an SDK that cannot load is reported, not thrown', async () => {
  const events: Record<string, unknown>[] = [];
  const telemetry = new TelemetryExport({
    env: {},
    log: (e) => events.push(e),
    keyLabel: (id) => id,
    serviceVersion: '0.1.0',
    load: () => Promise.reject(new Error('Cannot find module ./telemetry.js')),
  });
  await telemetry.configure(on('http://a:4318'));
  assert.equal(events[0]?.event, 'telemetry_failed');
  assert.match(String(events[0]?.message), /Cannot find module/);
});
