// The Bedrock stand-in as the reconciliation tests rely on it, driven by the real Bedrock Runtime client: it serves
// the application inference profiles the account has and refuses others in Bedrock's words, and meters into the
// CloudWatch stand-in only what it served, under the id it was called with.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BedrockRuntimeClient, ConverseCommand, ValidationException } from '@aws-sdk/client-bedrock-runtime';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { startBedrockUpstream, type BedrockUpstream } from './bedrock.js';
import { startCloudWatchStandIn, type CloudWatchStandIn } from './cloudwatch.js';

const CREDENTIALS = { accessKeyId: 'AKIDMETER', secretAccessKey: 'meter-secret' };
const PROFILE = 'arn:aws:bedrock:eu-west-1:111122223333:application-inference-profile/abc123def';
const MODEL = 'eu.anthropic.claude-sonnet-4-20250514-v1:0';

describe('the Bedrock stand-in meters what it serves', () => {
  let cloudwatch: CloudWatchStandIn;
  let bedrock: BedrockUpstream;
  let runtime: BedrockRuntimeClient;

  before(async () => {
    cloudwatch = await startCloudWatchStandIn();
    bedrock = await startBedrockUpstream({ meter: cloudwatch, applicationProfiles: { [PROFILE]: MODEL } });
    runtime = new BedrockRuntimeClient({ region: 'eu-west-1', endpoint: bedrock.url, credentials: CREDENTIALS, maxAttempts: 1 });
  });

  after(async () => {
    runtime.destroy();
    await bedrock.close();
    await cloudwatch.close();
  });

  const converse = (modelId: string) => runtime.send(new ConverseCommand({ modelId, messages: [{ role: 'user', content: [{ text: 'hello there' }] }], inferenceConfig: { maxTokens: 32 } }));

  test('a known application inference profile is served and metered under its ARN; an unknown one is refused as Bedrock refuses it', async () => {
    const answer = await converse(PROFILE);
    assert.equal(answer.stopReason, 'end_turn');
    await assert.rejects(converse('arn:aws:bedrock:eu-west-1:111122223333:application-inference-profile/nosuchprofile'), (err: unknown) => {
      assert.ok(err instanceof ValidationException);
      assert.equal(err.message, 'The provided model identifier is invalid.');
      return true;
    });
    bedrock.script({ error: { type: 'ServiceUnavailableException', status: 503, message: 'Bedrock is unable to process your request.' } });
    await assert.rejects(converse(MODEL));
    await converse(MODEL);

    const reader = new CloudWatchClient({ region: 'eu-west-1', endpoint: cloudwatch.url, credentials: CREDENTIALS });
    try {
      const day = Math.floor(Date.now() / 86_400_000) * 86_400_000;
      const query = (id: string, modelId: string, metric: string) => ({
        Id: id,
        MetricStat: { Metric: { Namespace: 'AWS/Bedrock', MetricName: metric, Dimensions: [{ Name: 'ModelId', Value: modelId }] }, Period: 86_400, Stat: 'Sum' },
      });
      const out = await reader.send(
        new GetMetricDataCommand({
          StartTime: new Date(day),
          EndTime: new Date(day + 86_400_000),
          MetricDataQueries: [query('profile', PROFILE, 'Invocations'), query('model', MODEL, 'Invocations'), query('tokens', PROFILE, 'InputTokenCount')],
        }),
      );
      const value = (id: string) => out.MetricDataResults?.find((r) => r.Id === id)?.Values ?? [];
      assert.deepEqual(value('profile'), [1]);
      assert.deepEqual(value('model'), [1], 'the 503 is no invocation');
      assert.equal(value('tokens').length, 1);
      assert.ok(value('tokens')[0] > 0);
    } finally {
      reader.destroy();
    }
  });
});
