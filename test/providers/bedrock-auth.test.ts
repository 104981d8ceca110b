// How the Bedrock provider authenticates: SigV4 per region, Bedrock API keys as Bearer, explicit profiles over the key.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { BedrockProvider } from '../../proxy/providers/bedrock/index.js';
import { TEST_ENV, claudeTarget, mistralTarget, startRig } from './bedrock-fixture.js';
import { startBedrockHarness } from './bedrock-harness.js';

const API_KEY = 'bedrock-api-key-test-123';

async function callOnce(url: string): Promise<void> {
  const client = new Anthropic({ baseURL: `${url}/anthropic`, apiKey: 'vk', maxRetries: 0 });
  await client.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
}

describe('Bedrock API keys', () => {
  test('with AWS_BEARER_TOKEN_BEDROCK set, requests carry Authorization: Bearer instead of a signature', async () => {
    const rig = await startRig(mistralTarget, { env: { ...TEST_ENV, AWS_BEARER_TOKEN_BEDROCK: API_KEY } });
    try {
      await callOnce(rig.harness.url);
      assert.deepEqual(rig.upstream.requests[0].auth, { scheme: 'bearer', token: API_KEY });
    } finally {
      await rig.close();
    }
  });
});

describe('an explicit profile', () => {
  let dir: string;
  const saved = { ...process.env };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spendgate-aws-'));
    await writeFile(join(dir, 'credentials'), '[spendgate-test]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n');
    await writeFile(join(dir, 'config'), '');
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
  });
  after(async () => {
    process.env.AWS_SHARED_CREDENTIALS_FILE = saved.AWS_SHARED_CREDENTIALS_FILE;
    process.env.AWS_CONFIG_FILE = saved.AWS_CONFIG_FILE;
    if (saved.AWS_SHARED_CREDENTIALS_FILE === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE;
    if (saved.AWS_CONFIG_FILE === undefined) delete process.env.AWS_CONFIG_FILE;
    await rm(dir, { recursive: true, force: true });
  });

  test('signs with the profile even when a Bedrock API key is in the environment', async () => {
    const rig = await startRig((endpoint) => ({ ...claudeTarget(endpoint), credentials: { profile: 'spendgate-test' } }), {
      env: { ...TEST_ENV, AWS_BEARER_TOKEN_BEDROCK: API_KEY },
    });
    try {
      await callOnce(rig.harness.url);
      assert.deepEqual(rig.upstream.requests[0].auth, { scheme: 'sigv4', accessKeyId: 'AKIDPROFILE', region: 'us-east-1', service: 'bedrock' });
    } finally {
      await rig.close();
    }
  });
});

describe('region and endpoint defaults', () => {
  test('AWS_REGION and AWS_ENDPOINT_URL_BEDROCK_RUNTIME apply when the provider config names neither', async () => {
    const rig = await startRig(mistralTarget);
    try {
      const provider = new BedrockProvider({ env: { ...TEST_ENV, AWS_REGION: 'eu-central-1', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: rig.upstream.url } });
      const target = { ...mistralTarget(''), region: undefined, endpoint: undefined };
      const harness = await startBedrockHarness(provider, target);
      try {
        await callOnce(harness.url);
      } finally {
        await harness.close();
      }
      assert.deepEqual(rig.upstream.requests[0].auth, { scheme: 'sigv4', accessKeyId: 'AKIDTESTSPENDGATE', region: 'eu-central-1', service: 'bedrock' });
    } finally {
      await rig.close();
    }
  });
});

describe('checkCredentials', () => {
  test('warns once per Bedrock provider config without usable credentials or region, naming it', async () => {
    const provider = new BedrockProvider({ env: TEST_ENV });
    const warnings = await provider.checkCredentials([
      claudeTarget('http://127.0.0.1:1'),
      { ...mistralTarget('http://127.0.0.1:1'), credentials: { profile: 'spendgate-test-no-such-profile' } },
      { ...mistralTarget('http://127.0.0.1:1'), id: 'no-region', region: undefined },
      { id: 'anthropic-direct', accountId: 'a', type: 'anthropic', model: 'claude-sonnet-4-20250514', weight: 1 },
    ]);
    await provider.close();
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /bedrock-mistral/);
    assert.match(warnings[0], /no usable AWS credentials/);
    assert.match(warnings[1], /no-region/);
    assert.match(warnings[1], /no region/);
  });
});
