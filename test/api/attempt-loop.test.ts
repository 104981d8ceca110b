// The attempt loop's decisions, each piece alone: which target is chosen, when a failure is retried on the same
// target, when the request falls back, and when it ends without calling anything.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError, isGatewayError } from '../../proxy/core/errors.js';
import type { UpstreamOutcome } from '../../proxy/providers/types.js';
import { callUpstream } from '../../proxy/api/stages/upstream.js';
import { chooseTarget, eligibility, type LoopState } from '../../proxy/api/stages/choose.js';
import { bifrost } from '../harness/config-builder.js';
import { routedRequest, upstreamRig } from './upstream-rig.js';

const MODEL = 'claude-sonnet-4-20250514';

function config(options: { retries: number; failures?: number; apiKeys?: [string, string] }): string {
  const key = (i: 0 | 1) => (options.apiKeys ? { api_key: `env.${options.apiKeys[i]}` } : {});
  return bifrost({
    accounts: [
      {
        id: 'dev',
        providers: [
          { id: 'claude', type: 'anthropic', model: MODEL, base_url: 'http://127.0.0.1:9', ...key(0) },
          { id: 'claude-backup', type: 'anthropic', model: MODEL, base_url: 'http://127.0.0.1:9', ...key(1) },
        ],
      },
    ],
    virtual_keys: [{ id: 'k' }],
    routing: { retries: options.retries, backoff_base_ms: 0, backoff_max_ms: 0, breaker: { failures: options.failures ?? 10 } },
  });
}

const answered: UpstreamOutcome = { status: 200, usage: null, servedModel: MODEL };
const overloaded = () => new GatewayError('upstream', 'overloaded', { status: 529, retryable: true, upstreamType: 'overloaded_error' });
const fresh = (): LoopState => ({ current: undefined, retriesHere: 0, tried: new Set(), lastError: undefined });

test('the chosen target stays chosen while it is eligible, and is left (counted as tried) once its breaker opens', async () => {
  const r = await upstreamRig(config({ retries: 0, failures: 1 }), async () => answered);
  const ctx = routedRequest(r);
  const state = fresh();
  const isEligible = eligibility(ctx, r.s);
  const first = chooseTarget(ctx, r.s, state, isEligible);
  assert.equal(chooseTarget(ctx, r.s, state, isEligible), first);
  r.s.breakers.failure(first.id);
  const next = chooseTarget(ctx, r.s, state, isEligible);
  assert.notEqual(next.id, first.id);
  assert.deepEqual([...state.tried], [first.id]);
});

test('a retryable failure is retried on the same target until routing.retries is spent, then the request falls back', async () => {
  const r = await upstreamRig(config({ retries: 2 }), async (target) => {
    if (target.id === 'claude') throw overloaded();
    return answered;
  });
  const ctx = routedRequest(r);
  await callUpstream(ctx, r.s);
  assert.deepEqual(r.calls, ['claude', 'claude', 'claude', 'claude-backup']);
  assert.deepEqual(ctx.attempts.map((a) => a.error?.status ?? a.outcome?.status), [529, 529, 529, 200]);
});

test('an upstream refusal that is not retryable reaches the client after one call and does not count against the breaker', async () => {
  const refusal = new GatewayError('invalid_request', 'max_tokens: too large', { status: 400, retryable: false });
  const r = await upstreamRig(config({ retries: 2, failures: 1 }), async () => {
    throw refusal;
  });
  const thrown = await callUpstream(routedRequest(r), r.s).then(() => undefined, (e: unknown) => e);
  assert.equal(thrown, refusal);
  assert.deepEqual(r.calls, ['claude']);
  assert.equal(r.s.breakers.excluded('claude'), null);
});

test('when every target lacks its API key the request fails with a 502 naming each variable, and nothing is called', async () => {
  const r = await upstreamRig(config({ retries: 2, apiKeys: ['TEAM_KEY_A', 'TEAM_KEY_B'] }), async () => answered);
  const thrown = await callUpstream(routedRequest(r), r.s).then(() => undefined, (e: unknown) => e);
  assert.ok(isGatewayError(thrown), String(thrown));
  assert.equal(thrown.status, 502);
  assert.match(thrown.message, /TEAM_KEY_A/);
  assert.match(thrown.message, /TEAM_KEY_B/);
  assert.deepEqual(r.calls, []);
});
