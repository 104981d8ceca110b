// Issue 16's "Must show": every recorded Claude Code request, and the real Claude Code CLI, through a spawned gateway to Claude Sonnet 4 (InvokeModel) and Mistral Large 2407 (Converse) on the strict Bedrock stand-in.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogJson } from '../../proxy/api/wire/index.js';
import type { BudgetTierJson } from '../../proxy/api/wire/index.js';
import { loadClaudeCodeFixtures, type ClaudeCodeMessagesBody, type ClaudeCodeRequest } from '../fixtures/claude-code/index.js';
import { claudeCodeInstalled, runClaudeCode, type ClaudeCodeRun } from '../harness/claude-code.js';
import { eventually, removeDir, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { findModel } from '../upstreams/bedrock-models.js';
import { startBedrockUpstream, type BedrockOperation, type BedrockRecordedRequest, type BedrockUpstream } from '../upstreams/bedrock.js';

const SONNET_4 = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const MISTRAL = 'mistral.mistral-large-2407-v1:0';
const SONNET_4_BETAS = findModel(SONNET_4)?.claude?.betas ?? new Set<string>();
/** Headers the replay sets itself (the key) or that belong to the recorded connection, not to the request. */
const NOT_REPLAYED = new Set(['x-api-key', 'authorization', 'host', 'content-length', 'connection', 'accept-encoding']);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

/** One Bedrock target: its own stand-in, and an account holding only it, reached with its own virtual key. */
interface Target {
  readonly name: string;
  readonly modelId: string;
  readonly providerId: string;
  readonly key: string;
  /** The operations the stand-in must see for a streamed and a non-streamed request with tools. */
  readonly operations: { readonly streamed: BedrockOperation; readonly plain: BedrockOperation };
  /** Fails with the reason when the body the stand-in received breaks the model's rules. */
  readonly checkBody: (body: Json) => void;
  /** What the log record's `routing.adaptations` must mention for this Claude Code body. */
  readonly expectedAdaptations: (body: ClaudeCodeMessagesBody, streamed: boolean) => readonly RegExp[];
  upstream?: BedrockUpstream;
}

/** Claude Code's first-party telemetry block must reach no Bedrock model. */
function checkNoBillingHeader(system: unknown): void {
  for (const block of objects(system)) assert.ok(!String(block.text).startsWith('x-anthropic-billing-header:'), 'no x-anthropic-billing-header system block');
}

const hasSystemRoleMessage = (body: ClaudeCodeMessagesBody): boolean => body.messages.some((m) => m.role === 'system');

function sonnet4Adaptations(body: ClaudeCodeMessagesBody): RegExp[] {
  return [
    /anthropic-beta claude-code-20250219 dropped/,
    /anthropic-beta advanced-tool-use-2025-11-20 sent as tool-search-tool-2025-10-19/,
    /context_management removed with its beta/,
    /x-anthropic-billing-header system block removed/,
    ...(hasSystemRoleMessage(body) ? [/role "system" message\(s\) folded/] : []),
    ...(body.thinking?.type === 'adaptive' ? [/adaptive thinking sent as enabled thinking/] : []),
    ...(body.thinking?.display !== undefined ? [/thinking\.display removed/] : []),
    ...(body.max_tokens > 64_000 ? [/max_tokens \d+ lowered to 64000/] : []),
  ];
}

function mistralAdaptations(body: ClaudeCodeMessagesBody, streamed: boolean): RegExp[] {
  return [
    /context_management left out/,
    /thinking left out/,
    /max_tokens \d+ lowered to 8192/,
    /x-anthropic-billing-header system block removed/,
    ...(hasSystemRoleMessage(body) ? [/role "system" message\(s\) folded/] : []),
    ...(streamed ? [/answered by one Converse call and streamed from it/] : []),
  ];
}

function checkSonnet4Body(body: Json): void {
  for (const key of ['model', 'stream', 'context_management']) assert.ok(!(key in body), `no ${key} in an InvokeModel body`);
  assert.equal(body.anthropic_version, 'bedrock-2023-05-31');
  const betas = Array.isArray(body.anthropic_beta) ? body.anthropic_beta : [];
  for (const beta of betas) assert.ok(typeof beta === 'string' && SONNET_4_BETAS.has(beta), `anthropic_beta ${String(beta)} is one Sonnet 4 takes`);
  assert.ok(objects(body.messages).every((m) => m.role !== 'system'), 'no role: "system" message');
  assert.ok(typeof body.max_tokens === 'number' && body.max_tokens <= 64_000, `max_tokens ${String(body.max_tokens)} ≤ 64000`);
  assert.ok(isObject(body.thinking), 'thinking kept');
  assert.equal(body.thinking.type, 'enabled');
  assert.ok(typeof body.thinking.budget_tokens === 'number' && body.thinking.budget_tokens < body.max_tokens, 'budget_tokens below max_tokens');
  assert.ok(!('display' in body.thinking), 'no thinking.display');
  checkNoBillingHeader(body.system);
}

function checkMistralBody(body: Json): void {
  const messages = objects(body.messages);
  assert.equal(messages[0]?.role, 'user', 'the conversation starts with the user');
  for (let i = 1; i < messages.length; i++) assert.notEqual(messages[i].role, messages[i - 1].role, `turn ${i} alternates`);
  const blocks = messages.flatMap((m) => objects(m.content));
  const inner = blocks.flatMap((b) => (isObject(b.toolResult) ? objects(b.toolResult.content) : []));
  for (const block of [...blocks, ...inner, ...objects(body.system)]) {
    assert.ok(!('image' in block) && !('document' in block), 'no images or documents for a text-only model');
  }
  assert.ok(blocks.every((b) => !isObject(b.toolResult) || !('status' in b.toolResult)), 'no toolResult.status');
  const maxTokens = isObject(body.inferenceConfig) ? body.inferenceConfig.maxTokens : undefined;
  assert.ok(typeof maxTokens === 'number' && maxTokens <= 8192, `maxTokens ${String(maxTokens)} ≤ 8192`);
  assert.ok(!('additionalModelRequestFields' in body), 'no additionalModelRequestFields');
  checkNoBillingHeader(body.system);
}

const TARGETS: readonly Target[] = [
  {
    name: 'Claude Sonnet 4', modelId: SONNET_4, providerId: 'bedrock-sonnet4', key: 'sonnet-key',
    operations: { streamed: 'invoke-with-response-stream', plain: 'invoke' }, checkBody: checkSonnet4Body, expectedAdaptations: sonnet4Adaptations,
  },
  {
    // Mistral Large 2407 takes no tools while streaming: a streamed request with tools is one Converse call re-emitted as SSE.
    name: 'Mistral Large 2407', modelId: MISTRAL, providerId: 'bedrock-mistral', key: 'mistral-key',
    operations: { streamed: 'converse', plain: 'converse' }, checkBody: checkMistralBody, expectedAdaptations: mistralAdaptations,
  },
];

function configText(): string {
  const accounts = TARGETS.map((t) => `  - id: ${t.providerId}-account
    providers:
      - {id: ${t.providerId}, type: bedrock, region: us-east-1, model: "${t.modelId}", endpoint: "${t.upstream?.url}"}`).join('\n');
  return `accounts:
${accounts}
virtual_keys:
${TARGETS.map((t) => `  - {id: ${t.key}, account: ${t.providerId}-account}`).join('\n')}
budgets:
  virtual_key:
${TARGETS.map((t) => `    - {id: ${t.key}, limit: 1000, period: 1d}`).join('\n')}
routing:
  retries: 0
`;
}

interface SseEvent {
  readonly event: string;
  readonly data: Json;
}

function parseSse(text: string): SseEvent[] {
  return text.split(/\n\n/).filter((chunk) => chunk.trim() !== '').map((chunk) => {
    let event = '';
    let data = '';
    for (const line of chunk.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    return { event, data: JSON.parse(data) as Json };
  });
}

/** The message an Anthropic SSE stream spells out, checked to run message_start … message_stop with every block closed. */
function messageFromSse(events: readonly SseEvent[]): Json {
  assert.equal(events[0]?.event, 'message_start', 'the stream opens with message_start');
  assert.equal(events[events.length - 1]?.event, 'message_stop', 'the stream ends with message_stop');
  assert.ok(events.every((e) => e.event !== 'error'), 'no error event');
  const start = events[0].data.message;
  assert.ok(isObject(start));
  const open = new Set<number>();
  const content: Json[] = [];
  let stopReason: unknown = null;
  for (const { event, data } of events) {
    if (event === 'content_block_start' && typeof data.index === 'number' && isObject(data.content_block)) {
      open.add(data.index);
      content[data.index] = { ...data.content_block };
    } else if (event === 'content_block_stop' && typeof data.index === 'number') {
      assert.ok(open.delete(data.index), `block ${data.index} was open`);
    } else if (event === 'content_block_delta' && typeof data.index === 'number' && isObject(data.delta)) {
      const block = content[data.index];
      if (data.delta.type === 'text_delta') block.text = `${String(block.text ?? '')}${String(data.delta.text)}`;
    } else if (event === 'message_delta' && isObject(data.delta)) stopReason = data.delta.stop_reason;
  }
  assert.equal(open.size, 0, 'every content block closed');
  assert.ok(typeof stopReason === 'string', 'message_delta carries the stop reason');
  return { ...start, content, stop_reason: stopReason };
}

/** The tool result the last call carried, as the stand-in quotes it ("The tool said: …") in either API's shape. */
function lastToolResult(call: BedrockRecordedRequest): string | undefined {
  const messages = objects(call.json?.messages);
  for (const block of objects(messages[messages.length - 1]?.content)) {
    if (isObject(block.toolResult)) return String(objects(block.toolResult.content)[0]?.text);
    if (block.type === 'tool_result') return typeof block.content === 'string' ? block.content : JSON.stringify(block.content);
  }
  return undefined;
}

function textOf(message: Json): string {
  return objects(message.content).filter((b) => b.type === 'text').map((b) => String(b.text)).join('');
}

describe('Claude Code through spendgate to Bedrock (spawned gateway, strict Bedrock stand-in)', () => {
  let gw: SpawnedGateway;
  const fixtures = loadClaudeCodeFixtures();

  const logsOf = async (query: string): Promise<LogJson[]> =>
    (await gw.api<{ logs: LogJson[] }>(`/api/logs?${query}&limit=1000`)).logs;

  const spentBy = async (key: string): Promise<number> => {
    const { tiers } = await gw.api<{ tiers: BudgetTierJson[] }>('/api/budgets');
    const tier = tiers.find((t) => t.tier === 'virtual_key' && t.id === key);
    assert.ok(tier, `${key} in /api/budgets`);
    return tier.spent;
  };

  before(async () => {
    for (const target of TARGETS) target.upstream = await startBedrockUpstream();
    gw = await spawnGateway({
      config: configText(),
      env: { AWS_ACCESS_KEY_ID: 'AKIDCLAUDECODETEST', AWS_SECRET_ACCESS_KEY: 'test-secret-key', AWS_SESSION_TOKEN: '', AWS_BEARER_TOKEN_BEDROCK: '', AWS_REGION: 'us-east-1' },
    });
  });

  after(async () => {
    await gw?.kill();
    for (const target of TARGETS) await target.upstream?.close();
    if (gw !== undefined) await removeDir(gw.dataDir);
  });

  test('all four Claude Code 2.1.332 fixtures are present to replay', () => {
    assert.equal(fixtures.size, 4);
  });

  for (const target of TARGETS) {
    for (const [name, fixture] of fixtures) {
      fixture.requests.forEach((recorded: ClaudeCodeRequest, i) => {
        for (const streamed of [true, false]) {
          const label = `${name} request ${i + 1}/${fixture.requests.length} ${streamed ? 'streamed' : 'with stream: false'}`;
          test(`${label} reaches ${target.name} through ${streamed ? target.operations.streamed : target.operations.plain} in a shape it accepts, is answered 200 and logged adapted with a cost`, async () => {
            const upstream = target.upstream!;
            const seen = upstream.requests.length;
            const headers: Record<string, string> = { 'x-api-key': target.key };
            for (const [k, v] of Object.entries(recorded.headers)) if (!NOT_REPLAYED.has(k)) headers[k] = v;
            const res = await fetch(`${gw.url}/anthropic${recorded.path}?${recorded.query}`, {
              method: 'POST',
              headers,
              body: JSON.stringify({ ...recorded.body, stream: streamed }),
            });
            const text = await res.text();
            assert.equal(res.status, 200, `the gateway answered ${res.status}: ${text.slice(0, 500)}`);

            const message = streamed ? messageFromSse(parseSse(text)) : (JSON.parse(text) as Json);
            assert.equal(message.type, 'message');
            assert.equal(message.role, 'assistant');
            assert.ok(textOf(message).length > 0, 'the answer holds the stand-in\'s text');

            const sent = upstream.requests.slice(seen);
            assert.deepEqual(sent.map((r) => [r.operation, r.modelId]), [[streamed ? target.operations.streamed : target.operations.plain, target.modelId]],
              'exactly one call, the first shape accepted');
            assert.ok(sent[0].json, 'a JSON body');
            assert.equal(sent[0].auth.scheme, 'sigv4', 'signed with the AWS credentials, not the virtual key');
            for (const header of ['anthropic-beta', 'anthropic-version', 'x-api-key']) assert.equal(sent[0].headers[header], undefined, `no ${header} header to Bedrock`);
            target.checkBody(sent[0].json);

            const requestId = res.headers.get('x-request-id');
            assert.ok(requestId, 'the answer carries x-request-id');
            const [log] = await eventually(async () => {
              const logs = await logsOf(`request_id=${requestId}`);
              return logs.length > 0 ? logs : undefined;
            }, 5000, `the log record of ${requestId}`);
            assert.equal(log.status, 200);
            assert.equal(log.provider_config_id, target.providerId);
            assert.equal(log.stream, streamed);
            assert.ok(log.cost !== null && log.cost.total > 0, 'priced');
            assert.equal(log.adapted, true);
            const adaptations = log.routing?.adaptations ?? [];
            for (const expected of target.expectedAdaptations(recorded.body, streamed)) {
              assert.ok(adaptations.some((a) => expected.test(a)), `routing.adaptations mentions ${expected}: ${JSON.stringify(adaptations)}`);
            }
          });
        }
      });
    }
  }

  describe('the real Claude Code CLI', { skip: claudeCodeInstalled() ? false : 'the claude CLI is not installed' }, () => {
    /** Runs the CLI with the target's key; checks the session's new log records and the key's spend. */
    const runAgainst = async (target: Target, options: { prompt: string; model?: string; cwd?: string }): Promise<{ run: ClaudeCodeRun; logs: LogJson[]; calls: BedrockRecordedRequest[] }> => {
      const before = new Set((await logsOf(`virtual_key_ids=${target.key}`)).map((l) => l.id));
      const spentBefore = await spentBy(target.key);
      const seen = target.upstream!.requests.length;
      const run = await runClaudeCode({ baseUrl: `${gw.url}/anthropic`, apiKey: target.key, timeoutMs: 40_000, ...options });
      assert.ok(run.result, `a JSON result (exit ${String(run.exitCode)}, timed out: ${run.timedOut}): ${run.stdout.slice(-800)} ${run.stderr.slice(-800)}`);
      assert.equal(run.result.is_error, false, `not an error: ${JSON.stringify(run.result).slice(0, 800)}`);
      const logs = await eventually(async () => {
        const fresh = (await logsOf(`virtual_key_ids=${target.key}`)).filter((l) => !before.has(l.id));
        return fresh.length >= run.result!.num_turns ? fresh : undefined;
      }, 5000, 'the session\'s log records');
      for (const log of logs) {
        assert.equal(log.status, 200);
        assert.equal(log.provider_config_id, target.providerId);
        assert.ok(log.cost !== null && log.cost.total > 0, 'every call priced');
      }
      assert.ok((await spentBy(target.key)) > spentBefore, `${target.key}'s spend went up`);
      return { run, logs, calls: target.upstream!.requests.slice(seen) };
    };

    for (const target of TARGETS) {
      test(`claude -p "say hi" with its default model is answered by ${target.name}, priced in /api/logs and charged to the key`, async () => {
        const said = `Hi from ${target.name} on Bedrock.`;
        target.upstream!.script({ text: said });
        const { run, calls } = await runAgainst(target, { prompt: 'say hi' });
        assert.equal(run.result?.result, said);
        assert.deepEqual(calls.map((c) => [c.operation, c.modelId]), [[target.operations.streamed, target.modelId]]);
        assert.ok(calls.every((c) => c.json !== undefined));
        for (const call of calls) target.checkBody(call.json!);
      });
    }

    test('claude -p "say hi" --model claude-sonnet-4-20250514 is answered by Claude Sonnet 4, priced in /api/logs and charged to the key', async () => {
      const target = TARGETS[0];
      const said = 'Hi from Sonnet 4, asked by name.';
      target.upstream!.script({ text: said });
      const { run, calls } = await runAgainst(target, { prompt: 'say hi', model: 'claude-sonnet-4-20250514' });
      assert.equal(run.result?.result, said);
      assert.deepEqual(calls.map((c) => [c.operation, c.modelId]), [['invoke-with-response-stream', SONNET_4]]);
    });

    for (const target of TARGETS) {
      test(`a tool session with ${target.name}: the model calls Bash, Claude Code runs it and sends the result back, and the answer quotes it`, async () => {
        target.upstream!.script({ toolUse: { name: 'Bash', input: { command: 'echo spendgate-ok', description: 'print' } } });
        const model = target === TARGETS[0] ? 'claude-sonnet-4-20250514' : undefined;
        const { run, logs, calls } = await runAgainst(target, { prompt: 'run echo spendgate-ok with Bash', ...(model === undefined ? {} : { model }) });
        assert.ok((run.result?.num_turns ?? 0) >= 2, `num_turns ${String(run.result?.num_turns)} ≥ 2`);
        assert.ok(logs.length >= 2, 'a log record per model call');
        assert.ok(calls.length >= 2);
        const quoted = lastToolResult(calls[calls.length - 1]);
        assert.match(quoted ?? '', /^spendgate-ok/, 'the Bash output went back to the model');
        assert.equal(run.result?.result, `The tool said: ${quoted}`);
        assert.ok(calls.every((c) => c.operation === target.operations.streamed), `every call through ${target.operations.streamed}`);
        for (const call of calls) target.checkBody(call.json!);
      });
    }
  });
});
