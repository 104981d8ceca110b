// The Claude InvokeModel normaliser: what Claude Code sends first-party becomes a body each Bedrock Claude model takes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Adaptations } from '../../proxy/providers/bedrock/adaptations.js';
import { modelCapabilities } from '../../proxy/providers/bedrock/capabilities.js';
import { claudeInvokeBody } from '../../proxy/providers/bedrock/claude-body.js';
import type { Adjustment } from '../../proxy/providers/bedrock/healing.js';

const SONNET_4 = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const OPUS_4_5 = 'global.anthropic.claude-opus-4-5-20251101-v1:0';
const CLAUDE_CODE_BETAS = 'claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27,'
  + 'per-turn-control-2026-07-01,thinking-token-count-2026-05-13,advanced-tool-use-2025-11-20,effort-2025-11-24';

function normalise(body: Record<string, unknown>, model = SONNET_4, header: string | undefined = CLAUDE_CODE_BETAS, learned: Adjustment[] = []) {
  const adapt = new Adaptations();
  const out = claudeInvokeBody(body, header, model, modelCapabilities(model), learned, adapt);
  return { ...out, adapt };
}

/** The first-party shape Claude Code 2.1.332 sends for a model name it does not know. */
function claudeCodeBody(): Record<string, unknown> {
  return {
    model: 'claude-opus-5-5',
    stream: true,
    max_tokens: 128000,
    thinking: { type: 'adaptive', display: 'summarized' },
    context_management: { edits: [{ type: 'clear_thinking_20251015', keep: 'all' }] },
    output_config: { effort: 'high' },
    metadata: { user_id: 'user_1', session: 'abc' },
    system: [
      { type: 'text', text: 'x-anthropic-billing-header: cc_version=2.1.332' },
      { type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral', scope: 'global' } },
    ],
    tools: [
      { name: 'Bash', description: 'Run a command', input_schema: { type: 'object' } },
      { name: 'WebFetch', description: 'Fetch', input_schema: { type: 'object' }, defer_loading: true },
      { type: 'tool_search_tool_regex_20251119', name: 'tool_search_tool_regex' },
    ],
    messages: [
      { role: 'user', content: [{ type: 'text', text: 'say hi', cache_control: { type: 'ephemeral', ttl: '1h', scope: 'global' } }] },
      { role: 'system', content: 'The date is 2026-12-03.' },
    ],
  };
}

describe('Claude Code on Claude Sonnet 4 (InvokeModel)', () => {
  const { body, betas, adapt } = normalise(claudeCodeBody());

  test('model and stream leave the body; anthropic_version is Bedrock\'s', () => {
    assert.equal(body.model, undefined);
    assert.equal(body.stream, undefined);
    assert.equal(body.anthropic_version, 'bedrock-2023-05-31');
  });

  test('only the betas Sonnet 4 takes on Bedrock are sent, under their Bedrock names', () => {
    assert.deepEqual(betas, ['interleaved-thinking-2025-05-14', 'tool-search-tool-2025-10-19']);
    assert.deepEqual(body.anthropic_beta, betas);
  });

  test('a dropped beta takes its field with it', () => {
    assert.equal(body.context_management, undefined);
    assert.equal(body.output_config, undefined);
  });

  test('the system-role message is folded into the user turn', () => {
    assert.deepEqual(body.messages, [{ role: 'user', content: [
      { type: 'text', text: 'say hi', cache_control: { type: 'ephemeral' } },
      { type: 'text', text: '<system-reminder>\nThe date is 2026-12-03.\n</system-reminder>' },
    ] }]);
  });

  test('adaptive thinking becomes enabled thinking within the capped max_tokens', () => {
    assert.equal(body.max_tokens, 64000);
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 31999 });
  });

  test('the billing header block goes; cache_control keeps only its type', () => {
    assert.deepEqual(body.system, [{ type: 'text', text: 'You are Claude Code.', cache_control: { type: 'ephemeral' } }]);
  });

  test('metadata keeps user_id only', () => {
    assert.deepEqual(body.metadata, { user_id: 'user_1' });
  });

  test('deferred tools stay with the tool-search beta (Sonnet 4 has it)', () => {
    const tools = body.tools as Record<string, unknown>[];
    assert.equal(tools.length, 3);
    assert.equal(tools[1].defer_loading, true);
  });

  test('every change is listed once, with a stable key', () => {
    const keys = adapt.list.map((a) => a.key);
    for (const key of ['beta:claude-code-20250219', 'beta:context-management-2025-06-27', 'beta:effort-2025-11-24',
      'beta:advanced-tool-use-2025-11-20', 'context_management', 'output_config.effort', 'system_messages', 'max_tokens',
      'thinking.adaptive', 'thinking.display', 'billing_header', 'cache_control.scope', 'cache_control.ttl', 'metadata']) {
      assert.ok(keys.includes(key), `missing ${key} in ${keys.join(', ')}`);
    }
  });

  test('the input body is not mutated', () => {
    const input = claudeCodeBody();
    const before = JSON.stringify(input);
    normalise(input);
    assert.equal(JSON.stringify(input), before);
  });
});

