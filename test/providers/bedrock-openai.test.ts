// OpenAI clients through the Bedrock provider: chat completions translated to Converse and back, read by the openai SDK.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { MISTRAL_MODEL, mistralTarget, sendsSettled, openAiRig } from './bedrock-fixture.js';

describe('Mistral on Bedrock for OpenAI clients', () => {
  const on = openAiRig(mistralTarget);

  test('a JSON chat completion is translated to Converse and answered as chat.completion with usage', async () => {
    const completion = await on.client.chat.completions.create({
      model: 'mistral-large',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello' },
      ],
      temperature: 0.1,
      top_p: 0.9,
      max_completion_tokens: 50,
      stop: ['END'],
    });
    assert.equal(completion.object, 'chat.completion');
    assert.equal(completion.choices[0].message.content, `Reply from ${MISTRAL_MODEL}.`);
    assert.equal(completion.choices[0].finish_reason, 'stop');
    const sent = on.rig.upstream.requests.at(-1)?.json;
    assert.deepEqual(sent?.system, [{ text: 'Be brief.' }]);
    assert.deepEqual(sent?.messages, [{ role: 'user', content: [{ text: 'Hello' }] }]);
    assert.deepEqual(sent?.inferenceConfig, { maxTokens: 50, temperature: 0.1, topP: 0.9, stopSequences: ['END'] });
    assert.ok(completion.usage);
    assert.equal(completion.usage.total_tokens, completion.usage.prompt_tokens + completion.usage.completion_tokens);
  });

  test('a streamed completion arrives as chunks ending in [DONE], with a final usage chunk when asked', async () => {
    const before = on.rig.harness.sends.length;
    const stream = await on.client.chat.completions.create({
      model: 'mistral-large',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) text += chunk.choices[0].delta.content;
      if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, `Reply from ${MISTRAL_MODEL}.`);
    assert.equal(finish, 'stop');
    assert.ok(usage);
    await sendsSettled(on.rig.harness, before + 1);
    assert.equal(on.rig.harness.sends[before].outcome?.usage?.outputTokens, usage.completion_tokens);
  });

  test('tool calls stream as tool_calls deltas and tool messages go back as a toolResult turn', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [{ type: 'function', function: { name: 'lookup', description: 'Look up', parameters: { type: 'object', properties: { q: { type: 'string' } } } } }];
    on.rig.upstream.script({ text: 'Looking.', toolUse: { name: 'lookup', input: { q: 'spendgate' } } });
    const stream = await on.client.chat.completions.create({ model: 'mistral-large', messages: [{ role: 'user', content: 'find it' }], tools, tool_choice: 'required', stream: true });
    let args = '';
    let id = '';
    let name = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) {
        if (call.id) id = call.id;
        if (call.function?.name) name = call.function.name;
        args += call.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(name, 'lookup');
    assert.deepEqual(JSON.parse(args), { q: 'spendgate' });
    assert.equal(finish, 'tool_calls');
    assert.deepEqual((on.rig.upstream.requests.at(-1)?.json?.toolConfig as { toolChoice: unknown }).toolChoice, { any: {} });

    const answer = await on.client.chat.completions.create({
      model: 'mistral-large',
      tools,
      messages: [
        { role: 'user', content: 'find it' },
        { role: 'assistant', content: null, tool_calls: [{ id, type: 'function', function: { name, arguments: args } }] },
        { role: 'tool', tool_call_id: id, content: 'found: a gateway' },
      ],
    });
    assert.equal(answer.choices[0].message.content, 'The tool said: found: a gateway');
    const history = on.rig.upstream.requests.at(-1)?.json?.messages as { role: string; content: Record<string, unknown>[] }[];
    assert.deepEqual(history[1], { role: 'assistant', content: [{ toolUse: { toolUseId: id, name: 'lookup', input: { q: 'spendgate' } } }] });
    assert.deepEqual(history[2], { role: 'user', content: [{ toolResult: { toolUseId: id, content: [{ text: 'found: a gateway' }] } }] });
  });

  test('a mid-stream exception becomes an error chunk the SDK raises', async () => {
    on.rig.upstream.script({ streamException: { type: 'ThrottlingException', message: 'slow down mid-stream', afterEvents: 2 } });
    const stream = await on.client.chat.completions.create({ model: 'mistral-large', messages: [{ role: 'user', content: 'Hi' }], stream: true });
    await assert.rejects(async () => {
      for await (const chunk of stream) void chunk;
    }, /slow down mid-stream/);
  });
});
