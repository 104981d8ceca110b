// The attempt loop alone, against a fake provider: the gateway's own bugs are `internal`, never a provider's failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { loadConfigText } from '../../proxy/config/load.js';
import type { Config } from '../../proxy/config/types.js';
import { ManualClock } from '../../proxy/core/clock.js';
import { GatewayError, isGatewayError } from '../../proxy/core/errors.js';
import { BudgetLedger } from '../../proxy/governance/ledger.js';
import { RateLimiter } from '../../proxy/governance/ratelimits.js';
import { buildPriceBook } from '../../proxy/pricing/catalog.js';
import type { ClientRequest, Provider, UpstreamOutcome } from '../../proxy/providers/types.js';
import { CircuitBreakers } from '../../proxy/routing/breaker.js';
import { Router } from '../../proxy/routing/router.js';
import { TrafficStats } from '../../proxy/routing/traffic.js';
import { pendingBody } from '../../proxy/server/body.js';
import { HttpSink } from '../../proxy/server/sink.js';
import type { Routed } from '../../proxy/api/context.js';
import type { ConfigSnapshot } from '../../proxy/api/snapshot.js';
import { KeyRing } from '../../proxy/governance/keys.js';
import { callUpstream, type UpstreamServices } from '../../proxy/api/stages/upstream.js';
import { toWireError } from '../../proxy/api/wire-errors.js';
import { Readable } from 'node:stream';
import { bifrost } from '../harness/config-builder.js';

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

function config(): Config {
  const result = loadConfigText(CONFIG, '/tmp/bifrost.yaml');
  assert.ok(result.ok, JSON.stringify(result.ok ? [] : result.problems));
  return result.config;
}

/** An anthropic provider whose send() does what the test says; every other provider type is never called. */
function fakeProvider(send: () => Promise<UpstreamOutcome>): Provider {
  return { unsupported: () => null, send, learnedChanges: () => [], close: async () => undefined };
}

interface Rig {
  readonly s: UpstreamServices;
  /** The config, keys and prices a request is served under. */
  readonly snapshot: ConfigSnapshot;
  readonly clock: ManualClock;
  /** The event log. */
  readonly events: Record<string, unknown>[];
  /** How many times the provider was called. */
  readonly calls: () => number;
}

async function rig(send: () => Promise<UpstreamOutcome>): Promise<Rig> {
  const cfg = config();
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const ledger = new BudgetLedger(clock);
  ledger.configure(cfg);
  const limits = new RateLimiter(clock);
  limits.configure(cfg);
  const router = new Router(() => 0);
  router.configure(cfg);
  const events: Record<string, unknown>[] = [];
  let calls = 0;
  const provider = fakeProvider(() => {
    calls += 1;
    return send();
  });
  const snapshot: ConfigSnapshot = { config: cfg, keys: new KeyRing(cfg, {}), prices: await buildPriceBook(cfg.pricing) };
  const s: UpstreamServices = {
    env: {},
    providers: { anthropic: provider, openai: provider, bedrock: provider },
    breakers: new CircuitBreakers(clock, cfg.routing.breaker),
    limits,
    ledger,
    router,
    traffic: new TrafficStats(clock),
    rng: () => 0,
    clock,
    shutdown: new AbortController().signal,
    log: (event) => events.push(event),
  };
  return { s, snapshot, clock, events, calls: () => calls };
}

function context({ s, snapshot }: Rig): Routed {
  const request: ClientRequest = {
    protocol: 'anthropic',
    operation: 'messages',
    model: 'auto',
    stream: false,
    body: { model: 'auto', max_tokens: 16, messages: [] },
    raw: Buffer.from('{"model":"auto","max_tokens":16,"messages":[]}'),
    headers: {},
    query: '',
  };
  const res = new ServerResponse({ method: 'POST', headers: {} } as IncomingMessage);
  res.assignSocket(new Socket());
  const plan = s.router.plan(undefined, 'auto');
  assert.ok(plan);
  return {
    requestId: 'req-1',
    protocol: 'anthropic',
    snapshot,
    receivedAt: s.clock.now(),
    t0: performance.now(),
    route: { protocol: 'anthropic', operation: 'messages' },
    request,
    pendingBody: pendingBody(Readable.from([]), undefined, 1024),
    sink: new HttpSink(res),
    presentedKey: 'k',
    key: { id: 'k' },
    tags: {},
    plan,
    keyTiers: [],
    excluded: [],
    attempts: [],
    charges: [],
  };
}

const bug = () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'content')"));

test('a TypeError thrown inside a provider call is an internal 500, logged with its stack, tried once and never retried or fallen back', async () => {
  const r = await rig(bug);
  const ctx = context(r);
  const thrown = await callUpstream(ctx, r.s).then(() => undefined, (e: unknown) => e);
  assert.ok(isGatewayError(thrown), String(thrown));
  assert.equal(thrown.kind, 'internal');
  assert.equal(thrown.status, 500);
  assert.equal(r.calls(), 1, 'one attempt: a bug in the gateway fails the same way on every target');
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
  assert.equal(r.calls(), 1, 'the probe went out');
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
