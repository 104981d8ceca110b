// The upstream stage's pieces alone: real ledger, limits, router and breakers on a manual clock, a fake provider that
// does what a test says, and a routed request context — nothing but what UpstreamServices names.
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { loadConfigText } from '../../proxy/config/load.js';
import type { Config } from '../../proxy/config/types.js';
import { ManualClock } from '../../proxy/core/clock.js';
import { BudgetLedger } from '../../proxy/governance/ledger.js';
import { KeyRing } from '../../proxy/governance/keys.js';
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
import type { UpstreamServices } from '../../proxy/api/stages/upstream.js';
import { JsonBody } from '../../proxy/core/json-body.js';

/** An anthropic provider whose send() does what the test says; every other provider type is never called. */
function fakeProvider(send: (target: { id: string }) => Promise<UpstreamOutcome>): Provider {
  return { parsesWholeBody: false, unsupported: () => null, send: (_request, target) => send(target), learnedChanges: () => [], close: async () => undefined };
}

export interface UpstreamRig {
  readonly s: UpstreamServices;
  /** The config, keys and prices a request is served under. */
  readonly snapshot: ConfigSnapshot;
  readonly clock: ManualClock;
  /** The event log. */
  readonly events: Record<string, unknown>[];
  /** The provider config id of each call, in order. */
  readonly calls: string[];
}

function load(text: string): Config {
  const result = loadConfigText(text, '/tmp/bifrost.yaml');
  assert.ok(result.ok, JSON.stringify(result.ok ? [] : result.problems));
  return result.config;
}

export async function upstreamRig(configText: string, send: (target: { id: string }) => Promise<UpstreamOutcome>, env: NodeJS.ProcessEnv = {}): Promise<UpstreamRig> {
  const cfg = load(configText);
  const clock = new ManualClock(Date.UTC(2025, 0, 1));
  const ledger = new BudgetLedger(clock);
  ledger.configure(cfg);
  const limits = new RateLimiter(clock);
  limits.configure(cfg);
  const router = new Router(() => 0);
  router.configure(cfg);
  const events: Record<string, unknown>[] = [];
  const calls: string[] = [];
  const provider = fakeProvider((target) => {
    calls.push(target.id);
    return send(target);
  });
  const snapshot: ConfigSnapshot = { config: cfg, keys: new KeyRing(cfg, env), prices: await buildPriceBook(cfg.pricing) };
  const s: UpstreamServices = {
    env,
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
  return { s, snapshot, clock, events, calls };
}

/** A routed non-streaming Anthropic request for `model` from key `k`, as the route stage leaves it. */
export function routedRequest({ s, snapshot }: UpstreamRig, model = 'auto'): Routed {
  const body = { model, max_tokens: 16, messages: [] };
  const request: ClientRequest = {
    protocol: 'anthropic',
    operation: 'messages',
    model,
    stream: false,
    body: JsonBody.of(body),
    headers: {},
    query: '',
  };
  const res = new ServerResponse({ method: 'POST', headers: {} } as IncomingMessage);
  res.assignSocket(new Socket());
  const plan = s.router.plan(undefined, model);
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
