// Routing cores: model matching, the weighted split, exclusion, fallback, circuit breaking, backoff.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManualClock } from '../../proxy/core/clock.js';
import type { Account, Config, FallbackPolicy, ProviderConfig } from '../../proxy/config/types.js';
import { canonicalModel, compatibleModels, modelMatch } from '../../proxy/core/model-id.js';
import { pickWeighted, seededRng } from '../../proxy/routing/weighted.js';
import { Router } from '../../proxy/routing/router.js';
import { CircuitBreakers } from '../../proxy/routing/breaker.js';
import { backoffDelay } from '../../proxy/routing/backoff.js';

const provider = (id: string, model: string, weight: number): ProviderConfig => ({ id, accountId: 'ml-team', type: 'bedrock', model, weight });
const seedAccount: Account = {
  id: 'ml-team',
  providers: [
    provider('bedrock-claude', 'anthropic.claude-sonnet-4-20250514-v1:0', 80),
    provider('bedrock-mistral', 'mistral.mistral-large-2407-v1:0', 20),
  ],
};

function routerFor(accounts: Account[], seed = 7, fallback: FallbackPolicy = 'same_model'): Router {
  const router = new Router(seededRng(seed));
  router.configure({ accounts, routing: { fallback } } as unknown as Config);
  return router;
}

describe('model names', () => {
  test('Anthropic first-party names match their Bedrock ids and inference profiles', () => {
    assert.equal(canonicalModel('anthropic.claude-sonnet-4-20250514-v1:0'), 'claude-sonnet-4-20250514');
    assert.equal(canonicalModel('us.anthropic.claude-sonnet-4-20250514-v1:0'), 'claude-sonnet-4-20250514');
    assert.equal(canonicalModel('arn:aws:bedrock:us-east-1:123:inference-profile/eu.anthropic.claude-sonnet-4-20250514-v1:0'), 'claude-sonnet-4-20250514');
    assert.equal(modelMatch('claude-sonnet-4-20250514', 'anthropic.claude-sonnet-4-20250514-v1:0'), 2);
    assert.equal(modelMatch('claude-sonnet-4', 'anthropic.claude-sonnet-4-20250514-v1:0'), 1, 'an undated alias matches the family');
    assert.equal(modelMatch('claude-opus-4-1-20250805', 'anthropic.claude-sonnet-4-20250514-v1:0'), 0);
    assert.equal(modelMatch('mistral-large-2407', 'mistral.mistral-large-2407-v1:0'), 2);
  });
});

describe('weighted choice', () => {
  test('2,000 auto requests on the seed config split 80/20 within 3 points', () => {
    const router = routerFor([seedAccount]);
    const plan = router.plan(undefined, 'auto')!;
    let claude = 0;
    for (let i = 0; i < 2000; i++) if (router.choose(plan, new Set(), () => null).chosen!.id === 'bedrock-claude') claude++;
    const share = claude / 2000;
    assert.ok(Math.abs(share - 0.8) <= 0.03, `Claude share ${share}`);
  });

  test('a weight-0 item is never picked, and an empty pool picks nothing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 }), (seed) => {
        const rng = seededRng(seed);
        const pick = pickWeighted([{ id: 'a', weight: 0 }, { id: 'b', weight: 3 }], rng);
        return pick?.id === 'b';
      }),
    );
    assert.equal(pickWeighted([], Math.random), undefined);
    assert.equal(pickWeighted([{ weight: 0 }], Math.random), undefined);
  });
});

