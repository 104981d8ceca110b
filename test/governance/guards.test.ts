import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../proxy/core/clock.js';
import { SpendGuard, type GuardEvent } from '../../proxy/governance/guards.js';
import type { GuardDef } from '../../proxy/config/types.js';
import { DOLLAR, period, seedConfig } from './seed.js';

const START = Date.parse('2026-11-11T10:00:00Z');

function setup(guards: GuardDef[]) {
  const clock = new ManualClock(START);
  const guard = new SpendGuard(clock);
  guard.configure(seedConfig({ guards }));
  const events: GuardEvent[] = [];
  guard.onEvent((e) => events.push(e));
  return { clock, guard, events };
}

describe('runaway-agent guard', () => {
  it('pauses a key whose spend within the window reaches the threshold, and refuses it with guard_paused', () => {
    const { clock, guard, events } = setup([{ virtualKeyId: 'staging-key', maxSpendMicros: 20 * DOLLAR, window: period('10m') }]);
    guard.observe('staging-key', 8 * DOLLAR);
    clock.advance(60_000);
    guard.observe('staging-key', 8 * DOLLAR);
    assert.equal(guard.check('staging-key'), null);
    clock.advance(60_000);
    guard.observe('staging-key', 4 * DOLLAR);
    const error = guard.check('staging-key');
    assert.ok(error);
    assert.equal(error.kind, 'guard_paused');
    assert.equal(error.status, 429);
    assert.equal(error.message, 'virtual key "staging-key" is paused by the runaway-agent guard: spent $20.00 within 10m (guard: $20.00)');
    assert.deepEqual(events, [{ type: 'paused', keyId: 'staging-key', reason: 'spent $20.00 within 10m (guard: $20.00)', at: START + 120_000 }]);
  });

  it('spend spread beyond the window does not trip the guard', () => {
    const { clock, guard } = setup([{ virtualKeyId: 'staging-key', maxSpendMicros: 20 * DOLLAR, window: period('10m') }]);
    for (let i = 0; i < 10; i++) {
      guard.observe('staging-key', 5 * DOLLAR);
      clock.advance(5 * 60_000);
    }
    assert.equal(guard.check('staging-key'), null);
  });

  it('pauses on request count too, stays paused until resumed, and resumes with a fresh window', () => {
    const { clock, guard, events } = setup([{ virtualKeyId: 'staging-key', maxRequests: 3, window: period('1m') }]);
    for (let i = 0; i < 3; i++) guard.observe('staging-key', 0);
    assert.equal(guard.check('staging-key')?.kind, 'guard_paused');
    clock.advance(60 * 60_000);
    assert.equal(guard.check('staging-key')?.kind, 'guard_paused', 'a pause does not lift by itself');
    assert.equal(guard.resume('staging-key'), true);
    assert.equal(guard.resume('staging-key'), false);
    assert.equal(guard.check('staging-key'), null);
    guard.observe('staging-key', 0);
    assert.equal(guard.check('staging-key'), null);
    assert.deepEqual(
      events.map((e) => e.type),
      ['paused', 'resumed'],
    );
  });

  it('keys without a guard are never paused; removing a guard on reload resumes its key', () => {
    const { guard, events } = setup([{ virtualKeyId: 'staging-key', maxRequests: 1, window: period('1h') }]);
    guard.observe('dev-key', 1000 * DOLLAR);
    assert.equal(guard.check('dev-key'), null);
    guard.observe('staging-key', 0);
    assert.ok(guard.check('staging-key'));
    guard.configure(seedConfig({ guards: [] }));
    assert.equal(guard.check('staging-key'), null);
    assert.deepEqual(events.at(-1), { type: 'resumed', keyId: 'staging-key', reason: 'guard removed from the config', at: START });
  });
});
