// The attempt loop alone, against a fake provider: the gateway's own bugs are `internal`, never a provider's failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayError, isGatewayError } from '../../proxy/core/errors.js';
import type { UpstreamOutcome } from '../../proxy/providers/types.js';
import { callUpstream } from '../../proxy/api/stages/upstream.js';
import { toWireError } from '../../proxy/api/wire-errors.js';
import { bifrost } from '../harness/config-builder.js';
import { routedRequest as context, upstreamRig } from './upstream-rig.js';

const CONFIG = bifrost({
  accounts: [
    {
      id: 'dev',
      providers: [
        { id: 'claude', type: 'anthropic', model: 'claude-sonnet-4-20250514', base_url: 'http://127.0.0.1:9' },
        { id: 'claude-backup', type: 'anthropic', model: 'claude-sonnet-4-20250514', base_url: 'http://127.0.0.1:9' },
      ],
    },
  ],
  virtual_keys: [{ id: 'k' }],
  routing: { retries: 2, breaker: { failures: 5 } },
});

const rig = (send: () => Promise<UpstreamOutcome>) => upstreamRig(CONFIG, send);

const bug = () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'content')"));

test('a TypeError thrown inside a provider call is an internal 500, logged with its stack, tried once and never retried or fallen back', async () => {
  const r = await rig(bug);
  const ctx = context(r);
  const thrown = await callUpstream(ctx, r.s).then(() => undefined, (e: unknown) => e);
  assert.ok(isGatewayError(thrown), String(thrown));
  assert.equal(thrown.kind, 'internal');
  assert.equal(thrown.status, 500);
  assert.equal(r.calls.length, 1, 'one attempt: a bug in the gateway fails the same way on every target');
  assert.equal(ctx.attempts.length, 1);
  const logged = r.events.find((e) => e.event === 'internal_error');
  assert.ok(logged, JSON.stringify(r.events));
  assert.equal(logged.level, 'error');
  assert.match(String(logged.stack), /TypeError: Cannot read properties of undefined/);
});

test('five internal faults in a row leave every provider eligible: the breaker counts only upstream behaviour', async () => {
  const r = await rig(bug);
  for (let i = 0; i < 5; i++) await callUpstream(context(r), r.s).catch(() => undefined);
  assert.equal(r.s.breakers.state('claude').state, 'closed');
  assert.equal(r.s.breakers.excluded('claude'), null);
  assert.equal(r.s.breakers.excluded('claude-backup'), null);
});

test('five upstream 5xx failures in a row still open the breaker (the contrast that makes the previous test mean something)', async () => {
  const r = await rig(() => Promise.reject(new GatewayError('upstream', 'upstream exploded', { status: 500, retryable: false })));
  for (let i = 0; i < 5; i++) await callUpstream(context(r), r.s).catch(() => undefined);
  assert.equal(r.s.breakers.state('claude').state, 'open');
});

test('an internal fault during a half-open probe gives the probe back instead of leaving the provider excluded', async () => {
  const r = await rig(bug);
  const { breakers } = r.s;
  for (const id of ['claude', 'claude-backup']) for (let i = 0; i < 5; i++) breakers.failure(id);
  r.clock.advance(r.snapshot.config.routing.breaker.cooldownMs + 1);
  assert.equal(breakers.state('claude').state, 'half_open');
  await callUpstream(context(r), r.s).catch(() => undefined);
  assert.equal(r.calls.length, 1, 'the probe went out');
  assert.equal(breakers.excluded('claude'), null, 'the next request may probe');
  assert.equal(breakers.state('claude').state, 'half_open', 'a gateway bug neither closes nor re-opens the circuit');
});

test('internal errors reach each protocol as a 500 in its own shape', () => {
  const err = new GatewayError('internal', 'internal error: boom');
  const anthropic = toWireError('anthropic', err);
  assert.equal(anthropic.status, 500);
  assert.deepEqual(JSON.parse(anthropic.body), { type: 'error', error: { type: 'api_error', message: 'internal error: boom' } });
  const openai = toWireError('openai', err);
  assert.equal(openai.status, 500);
  assert.deepEqual(JSON.parse(openai.body), { error: { message: 'internal error: boom', type: 'server_error', param: null, code: 'internal_error' } });
  const bedrock = toWireError('bedrock', err);
  assert.equal(bedrock.status, 500);
  assert.equal(bedrock.headers['x-amzn-errortype'], 'InternalServerException');
});
