// Anthropic clients through the Bedrock provider: Claude via InvokeModel, Mistral via Converse, read by the Anthropic SDK.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { CLAUDE_MODEL, MISTRAL_MODEL, claudeTarget, mistralTarget, sendsSettled, startRig, type Rig } from './bedrock-fixture.js';

describe('Claude on Bedrock for Anthropic clients (InvokeModel)', () => {
  let rig: Rig;
  let client: Anthropic;
  before(async () => {
    rig = await startRig(claudeTarget);
    client = new Anthropic({ baseURL: `${rig.harness.url}/anthropic`, apiKey: 'vk-test', maxRetries: 0 });
  });
  after(() => rig.close());

  test('a JSON request reaches InvokeModel with the Bedrock Anthropic body, signed for us-east-1, and returns the message unchanged', async () => {
    const message = await client.messages.create({
      model: 'claude-sonnet-4-20250514',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    assert.equal(message.content[0].type, 'text');
    assert.equal((message.content[0] as Anthropic.TextBlock).text, `Reply from ${CLAUDE_MODEL}.`);
    const upstream = rig.upstream.requests.at(-1);
    assert.ok(upstream);
    assert.equal(upstream.operation, 'invoke');
    assert.equal(upstream.modelId, CLAUDE_MODEL);
    assert.match(upstream.rawPath, /anthropic\.claude-sonnet-4-20250514-v1%3A0/, 'the colon travels percent-encoded');
    assert.deepEqual(upstream.auth, { scheme: 'sigv4', accessKeyId: 'AKIDTESTSPENDGATE', region: 'us-east-1', service: 'bedrock' });
    assert.equal(upstream.json?.anthropic_version, 'bedrock-2023-05-31');
    assert.equal(upstream.json?.model, undefined);
    assert.equal(upstream.json?.stream, undefined);
    await sendsSettled(rig.harness, 1);
    const send = rig.harness.sends[0];
    assert.equal(send.outcome?.servedModel, CLAUDE_MODEL);
    assert.equal(send.outcome?.usage?.outputTokens, message.usage.output_tokens);
    assert.equal(send.sawFirstByte, true);
  });

  test('a streamed request is re-emitted as Anthropic SSE events that the SDK assembles, with usage from the stream', async () => {
    const before = rig.harness.sends.length;
    const stream = client.messages.stream({ model: 'claude-sonnet-4-20250514', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
    const text: string[] = [];
    stream.on('text', (t) => text.push(t));
    const final = await stream.finalMessage();
    assert.equal(text.join(''), `Reply from ${CLAUDE_MODEL}.`);
    assert.equal(final.stop_reason, 'end_turn');
    assert.equal(rig.upstream.requests.at(-1)?.operation, 'invoke-with-response-stream');
    await sendsSettled(rig.harness, before + 1);
    const outcome = rig.harness.sends[before].outcome;
    assert.equal(outcome?.usage?.outputTokens, final.usage.output_tokens);
    assert.equal(outcome?.usage?.inputTokens, final.usage.input_tokens);
    assert.equal(outcome?.stopReason, 'end_turn');
  });

  test('betas the model takes move into anthropic_beta; others are dropped, logged once per model, and the outcome says so', async () => {
    const before = rig.harness.sends.length;
    for (let i = 0; i < 2; i++) {
      await client.messages.create(
        { model: 'claude-sonnet-4-20250514', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'anthropic-beta': 'interleaved-thinking-2025-05-14, files-api-2025-04-14' } },
      );
    }
    assert.deepEqual(rig.upstream.requests.at(-1)?.json?.anthropic_beta, ['interleaved-thinking-2025-05-14']);
    const adapted = rig.events.filter((e) => e.event === 'bedrock_request_adapted');
    assert.deepEqual(adapted.map((e) => e.change), ['beta:files-api-2025-04-14']);
    await sendsSettled(rig.harness, before + 2);
    for (const send of rig.harness.sends.slice(before)) {
      assert.deepEqual(send.outcome?.adaptations, [`anthropic-beta files-api-2025-04-14 dropped: ${CLAUDE_MODEL} on Bedrock does not accept it`]);
    }
  });

  test('a mid-stream exception ends the SSE stream with an error event and reports the partial usage', async () => {
    const before = rig.harness.sends.length;
    rig.upstream.script({ text: 'one two three four', streamException: { type: 'ModelStreamErrorException', message: 'model fell over', afterEvents: 4 } });
    const stream = client.messages.stream({ model: 'claude-sonnet-4-20250514', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
    await assert.rejects(stream.finalMessage(), /model fell over/);
    await sendsSettled(rig.harness, before + 1);
    const outcome = rig.harness.sends[before].outcome;
    assert.equal(outcome?.error?.message.includes('model fell over'), true);
    assert.ok(outcome?.usage, 'usage from message_start survives');
    assert.ok((outcome?.usage?.inputTokens ?? 0) > 0);
  });
});

describe('the bare profile-only Claude id', () => {
  test('is retried once through the us. inference profile, remembered, and logged once', async () => {
    const rig = await startRig(claudeTarget, { upstream: { profileOnly: [CLAUDE_MODEL] } });
    try {
      const client = new Anthropic({ baseURL: `${rig.harness.url}/anthropic`, apiKey: 'vk', maxRetries: 0 });
      for (let i = 0; i < 2; i++) {
        await client.messages.create({ model: 'claude-sonnet-4-20250514', max_tokens: 8, messages: [{ role: 'user', content: 'x' }] });
      }
      assert.deepEqual(rig.upstream.requests.map((r) => r.modelId), [CLAUDE_MODEL, `us.${CLAUDE_MODEL}`, `us.${CLAUDE_MODEL}`]);
      await sendsSettled(rig.harness, 2);
      assert.equal(rig.harness.sends[1].outcome?.servedModel, `us.${CLAUDE_MODEL}`);
      assert.equal(rig.events.filter((e) => e.event === 'bedrock_inference_profile').length, 1);
    } finally {
      await rig.close();
    }
  });
});

describe('Mistral on Bedrock for Anthropic clients (Converse)', () => {
  let rig: Rig;
  let client: Anthropic;
  before(async () => {
    rig = await startRig(mistralTarget);
    client = new Anthropic({ baseURL: `${rig.harness.url}/anthropic`, apiKey: 'vk', maxRetries: 0 });
  });
  after(() => rig.close());

  test('a JSON request is translated to Converse, signed for us-west-2, and answered as an Anthropic message', async () => {
    const message = await client.messages.create({
      model: 'mistral-large',
      max_tokens: 100,
      system: 'Be brief.',
      stop_sequences: ['END'],
      messages: [{ role: 'user', content: 'Hello' }],
    });
    assert.equal((message.content[0] as Anthropic.TextBlock).text, `Reply from ${MISTRAL_MODEL}.`);
    assert.equal(message.stop_reason, 'end_turn');
    const upstream = rig.upstream.requests.at(-1);
    assert.equal(upstream?.operation, 'converse');
    assert.deepEqual(upstream?.auth, { scheme: 'sigv4', accessKeyId: 'AKIDTESTSPENDGATE', region: 'us-west-2', service: 'bedrock' });
    assert.deepEqual(upstream?.json?.system, [{ text: 'Be brief.' }]);
    assert.deepEqual(upstream?.json?.inferenceConfig, { maxTokens: 100, stopSequences: ['END'] });
    assert.ok(message.usage.input_tokens > 0);
  });

  test('a streamed request comes back as Anthropic SSE the SDK assembles', async () => {
    const stream = client.messages.stream({ model: 'mistral-large', max_tokens: 64, messages: [{ role: 'user', content: 'Hi' }] });
    const final = await stream.finalMessage();
    assert.equal((final.content[0] as Anthropic.TextBlock).text, `Reply from ${MISTRAL_MODEL}.`);
    assert.equal(final.stop_reason, 'end_turn');
    assert.ok(final.usage.output_tokens > 0);
    assert.equal(rig.upstream.requests.at(-1)?.operation, 'converse-stream');
  });

  test('a tool-use round trip: the tool call streams in as input_json_delta and the tool result goes back as toolResult', async () => {
    const tools: Anthropic.Tool[] = [{ name: 'get_weather', description: 'Weather for a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];
    rig.upstream.script({ text: 'Checking.', toolUse: { name: 'get_weather', input: { city: 'Paris' } } });
    const first = await client.messages.stream({ model: 'mistral-large', max_tokens: 64, tools, messages: [{ role: 'user', content: 'Weather in Paris?' }] }).finalMessage();
    assert.equal(first.stop_reason, 'tool_use');
    const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    assert.ok(call);
    assert.deepEqual(call.input, { city: 'Paris' });
    const sent = rig.upstream.requests.at(-1)?.json?.toolConfig as { tools: { toolSpec: { name: string; inputSchema: { json: unknown } } }[] };
    assert.equal(sent.tools[0].toolSpec.name, 'get_weather');
    assert.deepEqual(sent.tools[0].toolSpec.inputSchema.json, tools[0].input_schema);

    const second = await client.messages.create({
      model: 'mistral-large',
      max_tokens: 64,
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: call.id, name: call.name, input: call.input }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'Sunny, 21C' }] },
      ],
    });
    assert.equal((second.content[0] as Anthropic.TextBlock).text, 'The tool said: Sunny, 21C');
    const history = rig.upstream.requests.at(-1)?.json?.messages as { content: Record<string, unknown>[] }[];
    assert.deepEqual(history[1].content[1], { toolUse: { toolUseId: call.id, name: 'get_weather', input: { city: 'Paris' } } });
    assert.deepEqual(history[2].content[0], { toolResult: { toolUseId: call.id, content: [{ text: 'Sunny, 21C' }] } });
  });

  test('extended thinking is left out for a non-Claude model, and the outcome says so', async () => {
    const before = rig.harness.sends.length;
    const message = await client.messages.create({ model: 'mistral-large', max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'x' }] });
    assert.equal(message.content[0].type, 'text');
    assert.equal(rig.upstream.requests.at(-1)?.json?.additionalModelRequestFields, undefined);
    await sendsSettled(rig.harness, before + 1);
    assert.deepEqual(rig.harness.sends[before].outcome?.adaptations, [`thinking left out: ${MISTRAL_MODEL} does not take it`]);
  });
});
