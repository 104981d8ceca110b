// Bedrock-native clients through the provider: a real AWS SDK client (HTTP/2 by default) reads the forwarded answers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { CLAUDE_MODEL, MISTRAL_MODEL, claudeTarget, mistralTarget, sendsSettled, startRig, type Rig } from './bedrock-fixture.js';

function sdkClient(rig: Rig): BedrockRuntimeClient {
  // The SDK's default handler speaks HTTP/2 (prior knowledge for http://), as clients of the gateway will.
  return new BedrockRuntimeClient({
    region: 'us-west-2',
    endpoint: `${rig.harness.url}/bedrock`,
    token: { token: 'vk-native' },
    authSchemePreference: ['httpBearerAuth'],
    maxAttempts: 1,
  });
}

describe('Converse clients served by Mistral', () => {
  let rig: Rig;
  let client: BedrockRuntimeClient;
  before(async () => {
    rig = await startRig(mistralTarget);
    client = sdkClient(rig);
  });
  after(async () => {
    client.destroy();
    await rig.close();
  });

  test('Converse is forwarded with the target model and the answer parses in the AWS SDK', async () => {
    const out = await client.send(new ConverseCommand({
      modelId: 'mistral-large',
      messages: [{ role: 'user', content: [{ text: 'Hello' }] }],
      inferenceConfig: { maxTokens: 20 },
    }));
    assert.equal(out.output?.message?.content?.[0]?.text, `Reply from ${MISTRAL_MODEL}.`);
    assert.equal(out.stopReason, 'end_turn');
    assert.ok((out.usage?.inputTokens ?? 0) > 0);
    await sendsSettled(rig.harness, 1);
    assert.equal(rig.harness.sends[0].httpVersion, '2.0', 'the AWS SDK spoke HTTP/2 to the gateway');
    const upstream = rig.upstream.requests.at(-1);
    assert.equal(upstream?.modelId, MISTRAL_MODEL);
    assert.equal(upstream?.operation, 'converse');
    assert.deepEqual(upstream?.auth, { scheme: 'sigv4', accessKeyId: 'AKIDTESTSPENDGATE', region: 'us-west-2', service: 'bedrock' });
  });

  test('a native request the model refuses gets Bedrock\'s own refusal, unchanged (the client named the model)', async () => {
    await assert.rejects(
      client.send(new ConverseCommand({
        modelId: 'mistral-large',
        messages: [{ role: 'user', content: [{ text: 'Hello' }, { image: { format: 'png', source: { bytes: new Uint8Array([1, 2, 3]) } } }] }],
      })),
      (err: unknown) => err instanceof Error && err.name === 'ValidationException' && /image content block/.test(err.message),
    );
  });

  test('ConverseStream events are re-framed so the SDK yields each event and the metadata usage', async () => {
    const before = rig.harness.sends.length;
    const out = await client.send(new ConverseStreamCommand({ modelId: 'mistral-large', messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }));
    let text = '';
    let stop: string | undefined;
    let outputTokens: number | undefined;
    for await (const event of out.stream ?? []) {
      if (event.contentBlockDelta?.delta?.text) text += event.contentBlockDelta.delta.text;
      if (event.messageStop) stop = event.messageStop.stopReason;
      if (event.metadata) outputTokens = event.metadata.usage?.outputTokens;
    }
    assert.equal(text, `Reply from ${MISTRAL_MODEL}.`);
    assert.equal(stop, 'end_turn');
    await sendsSettled(rig.harness, before + 1);
    assert.equal(rig.harness.sends[before].outcome?.usage?.outputTokens, outputTokens);
  });

  test('a mid-stream exception reaches the SDK as the same exception', async () => {
    rig.upstream.script({ streamException: { type: 'ThrottlingException', message: 'too fast', afterEvents: 2 } });
    const out = await client.send(new ConverseStreamCommand({ modelId: 'mistral-large', messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }));
    await assert.rejects(async () => {
      for await (const event of out.stream ?? []) void event;
    }, (err: unknown) => err instanceof Error && err.name === 'ThrottlingException' && /too fast/.test(err.message));
  });

  test('an upstream error before the answer reaches the SDK in the AWS shape', async () => {
    rig.upstream.script({ error: { type: 'ThrottlingException', status: 429, message: 'Too many requests' } });
    await assert.rejects(
      client.send(new ConverseCommand({ modelId: 'mistral-large', messages: [{ role: 'user', content: [{ text: 'x' }] }] })),
      (err: unknown) => err instanceof Error && err.name === 'ThrottlingException' && (err as unknown as { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode === 429,
    );
  });
});

describe('InvokeModel clients served by Claude', () => {
  let rig: Rig;
  let client: BedrockRuntimeClient;
  before(async () => {
    rig = await startRig(claudeTarget);
    client = sdkClient(rig);
  });
  after(async () => {
    client.destroy();
    await rig.close();
  });

  const body = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 20, messages: [{ role: 'user', content: 'Hello' }] });

  test('Converse bytes (an image) survive the round trip to a model that reads images', async () => {
    await client.send(new ConverseCommand({
      modelId: 'claude-sonnet-4-20250514',
      messages: [{ role: 'user', content: [{ text: 'Hello' }, { image: { format: 'png', source: { bytes: new Uint8Array([1, 2, 3]) } } }] }],
      inferenceConfig: { maxTokens: 20 },
    }));
    const upstream = rig.upstream.requests.at(-1);
    assert.equal(upstream?.operation, 'converse');
    const image = ((upstream?.json?.messages as { content: { image?: { source: { bytes: string } } }[] }[])[0].content[1]).image;
    assert.equal(image?.source.bytes, Buffer.from([1, 2, 3]).toString('base64'), 'image bytes survive the round trip unchanged');
  });

  test('InvokeModel forwards the body bytes as-is and returns the model body unchanged', async () => {
    const out = await client.send(new InvokeModelCommand({ modelId: CLAUDE_MODEL, body, contentType: 'application/json' }));
    const answer = JSON.parse(Buffer.from(out.body).toString('utf8')) as { content: { text: string }[]; usage: { output_tokens: number } };
    assert.equal(answer.content[0].text, `Reply from ${CLAUDE_MODEL}.`);
    assert.equal(rig.upstream.requests.at(-1)?.body.toString('utf8'), body);
    assert.equal(rig.upstream.requests.at(-1)?.auth.scheme, 'sigv4');
  });

  test('InvokeModelWithResponseStream re-frames chunks; the SDK reads the Anthropic events and usage is counted', async () => {
    const before = rig.harness.sends.length;
    const out = await client.send(new InvokeModelWithResponseStreamCommand({ modelId: CLAUDE_MODEL, body, contentType: 'application/json' }));
    const types: string[] = [];
    for await (const event of out.body ?? []) {
      if (event.chunk?.bytes) types.push((JSON.parse(Buffer.from(event.chunk.bytes).toString('utf8')) as { type: string }).type);
    }
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    await sendsSettled(rig.harness, before + 1);
    const outcome = rig.harness.sends[before].outcome;
    assert.equal(outcome?.stopReason, 'end_turn');
    assert.ok((outcome?.usage?.outputTokens ?? 0) > 0);
  });
});
