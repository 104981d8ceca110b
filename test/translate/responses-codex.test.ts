// A request the real Codex CLI sent (test/fixtures/codex/bedrock-claude-tool-turn.json) translated for Bedrock models
// and checked against the strict stand-in's rules: Codex's developer prompt, namespace tools, hosted tools, and the
// reasoning item spendgate gave it on the turn before.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Adaptations } from '../../proxy/providers/bedrock/adaptations.js';
import { modelCapabilities } from '../../proxy/providers/bedrock/capabilities.js';
import { fitConverse } from '../../proxy/providers/bedrock/converse-fit.js';
import { ToolNames } from '../../proxy/providers/bedrock/responses-tools.js';
import { responsesToConverse } from '../../proxy/providers/bedrock/translate-responses.js';
import { blobsToWire } from '../../proxy/providers/bedrock/wire-json.js';
import { refusal } from '../upstreams/bedrock-rules.js';
import { STANDIN_THINKING } from '../upstreams/bedrock-rules-converse.js';

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'codex', name), 'utf8')) as T;
}

const secondTurn = fixture<{ request: Record<string, unknown> }>('bedrock-claude-tool-turn.json').request;
const compaction = fixture<{ compaction_request: Record<string, unknown>; after_compaction: Record<string, unknown> }>('bedrock-claude-compaction.json');
const firstTurn = { ...secondTurn, input: (secondTurn.input as unknown[]).slice(0, 4) };

function translate(body: Record<string, unknown>, model: string) {
  const adapt = new Adaptations();
  const names = new ToolNames();
  const caps = modelCapabilities(model);
  const input = fitConverse(responsesToConverse(body, model, adapt, names), model, caps, [], adapt);
  const operation = input.toolConfig !== undefined && !caps.streamingToolUse ? 'converse' : 'converse-stream';
  assert.equal(refusal(operation, model, blobsToWire(input))?.message, undefined, 'the strict Bedrock stand-in accepts it');
  return { input, names, adapt };
}

describe('a real Codex request on Bedrock', () => {
  const CLAUDE = 'us.anthropic.claude-sonnet-4-20250514-v1:0';

  test("Codex's developer messages are the system prompt and its first turn is one user turn", () => {
    const { input } = translate(firstTurn, CLAUDE);
    assert.deepEqual(input.system?.map((b) => (b.text === undefined ? Object.keys(b)[0] : 'text')), ['text', 'text', 'cachePoint']);
    assert.match(input.system?.[0].text ?? '', /You are a coding agent running in the Codex CLI/);
    assert.deepEqual(input.messages?.map((m) => m.role), ['user']);
    assert.deepEqual(input.messages?.[0].content?.at(-1), { cachePoint: { type: 'default' } }, 'prompt_cache_key: the turn is cached for the next one');
    assert.deepEqual(input.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 10_000 } });
  });

  test('every tool reaches Bedrock under a valid name; the namespace is flattened and named back; web_search is left out', () => {
    const { input, names, adapt } = translate(firstTurn, CLAUDE);
    const sent = input.toolConfig?.tools?.map((t) => t.toolSpec?.name ?? '') ?? [];
    assert.ok(sent.every((n) => /^[a-zA-Z0-9_-]{1,64}$/.test(n)));
    assert.ok(sent.includes('exec_command'));
    const flattened = sent.find((n) => n.startsWith('multi_agent_v1__'));
    assert.ok(flattened);
    assert.equal(names.client(flattened).namespace, 'multi_agent_v1');
    assert.ok(!sent.includes('web_search'));
    assert.match(adapt.messages().join('\n'), /web_search tool left out/);
  });

  test('the next turn restores the signed thinking in front of the exec_command call, so thinking stays on', () => {
    const { input } = translate(secondTurn, CLAUDE);
    assert.deepEqual(input.messages?.map((m) => m.role), ['user', 'assistant', 'user']);
    const assistant = input.messages?.[1].content ?? [];
    assert.deepEqual(assistant[0], { reasoningContent: { reasoningText: { text: STANDIN_THINKING.text, signature: STANDIN_THINKING.signature } } });
    assert.equal(assistant[2].toolUse?.name, 'exec_command');
    assert.match(input.messages?.[2].content?.[0].toolResult?.content?.[0].text ?? '', /Process exited with code 0/);
    assert.ok(input.additionalModelRequestFields);
  });

  test("Codex's own compaction request (its prompt after the tool output) keeps the thinking and the tool pairing", () => {
    const { input } = translate(compaction.compaction_request, CLAUDE);
    const turns = input.messages ?? [];
    assert.deepEqual(turns.map((m) => m.role), ['user', 'assistant', 'user']);
    assert.ok(turns[1].content?.[0].reasoningContent, 'the signed thinking leads the tool turn');
    const last = turns[2].content ?? [];
    assert.ok(last[0].toolResult, 'the tool result comes first in its turn');
    assert.match(last[1].text ?? '', /CONTEXT CHECKPOINT COMPACTION/);
  });

  test('after compaction, Codex continues from its summary as one user turn', () => {
    const { input } = translate(compaction.after_compaction, CLAUDE);
    assert.deepEqual(input.messages?.map((m) => m.role), ['user']);
    assert.match(JSON.stringify(input.messages), /Another language model started to solve this problem/);
  });

  test('the same history goes to Mistral without thinking, answered by one Converse call', () => {
    const { input } = translate(secondTurn, 'mistral.mistral-large-2407-v1:0');
    assert.equal(input.additionalModelRequestFields, undefined);
    assert.ok(!JSON.stringify(input.messages).includes('reasoningContent'));
  });
});
