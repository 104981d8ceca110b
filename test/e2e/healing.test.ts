// Self-healing on a spawned `spendgate serve`: a Bedrock refusal naming a field or beta the capability table does not
// know is healed by one retry on the same target, remembered for the model (GET /api/routing), and never charged;
// a second refusal reaches the client unchanged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { removeDir, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { startBedrockUpstream, type BedrockUpstream } from '../upstreams/bedrock.js';
import { bifrost } from '../harness/config-builder.js';

const CLAUDE_ID = 'us.anthropic.claude-sonnet-4-20250514-v1:0';
const EXTRANEOUS_METADATA = 'Malformed input request: #: extraneous key [metadata] is not permitted, please reformat your input and try again.';
const EXTRA_TOP_K = 'The model returned the following errors: top_k: Extra inputs are not permitted';

function refusal(message: string) {
  return { error: { type: 'ValidationException', status: 400, message } };
}

interface Answer {
  readonly status: number;
  readonly requestId: string | null;
  readonly body: { content?: { text?: string }[]; error?: { type: string; message: string } };
}

interface LearnedJson {
  readonly change: string;
  readonly reason: string;
  readonly learned_at: string;
}

interface RoutingJson {
  readonly accounts: { readonly providers: { readonly id: string; readonly learned: readonly LearnedJson[] }[] }[];
}

interface LogJson {
  readonly status: number;
  readonly cost: { readonly total: number } | null;
  readonly adapted: boolean;
  readonly routing: { readonly adaptations: readonly string[] } | null;
}

interface BudgetsJson {
  readonly tiers: { readonly tier: string; readonly id: string; readonly spent: number }[];
}

describe('a Bedrock refusal the table does not foresee (spawned gateway)', () => {
  let upstream: BedrockUpstream;
  let gw: SpawnedGateway;

  const send = async (body: Record<string, unknown>, beta?: string): Promise<Answer> => {
    const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json', 'x-api-key': 'dev-key', 'anthropic-version': '2023-06-01',
        ...(beta === undefined ? {} : { 'anthropic-beta': beta }),
      },
      body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 64, messages: [{ role: 'user', content: 'hello' }], ...body }),
    });
    return { status: res.status, requestId: res.headers.get('x-request-id'), body: (await res.json()) as Answer['body'] };
  };
  const logOf = async (requestId: string | null): Promise<LogJson[]> =>
    (await gw.api<{ logs: LogJson[] }>(`/api/logs?request_id=${requestId ?? ''}`)).logs;
  const keySpent = async (): Promise<number> =>
    (await gw.api<BudgetsJson>('/api/budgets')).tiers.find((t) => t.tier === 'virtual_key' && t.id === 'dev-key')?.spent ?? NaN;
  const learned = async (): Promise<readonly LearnedJson[]> =>
    (await gw.api<RoutingJson>('/api/routing')).accounts[0].providers.find((p) => p.id === 'bedrock-claude')?.learned ?? [];

  before(async () => {
    upstream = await startBedrockUpstream();
    gw = await spawnGateway({
      config: bifrost({
        accounts: [{ id: 'ml-team', providers: [{ id: 'bedrock-claude', type: 'bedrock', region: 'us-east-1', model: CLAUDE_ID, endpoint: upstream.url }] }],
        budgets: { virtual_key: [{ id: 'dev-key', limit: 100, period: '1M' }] },
      }),
      env: { AWS_ACCESS_KEY_ID: 'AKIDHEALINGTEST', AWS_SECRET_ACCESS_KEY: 'healing-secret', AWS_REGION: 'us-east-1' },
    });
  });
  after(async () => {
    await gw.stop();
    await upstream.close();
    await removeDir(gw.dataDir);
  });

  test('an extraneous key is removed, the request retried once and answered; the model remembers it', async () => {
    const before = upstream.requests.length;
    upstream.script(refusal(EXTRANEOUS_METADATA));
    const answer = await send({ metadata: { user_id: 'u1' } });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const calls = upstream.requests.slice(before);
    assert.equal(calls.length, 2, 'one refused call, one retry');
    assert.deepEqual(calls[0].json?.metadata, { user_id: 'u1' });
    assert.equal(calls[1].json?.metadata, undefined);

    const [log] = await logOf(answer.requestId);
    assert.equal(log.status, 200);
    assert.ok(log.adapted);
    assert.ok(log.routing?.adaptations.includes('healed after Bedrock refused the request: remove metadata'), JSON.stringify(log.routing));

    assert.deepEqual((await learned()).map((l) => [l.change, l.reason]), [['remove metadata', EXTRANEOUS_METADATA]]);
    const events = gw.output.filter((line) => line.includes('"bedrock_request_healed"'));
    assert.equal(events.length, 1);

    // Remembered: the next request goes out without the field the first time.
    const next = await send({ metadata: { user_id: 'u1' } });
    assert.equal(next.status, 200);
    assert.equal(upstream.requests.length, before + 3);
    assert.equal(upstream.requests.at(-1)?.json?.metadata, undefined);
    assert.equal(gw.output.filter((line) => line.includes('"bedrock_request_healed"')).length, 1, 'reported once');
  });

  test('the refused call is never charged: spend equals the cost of the answered calls', async () => {
    const spentBefore = await keySpent();
    upstream.script(refusal(EXTRA_TOP_K));
    const answer = await send({ top_k: 5 });
    assert.equal(answer.status, 200);
    const [log] = await logOf(answer.requestId);
    assert.ok(log.cost !== null);
    assert.equal(Math.round((await keySpent() - spentBefore) * 1e6), Math.round(log.cost.total * 1e6));
  });

  test('an invalid beta flag drops the betas no success confirmed, and keeps the ones that worked', async () => {
    assert.equal((await send({}, 'interleaved-thinking-2025-05-14')).status, 200, 'interleaved thinking works once');
    const before = upstream.requests.length;
    upstream.script(refusal('invalid beta flag'));
    const answer = await send({}, 'interleaved-thinking-2025-05-14,fine-grained-tool-streaming-2025-05-14');
    assert.equal(answer.status, 200);
    const calls = upstream.requests.slice(before);
    assert.deepEqual(calls.map((c) => c.json?.anthropic_beta), [
      ['interleaved-thinking-2025-05-14', 'fine-grained-tool-streaming-2025-05-14'],
      ['interleaved-thinking-2025-05-14'],
    ]);
    assert.ok((await learned()).some((l) => l.change === 'do not send anthropic_beta fine-grained-tool-streaming-2025-05-14'));
  });

  test('a second refusal is returned to the client unchanged and nothing is charged', async () => {
    const spentBefore = await keySpent();
    const before = upstream.requests.length;
    const second = 'The model returned the following errors: messages.0.content: something else entirely';
    upstream.script(refusal('Malformed input request: #: extraneous key [stop_sequences] is not permitted, please reformat your input and try again.'), refusal(second));
    const answer = await send({ stop_sequences: ['END'] });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.error?.type, 'invalid_request_error');
    assert.equal(answer.body.error?.message, second);
    assert.equal(upstream.requests.length, before + 2, 'exactly one retry');
    assert.equal(await keySpent(), spentBefore);
    const [log] = await logOf(answer.requestId);
    assert.equal(log.status, 400);
  });
});