describe('candidates, exclusion and fallback', () => {
  test('a model name selects the providers that serve it; an unmatched name uses the whole pool', () => {
    const router = routerFor([seedAccount]);
    assert.deepEqual(router.plan(undefined, 'claude-sonnet-4-20250514')!.preferred.map((p) => p.id), ['bedrock-claude']);
    assert.deepEqual(router.plan(undefined, 'bedrock-mistral')!.preferred.map((p) => p.id), ['bedrock-mistral'], 'a provider config id');
    assert.deepEqual(router.plan(undefined, 'some-unknown-model')!.preferred.map((p) => p.id), ['bedrock-claude', 'bedrock-mistral']);
  });

  test('an excluded Claude sends 100% of traffic to Mistral, with the reason recorded', () => {
    const router = routerFor([seedAccount]);
    const plan = router.plan(undefined, 'auto')!;
    const eligibility = (p: ProviderConfig) => (p.id === 'bedrock-claude' ? 'provider_config budget exhausted' : null);
    for (let i = 0; i < 200; i++) {
      const choice = router.choose(plan, new Set(), eligibility);
      assert.equal(choice.chosen!.id, 'bedrock-mistral');
      assert.deepEqual(choice.excluded, [{ id: 'bedrock-claude', reason: 'provider_config budget exhausted' }]);
    }
  });

  test('with routing.fallback: any, a request for Claude falls back to the rest of the pool when Claude is unavailable', () => {
    const router = routerFor([seedAccount], 7, 'any');
    const plan = router.plan(undefined, 'claude-sonnet-4-20250514')!;
    const choice = router.choose(plan, new Set(['bedrock-claude']), () => null);
    assert.equal(choice.chosen!.id, 'bedrock-mistral');
    assert.deepEqual(choice.excluded, []);
  });
});

describe('fallback policy: no silent model swap', () => {
  const CLAUDE = 'claude-sonnet-4-20250514';
  const MISTRAL_REASON =
    'fallback: serves mistral.mistral-large-2407-v1:0, not a model compatible with claude-sonnet-4-20250514 — set routing.fallback: any to allow';
  /** Two Claude Sonnet 4 targets (on-demand and an EU inference profile) and one Mistral. */
  const pool: Account = {
    id: 'ml-team',
    providers: [
      provider('bedrock-claude', 'anthropic.claude-sonnet-4-20250514-v1:0', 80),
      provider('bedrock-claude-eu', 'eu.anthropic.claude-sonnet-4-20250514-v1:0', 0),
      provider('bedrock-mistral', 'mistral.mistral-large-2407-v1:0', 20),
    ],
  };
  const ids = (ps: readonly ProviderConfig[]) => ps.map((p) => p.id);

  const cases: ReadonlyArray<{
    readonly name: string;
    readonly policy: FallbackPolicy;
    readonly model: string;
    readonly preferred: readonly string[];
    readonly fallback: readonly string[];
    readonly fallbackExcluded: readonly { id: string; reason: string }[];
  }> = [
    {
      name: 'same_model: a Claude request keeps Mistral out of the fallback pool, with the reason',
      policy: 'same_model',
      model: CLAUDE,
      preferred: ['bedrock-claude', 'bedrock-claude-eu'],
      fallback: [],
      fallbackExcluded: [{ id: 'bedrock-mistral', reason: MISTRAL_REASON }],
    },
    {
      name: 'any: a Claude request may fall back to Mistral',
      policy: 'any',
      model: CLAUDE,
      preferred: ['bedrock-claude', 'bedrock-claude-eu'],
      fallback: ['bedrock-mistral'],
      fallbackExcluded: [],
    },
    {
      name: 'off: no fallback pool at all',
      policy: 'off',
      model: CLAUDE,
      preferred: ['bedrock-claude', 'bedrock-claude-eu'],
      fallback: [],
      fallbackExcluded: [{ id: 'bedrock-mistral', reason: 'fallback: off (routing.fallback: false)' }],
    },
    {
      name: 'same_model: auto uses the whole pool, so nothing is kept out',
      policy: 'same_model',
      model: 'auto',
      preferred: ['bedrock-claude', 'bedrock-claude-eu', 'bedrock-mistral'],
      fallback: [],
      fallbackExcluded: [],
    },
    {
      name: 'same_model: an unmatched model uses the whole pool',
      policy: 'same_model',
      model: 'gpt-4o',
      preferred: ['bedrock-claude', 'bedrock-claude-eu', 'bedrock-mistral'],
      fallback: [],
      fallbackExcluded: [],
    },
    {
      name: 'same_model: a provider config named by id falls back only to targets serving its model',
      policy: 'same_model',
      model: 'bedrock-claude',
      preferred: ['bedrock-claude'],
      fallback: ['bedrock-claude-eu'],
      fallbackExcluded: [
        {
          id: 'bedrock-mistral',
          reason:
            'fallback: serves mistral.mistral-large-2407-v1:0, not a model compatible with anthropic.claude-sonnet-4-20250514-v1:0 — set routing.fallback: any to allow',
        },
      ],
    },
    {
      name: 'any: a provider config named by id may fall back to every other target',
      policy: 'any',
      model: 'bedrock-mistral',
      preferred: ['bedrock-mistral'],
      fallback: ['bedrock-claude', 'bedrock-claude-eu'],
      fallbackExcluded: [],
    },
    {
      name: 'same_model: a target named by id falls back to another serving the same model without the inference profile',
      policy: 'same_model',
      model: 'bedrock-claude-eu',
      preferred: ['bedrock-claude-eu'],
      fallback: ['bedrock-claude'],
      fallbackExcluded: [{ id: 'bedrock-mistral', reason: MISTRAL_REASON.replace('with claude-sonnet-4-20250514', 'with eu.anthropic.claude-sonnet-4-20250514-v1:0') }],
    },
  ];

  for (const c of cases) {
    test(c.name, () => {
      const plan = routerFor([pool], 7, c.policy).plan(undefined, c.model)!;
      assert.deepEqual(ids(plan.preferred), c.preferred);
      assert.deepEqual(ids(plan.fallback), c.fallback);
      assert.deepEqual(plan.fallbackExcluded, c.fallbackExcluded);
    });
  }

  test('same_model: with every Claude target unavailable nothing is chosen, and the Mistral exclusion is reported with the others', () => {
    const router = routerFor([pool]);
    const plan = router.plan(undefined, CLAUDE)!;
    const choice = router.choose(plan, new Set(['bedrock-claude']), (p) => (p.id === 'bedrock-claude-eu' ? 'circuit open' : null));
    assert.equal(choice.chosen, undefined);
    assert.deepEqual(choice.excluded, [
      { id: 'bedrock-claude-eu', reason: 'circuit open' },
      { id: 'bedrock-mistral', reason: MISTRAL_REASON },
    ]);
  });

  test('the fallback exclusion is not reported while a preferred target can serve', () => {
    const router = routerFor([pool]);
    const choice = router.choose(router.plan(undefined, CLAUDE)!, new Set(), () => null);
    assert.equal(choice.chosen!.id, 'bedrock-claude');
    assert.deepEqual(choice.excluded, []);
  });

  test('compatible models: same canonical model or family, either name being the alias', () => {
    assert.equal(compatibleModels('claude-sonnet-4-20250514', 'us.anthropic.claude-sonnet-4-20250514-v1:0'), true);
    assert.equal(compatibleModels('claude-sonnet-4-20250514', 'claude-sonnet-4'), true);
    assert.equal(compatibleModels('claude-sonnet-4', 'anthropic.claude-sonnet-4-20250514-v1:0'), true);
    assert.equal(compatibleModels('claude-sonnet-4-20250514', 'anthropic.claude-sonnet-4-5-20250929-v1:0'), false);
    assert.equal(compatibleModels('claude-sonnet-4-20250514', 'mistral.mistral-large-2407-v1:0'), false);
  });
});

