// Reading Bedrock's CloudWatch meters with the real @aws-sdk/client-cloudwatch against the loopback CloudWatch:
// more queries than one call takes, pages joined by NextToken, per-query errors, and CloudWatch's refusals.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudWatchClient, GetMetricDataCommand, InvalidParameterValueException } from '@aws-sdk/client-cloudwatch';
import type { BedrockCallSettings } from '../../proxy/providers/bedrock/credentials.js';
import { modelKey, readBedrockMeters } from '../../proxy/reconcile/cloudwatch.js';
import { startCloudWatchStandIn, type CloudWatchStandIn } from '../upstreams/cloudwatch.js';

const DAY = Date.UTC(2026, 10, 2);
const DAY_MS = 86_400_000;
const CREDENTIALS = { accessKeyId: 'AKIDCLOUDWATCH', secretAccessKey: 'cloudwatch-secret' };

function settings(region: string): BedrockCallSettings {
  return { region, auth: { scheme: 'sigv4', credentials: CREDENTIALS, source: 'env:AKIDCLOUDWATCH' }, clientKey: `${region}|env` };
}

describe('readBedrockMeters against the CloudWatch stand-in', () => {
  let cw: CloudWatchStandIn;

  before(async () => {
    cw = await startCloudWatchStandIn({ pageDatapoints: 7 });
  });

  after(async () => {
    await cw.close();
  });

  test('120 model ids (600 queries: two calls) over three days come back whole, page by page, per region', async () => {
    const models = Array.from({ length: 120 }, (_, i) => `us.test.model-${i}`);
    models.forEach((m, i) => {
      cw.meter('us-east-1', m, DAY, { Invocations: i + 1, InputTokenCount: 100 * (i + 1), OutputTokenCount: 7 });
      cw.meter('us-east-1', m, DAY + 2 * DAY_MS, { Invocations: 1, CacheReadInputTokenCount: 50, CacheWriteInputTokenCount: 20 });
    });
    // The same model in another region is another meter.
    cw.meter('us-west-2', models[0], DAY, { Invocations: 99 });
    const before = cw.requests.length;
    const meters = await readBedrockMeters([{ settings: settings('us-east-1'), modelIds: models }], DAY, DAY + 3 * DAY_MS, cw.url);
    assert.equal(meters.unavailable.size, 0);
    const calls = cw.requests.slice(before);
    assert.ok(calls.every((c) => c.region === 'us-east-1' && c.service === 'monitoring'));
    assert.ok(calls.every((c) => (c.body.MetricDataQueries as unknown[]).length <= 500));
    assert.ok(calls.filter((c) => c.body.NextToken !== undefined).length > 10, 'many pages of 7 datapoints');
    assert.deepEqual(meters.days.get(modelKey('us-east-1', models[41]))?.get(DAY), { invocations: 42, inputTokens: 4_200, outputTokens: 7, cacheReadTokens: 0, cacheWriteTokens: 0 });
    assert.deepEqual(meters.days.get(modelKey('us-east-1', models[119]))?.get(DAY + 2 * DAY_MS), { invocations: 1, inputTokens: 0, outputTokens: 0, cacheReadTokens: 50, cacheWriteTokens: 20 });
    assert.equal(meters.days.get(modelKey('us-east-1', models[5]))?.has(DAY + DAY_MS), false, 'a day without datapoints is absent');
    const total = [...meters.days.values()].reduce((n, days) => n + [...days.values()].reduce((m, d) => m + d.invocations, 0), 0);
    assert.equal(total, (120 * 121) / 2 + 120, 'every invocation of us-east-1, none of us-west-2');
  });

  test('a per-query InternalError marks that model unavailable and leaves the others read', async () => {
    cw.meter('eu-west-1', 'eu.model-ok', DAY, { Invocations: 3 });
    cw.meter('eu-west-1', 'eu.model-broken', DAY, { Invocations: 5 });
    cw.failModel('eu-west-1', 'eu.model-broken');
    const meters = await readBedrockMeters([{ settings: settings('eu-west-1'), modelIds: ['eu.model-broken', 'eu.model-ok'] }], DAY, DAY + DAY_MS, cw.url);
    assert.equal(meters.days.get(modelKey('eu-west-1', 'eu.model-ok'))?.get(DAY)?.invocations, 3);
    assert.match(meters.unavailable.get(modelKey('eu-west-1', 'eu.model-broken')) ?? '', /CloudWatch answered InternalError for Invocations \(InternalError: An internal error occurred/);
  });

  test('a Bedrock API key cannot read CloudWatch: every model of that provider config says so', async () => {
    const bearer: BedrockCallSettings = { region: 'us-east-1', auth: { scheme: 'bearer', token: 'bedrock-api-key', source: 'AWS_BEARER_TOKEN_BEDROCK' }, clientKey: 'bearer' };
    const meters = await readBedrockMeters([{ settings: bearer, modelIds: ['us.test.model-0'] }], DAY, DAY + DAY_MS, cw.url);
    assert.match(meters.unavailable.get(modelKey('us-east-1', 'us.test.model-0')) ?? '', /Bedrock API key \(AWS_BEARER_TOKEN_BEDROCK\), which cannot read CloudWatch/);
  });

  test('an unreachable CloudWatch marks every model of the region unavailable with the reason', async () => {
    const closed = await startCloudWatchStandIn();
    const url = closed.url;
    await closed.close();
    const meters = await readBedrockMeters([{ settings: settings('us-east-1'), modelIds: ['us.test.model-0', 'us.test.model-1'] }], DAY, DAY + DAY_MS, url);
    assert.equal(meters.days.size, 0);
    for (const id of ['us.test.model-0', 'us.test.model-1']) {
      assert.match(meters.unavailable.get(modelKey('us-east-1', id)) ?? '', /^CloudWatch GetMetricData in us-east-1 failed: .*ECONNREFUSED/);
    }
  });

  test('the stand-in refuses as CloudWatch does: bad ranges in its error shape, unsigned and wrongly scoped requests', async () => {
    const client = new CloudWatchClient({ region: 'us-east-1', endpoint: cw.url, credentials: CREDENTIALS, maxAttempts: 1 });
    try {
      await assert.rejects(
        client.send(new GetMetricDataCommand({ StartTime: new Date(DAY), EndTime: new Date(DAY), MetricDataQueries: [{ Id: 'q', MetricStat: { Metric: { Namespace: 'AWS/Bedrock', MetricName: 'Invocations' }, Period: 86_400, Stat: 'Sum' } }] })),
        (err: unknown) => err instanceof InvalidParameterValueException && /StartTime must be less than the parameter EndTime/.test(err.message),
      );
      await assert.rejects(
        client.send(new GetMetricDataCommand({ StartTime: new Date(DAY), EndTime: new Date(DAY + DAY_MS), MetricDataQueries: [{ Id: 'Upper', MetricStat: { Metric: { Namespace: 'AWS/Bedrock', MetricName: 'Invocations' }, Period: 86_400, Stat: 'Sum' } }] })),
        (err: unknown) => err instanceof InvalidParameterValueException && /The Id must start with a lowercase letter/.test(err.message),
      );
    } finally {
      client.destroy();
    }
    const headers = { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'GraniteServiceVersion20100801.GetMetricData' };
    const unsigned = await fetch(cw.url, { method: 'POST', headers, body: '{}' });
    assert.equal(unsigned.status, 403);
    assert.equal(unsigned.headers.get('x-amzn-query-error'), 'MissingAuthenticationToken;Sender');
    const wrongService = await fetch(cw.url, {
      method: 'POST',
      headers: { ...headers, authorization: `AWS4-HMAC-SHA256 Credential=AKID/20261102/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}` },
      body: '{}',
    });
    assert.equal(wrongService.status, 403);
    assert.match(((await wrongService.json()) as { message: string }).message, /Credential should be scoped to correct service: 'monitoring'/);
  });

  test('a regional endpoint refuses credentials scoped to another region, and the report says so for that region', async () => {
    const regional = await startCloudWatchStandIn({ regions: ['us-east-1'] });
    try {
      const meters = await readBedrockMeters([{ settings: settings('eu-central-1'), modelIds: ['eu.test.model'] }], DAY, DAY + DAY_MS, regional.url);
      assert.match(meters.unavailable.get(modelKey('eu-central-1', 'eu.test.model')) ?? '', /failed: SignatureDoesNotMatch: Credential should be scoped to a valid region, not 'eu-central-1'/);
    } finally {
      await regional.close();
    }
  });
});
