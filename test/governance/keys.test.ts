import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { KeyRing, modelAllowed } from '../../proxy/governance/keys.js';
import { keyDef, seedConfig, twoTeamConfig } from './seed.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

describe('virtual key authentication', () => {
  it('a key without a configured secret is presented as its own id', () => {
    const ring = new KeyRing(seedConfig(), {});
    assert.equal(ring.authenticate('staging-key')?.id, 'staging-key');
  });

  it('resolves the team from the key budget and the customer from the team', () => {
    const ring = new KeyRing(seedConfig(), {});
    assert.deepEqual(ring.authenticate('staging-key'), { id: 'staging-key', teamId: 'ml-engineering', customerId: 'acme-corp' });
  });

  it('accepts literal, env.NAME and sha256:HEX secrets', () => {
    const config = seedConfig({
      virtualKeys: [
        keyDef('staging-key', { secret: { kind: 'literal', value: 'sk-literal-123' } }),
        keyDef('ci-key', { secret: { kind: 'env', name: 'CI_VIRTUAL_KEY' } }),
        keyDef('ops-key', { secret: { kind: 'sha256', hex: sha256('sk-hashed-456').toUpperCase() } }),
      ],
    });
    const ring = new KeyRing(config, { CI_VIRTUAL_KEY: 'sk-from-env-789' });
    assert.equal(ring.authenticate('sk-literal-123')?.id, 'staging-key');
    assert.equal(ring.authenticate('sk-from-env-789')?.id, 'ci-key');
    assert.equal(ring.authenticate('sk-hashed-456')?.id, 'ops-key');
    assert.deepEqual(ring.problems, []);
  });

  it('rejects wrong, empty and near-miss secrets, and the id of a key that has its own secret', () => {
    const config = seedConfig({ virtualKeys: [keyDef('staging-key', { secret: { kind: 'literal', value: 'sk-literal-123' } })] });
    const ring = new KeyRing(config, {});
    for (const wrong of ['', 'staging-key', 'sk-literal-12', 'sk-literal-1234', 'SK-LITERAL-123', sha256('sk-literal-123')]) {
      assert.equal(ring.authenticate(wrong), undefined, `"${wrong}" must not authenticate`);
    }
  });

  it('a key whose env variable is unset cannot authenticate, and the problem names the variable, not a value', () => {
    const config = seedConfig({ virtualKeys: [keyDef('ci-key', { secret: { kind: 'env', name: 'CI_VIRTUAL_KEY' } })] });
    const ring = new KeyRing(config, {});
    assert.equal(ring.authenticate(''), undefined);
    assert.equal(ring.authenticate('ci-key'), undefined);
    assert.deepEqual(ring.problems, ['virtual key "ci-key": environment variable CI_VIRTUAL_KEY is not set']);
    assert.equal(ring.get('ci-key')?.id, 'ci-key');
  });

  it('two keys sharing one secret both stop authenticating rather than one taking the other’s budget', () => {
    const shared = { kind: 'literal', value: 'sk-same' } as const;
    const config = twoTeamConfig();
    const ring = new KeyRing({ ...config, virtualKeys: [keyDef('dev-key', { secret: shared }), keyDef('platform-key', { secret: shared })] }, {});
    assert.equal(ring.authenticate('sk-same'), undefined);
    assert.equal(ring.problems.length, 1);
    assert.ok(!ring.problems[0].includes('sk-same'), 'the secret never appears in a problem');
  });
});

describe('model allow-lists', () => {
  const key = (allowedModels?: string[]) => ({ id: 'k', ...(allowedModels ? { allowedModels } : {}) });

  it('no allow-list permits every model', () => {
    assert.equal(modelAllowed(key(), 'gpt-4o'), true);
  });

  it('entries match exactly or by a trailing * wildcard', () => {
    const k = key(['claude-sonnet-4-*', 'gpt-4o']);
    assert.equal(modelAllowed(k, 'claude-sonnet-4-20250514'), true);
    assert.equal(modelAllowed(k, 'gpt-4o'), true);
    assert.equal(modelAllowed(k, 'gpt-4o-mini'), false);
    assert.equal(modelAllowed(k, 'claude-opus-4-20250514'), false);
    assert.equal(modelAllowed(key(['*']), 'anything'), true);
    assert.equal(modelAllowed(key([]), 'anything'), false);
  });
});