describe('circuit breaker', () => {
  test('opens after N consecutive failures, cools down, lets one probe through, and closes on success', () => {
    const clock = new ManualClock(0);
    const breakers = new CircuitBreakers(clock, { failures: 3, cooldownMs: 10_000 });
    for (let i = 0; i < 2; i++) breakers.failure('p');
    assert.equal(breakers.excluded('p'), null, 'two failures do not trip it');
    breakers.failure('p');
    assert.match(breakers.excluded('p') ?? '', /circuit open/);
    clock.advance(10_000);
    assert.equal(breakers.excluded('p'), null, 'after the cooldown one probe may go');
    breakers.begin('p');
    assert.match(breakers.excluded('p') ?? '', /probe/, 'a second request waits for the probe');
    breakers.success('p');
    assert.deepEqual(breakers.state('p'), { state: 'closed' });
  });

  test('a failed probe reopens the circuit for another cooldown', () => {
    const clock = new ManualClock(0);
    const breakers = new CircuitBreakers(clock, { failures: 1, cooldownMs: 1000 });
    breakers.failure('p');
    clock.advance(1000);
    breakers.begin('p');
    breakers.failure('p');
    assert.equal(breakers.state('p').state, 'open');
  });
});

describe('backoff', () => {
  test('full jitter stays within [0, min(max, base·2^(n-1))]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 60_000 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (n, base, max, r) => {
        const d = backoffDelay(n, base, max, () => r);
        return d >= 0 && d <= Math.min(max, base * 2 ** (n - 1));
      }),
    );
  });
});
