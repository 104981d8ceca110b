import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ManualClock } from '../../proxy/core/clock.js';
import { RateLimiter } from '../../proxy/governance/ratelimits.js';
import { SlidingWindow } from '../../proxy/governance/window.js';
import { period, seedConfig } from './seed.js';

const TEN = Date.parse('2026-11-11T10:00:00Z');
const MIN = 60_000;

function setup(start = TEN) {
  const clock = new ManualClock(start);
  const limiter = new RateLimiter(clock);
  limiter.configure(seedConfig());
  return { clock, limiter };
}

function admitMany(limiter: RateLimiter, keyId: string, count: number): number {
  let admitted = 0;
  for (let i = 0; i < count; i++) if (limiter.admitKey(keyId) === null) admitted++;
  return admitted;
}

describe('virtual key request limits (staging-key: 100 per 1h)', () => {
  it('the 101st request in an hour is refused with request_limit and a retry-after until the oldest requests leave the window', () => {
    const { clock, limiter } = setup(TEN + 30_000); // 10:00:30
    assert.equal(admitMany(limiter, 'staging-key', 40), 40);
    clock.set(TEN + 20 * MIN);
    assert.equal(admitMany(limiter, 'staging-key', 60), 60);
    clock.set(TEN + 30 * MIN);
    const error = limiter.admitKey('staging-key');
    assert.ok(error);
    assert.equal(error.kind, 'request_limit');
    assert.equal(error.status, 429);
    // The window slides in 1-minute steps: the 10:00 minute leaves the window at 11:00.
    assert.equal(error.retryAfter, 30 * 60);
    assert.equal(error.message, 'request limit reached: virtual key "staging-key" used 100 of 100 requests per 1h; retry in 1800s');
    clock.set(TEN + 60 * MIN - 1);
    assert.ok(limiter.admitKey('staging-key'), 'still limited a millisecond before retry-after');
    clock.set(TEN + 60 * MIN);
    assert.equal(admitMany(limiter, 'staging-key', 41), 40, 'the 40 early requests freed 40 slots');
  });

  it('refused requests are not counted', () => {
    const { clock, limiter } = setup();
    admitMany(limiter, 'staging-key', 100);
    assert.equal(admitMany(limiter, 'staging-key', 500), 0);
    clock.advance(60 * MIN);
    assert.equal(admitMany(limiter, 'staging-key', 101), 100);
  });

  it('keys without rate limits are always admitted', () => {
    const { limiter } = setup();
    assert.equal(admitMany(limiter, 'dev-key', 1000), 1000);
  });
});

describe('virtual key token limits (staging-key: 50,000 per 1h)', () => {
  it('refuses with token_limit once the tokens used in the window reach the limit', () => {
    const { clock, limiter } = setup();
    assert.equal(limiter.admitKey('staging-key'), null);
    limiter.recordTokens('virtual_key', 'staging-key', 30_000);
    clock.set(TEN + 10 * MIN);
    assert.equal(limiter.admitKey('staging-key'), null);
    limiter.recordTokens('virtual_key', 'staging-key', 19_999);
    assert.equal(limiter.admitKey('staging-key'), null, '49,999 tokens is still under the limit');
    limiter.recordTokens('virtual_key', 'staging-key', 1);
    clock.set(TEN + 15 * MIN);
    const error = limiter.admitKey('staging-key');
    assert.ok(error);
    assert.equal(error.kind, 'token_limit');
    assert.equal(error.retryAfter, 45 * 60, 'the 10:00 tokens leave the window at 11:00');
    assert.match(error.message, /virtual key "staging-key" used 50,000 of 50,000 tokens per 1h/);
    clock.set(TEN + 60 * MIN);
    assert.equal(limiter.admitKey('staging-key'), null);
  });

  it('a token-limited request does not use up a request slot', () => {
    const { clock, limiter } = setup();
    limiter.recordTokens('virtual_key', 'staging-key', 50_000);
    assert.equal(admitMany(limiter, 'staging-key', 200), 0);
    clock.advance(60 * MIN);
    assert.equal(admitMany(limiter, 'staging-key', 101), 100);
  });
});