describe('other models and shapes', () => {
  test('Opus 4.5 keeps effort and context management with their betas', () => {
    const { body, betas } = normalise(claudeCodeBody(), OPUS_4_5);
    assert.ok(betas.includes('effort-2025-11-24'));
    assert.ok(betas.includes('context-management-2025-06-27'));
    assert.deepEqual(body.output_config, { effort: 'high' });
    assert.deepEqual(body.context_management, claudeCodeBody().context_management);
    assert.deepEqual((body.messages as Record<string, unknown>[])[0], {
      role: 'user', content: [
        { type: 'text', text: 'say hi', cache_control: { type: 'ephemeral', ttl: '1h' } },
        { type: 'text', text: '<system-reminder>\nThe date is 2026-12-03.\n</system-reminder>' },
      ],
    });
  });

  test('without tool search, defer_loading is stripped, the search tool removed and tool_reference becomes text', () => {
    const body = {
      max_tokens: 1000,
      tools: [{ name: 'A', input_schema: {}, defer_loading: true }, { type: 'tool_search_tool_bm25_20251119', name: 'search' }],
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'search', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'tool_reference', tool_name: 'A' }] }] },
      ],
    };
    const out = normalise(body, SONNET_4, 'claude-code-20250219');
    assert.deepEqual(out.body.tools, [{ name: 'A', input_schema: {} }]);
    const result = ((out.body.messages as Record<string, unknown>[])[1].content as Record<string, unknown>[])[0];
    assert.deepEqual(result.content, [{ type: 'text', text: 'Tool A is now available.' }]);
  });

  test('enabled thinking keeps a budget below max_tokens; too small a max_tokens drops thinking', () => {
    assert.deepEqual(normalise({ max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 4000 }, messages: [] }).body.thinking,
      { type: 'enabled', budget_tokens: 1999 });
    assert.equal(normalise({ max_tokens: 800, thinking: { type: 'enabled', budget_tokens: 4000 }, messages: [] }).body.thinking, undefined);
  });

  test('a Claude 3 model has no thinking: the field goes', () => {
    const out = normalise({ max_tokens: 100, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [] }, 'anthropic.claude-3-haiku-20240307-v1:0');
    assert.equal(out.body.thinking, undefined);
  });

  test('unknown top-level fields and per-message extras are removed', () => {
    const out = normalise({ max_tokens: 10, container: 'c', messages: [{ role: 'user', content: 'x', output_config: { effort: 'low' } }] });
    assert.equal(out.body.container, undefined);
    assert.deepEqual(out.body.messages, [{ role: 'user', content: 'x' }]);
  });

  test('a learned adjustment removes what Bedrock named, and a refused beta stays out', () => {
    const learned: Adjustment[] = [
      { kind: 'drop_field', path: ['tools', '*', 'custom', 'defer_loading'] },
      { kind: 'drop_betas', betas: ['interleaved-thinking-2025-05-14'] },
    ];
    const out = normalise(claudeCodeBody(), SONNET_4, CLAUDE_CODE_BETAS, learned);
    assert.deepEqual(out.betas, ['tool-search-tool-2025-10-19']);
    assert.equal((out.body.tools as Record<string, unknown>[]).some((t) => 'defer_loading' in t), false);
  });
});