describe('provider config limits (bedrock-claude: 500 requests per 1h)', () => {
  it('a provider at its request limit is excluded with a reason; checking does not count', () => {
    const { clock, limiter } = setup();
    for (let i = 0; i < 499; i++) limiter.countProviderRequest('bedrock-claude');
    for (let i = 0; i < 10; i++) assert.equal(limiter.providerExcluded('bedrock-claude'), null);
    limiter.countProviderRequest('bedrock-claude');
    assert.equal(
      limiter.providerExcluded('bedrock-claude'),
      'request limit reached: provider config "bedrock-claude" used 500 of 500 requests per 1h; frees up in 3600s',
    );
    assert.equal(limiter.providerExcluded('bedrock-mistral'), null);
    clock.advance(60 * MIN);
    assert.equal(limiter.providerExcluded('bedrock-claude'), null);
  });
});

describe('rate limit status and reload', () => {
  it('snapshot reports each limit with its use and when the oldest use leaves the window', () => {
    const { clock, limiter } = setup();
    admitMany(limiter, 'staging-key', 3);
    limiter.recordTokens('virtual_key', 'staging-key', 1234);
    limiter.countProviderRequest('bedrock-claude');
    clock.advance(15 * MIN);
    assert.deepEqual(limiter.snapshot(), [
      { scope: 'virtual_key', id: 'staging-key', kind: 'requests', limit: 100, used: 3, duration: '1h', resetsInMs: 2_700_000 },
      { scope: 'virtual_key', id: 'staging-key', kind: 'tokens', limit: 50_000, used: 1234, duration: '1h', resetsInMs: 2_700_000 },
      { scope: 'provider_config', id: 'bedrock-claude', kind: 'requests', limit: 500, used: 1, duration: '1h', resetsInMs: 2_700_000 },
    ]);
  });

  it('reload keeps the windows of surviving limits and carries use into a changed duration', () => {
    const { limiter } = setup();
    admitMany(limiter, 'staging-key', 90);
    const seed = seedConfig();
    limiter.configure(
      seedConfig({
        rateLimits: {
          ...seed.rateLimits,
          virtualKey: [{ id: 'staging-key', requests: { limit: 95, duration: period('1h') }, tokens: { limit: 10, duration: period('1d') } }],
        },
      }),
    );
    assert.equal(admitMany(limiter, 'staging-key', 10), 5);
    limiter.recordTokens('virtual_key', 'staging-key', 10);
    const seed2 = seedConfig();
    limiter.configure(
      seedConfig({
        rateLimits: { ...seed2.rateLimits, virtualKey: [{ id: 'staging-key', tokens: { limit: 10, duration: period('2d') } }] },
      }),
    );
    const error = limiter.admitKey('staging-key');
    assert.equal(error?.kind, 'token_limit', 'the 10 tokens carried into the 2d window');
  });
});

describe('sliding window', () => {
  it('matches a model that sums every amount whose bucket is among the last 60', () => {
    const hour = 3_600_000;
    const width = hour / 60;
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 3 * width }), amount: fc.integer({ min: 1, max: 1000 }) }), { maxLength: 300 }),
        fc.integer({ min: 0, max: 2 * hour }),
        (events, tail) => {
          let t = TEN;
          const window = new SlidingWindow(hour, t);
          const seen: { t: number; amount: number }[] = [];
          for (const e of events) {
            t += e.gap;
            window.add(t, e.amount);
            seen.push({ t, amount: e.amount });
          }
          const now = t + tail;
          const head = Math.floor(now / width);
          const expected = seen.filter((s) => Math.floor(s.t / width) > head - 60).reduce((sum, s) => sum + s.amount, 0);
          assert.equal(window.total(now), expected);
        },
      ),
      { numRuns: 500 },
    );
  });
});
