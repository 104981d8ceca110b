import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Config } from '../../proxy/config/types.js';
import { ManualClock } from '../../proxy/core/clock.js';
import { BudgetLedger, type TierRef, type TierStatus } from '../../proxy/governance/ledger.js';
import { formatPolicyChanges, previewPolicyChange } from '../../proxy/insights/policy-diff.js';
import { charge } from '../governance/ledger-helpers.js';
import { DOLLAR, keyDef, period, seedConfig } from '../governance/seed.js';

const OLD = seedConfig();

/** The seed policy's budget snapshot after the given charges. */
function spending(...charges: [TierRef[], number][]): TierStatus[] {
  const ledger = new BudgetLedger(new ManualClock(Date.parse('2026-11-19T12:00:00Z')));
  ledger.configure(OLD);
  for (const [refs, dollars] of charges) charge(ledger, refs, dollars * DOLLAR);
  return ledger.snapshot();
}

const team = (limit: number, extra: Partial<Config['budgets']['team'][number]> = {}) => ({
  ...OLD.budgets,
  team: [{ ...OLD.budgets.team[0], limitMicros: limit * DOLLAR, ...extra }],
});

const lines = (next: Config, spend?: TierStatus[]) => formatPolicyChanges(previewPolicyChange(OLD, next, spend));

describe('policy change preview', () => {
  it('a lowered limit close to current spend is a warning with what is left', () => {
    const spend = spending([[{ tier: 'team', id: 'ml-engineering' }], 1400]);
    assert.deepEqual(lines(seedConfig({ budgets: team(1500) }), spend), [
      'warning  team ml-engineering limit $2,000 → $1,500: already spent $1,400 (93% of the new limit): $100 left until it resets on Dec 1',
    ]);
  });

  it('a raised limit is information', () => {
    const spend = spending([[{ tier: 'team', id: 'ml-engineering' }], 500]);
    const [change] = previewPolicyChange(OLD, seedConfig({ budgets: team(3000) }), spend);
    assert.equal(change.severity, 'info');
    assert.equal(change.consequence, 'already spent $500 (17% of the new limit): $2,500 left until it resets on Dec 1');
  });

  it('a period change says the limit applies per the new period', () => {
    const [change] = previewPolicyChange(OLD, seedConfig({ budgets: team(2000, { period: period('1w') }) }), undefined);
    assert.deepEqual([change.kind, change.before, change.after], ['period_changed', '1M', '1w']);
  });

  it('a key moved to an exhausted team would be blocked immediately', () => {
    const budgets = {
      ...OLD.budgets,
      team: [...OLD.budgets.team, { id: 'research', limitMicros: 100 * DOLLAR, period: period('1M') }],
      virtualKey: [{ ...OLD.budgets.virtualKey[0], teamId: 'research' }],
    };
    const oldWithResearch = seedConfig({ budgets: { ...budgets, virtualKey: OLD.budgets.virtualKey } });
    const ledger = new BudgetLedger(new ManualClock(Date.parse('2026-11-19T12:00:00Z')));
    ledger.configure(oldWithResearch);
    charge(ledger, [{ tier: 'team', id: 'research' }], 100 * DOLLAR);
    const changes = previewPolicyChange(oldWithResearch, seedConfig({ budgets }), ledger.snapshot());
    assert.deepEqual(formatPolicyChanges(changes), [
      'BLOCKING key staging-key moves from team ml-engineering to team research: team research has already spent $100 of $100 — its requests would be blocked immediately',
    ]);
  });

  it('tiers added and removed', () => {
    const budgets = { ...OLD.budgets, customer: [], team: [{ ...OLD.budgets.team[0], customerId: undefined }], virtualKey: [...OLD.budgets.virtualKey, { id: 'ci-key', teamId: 'ml-engineering', limitMicros: 50 * DOLLAR, period: period('1d') }] };
    const spend = spending([[{ tier: 'customer', id: 'acme-corp' }], 12.5]);
    assert.deepEqual(lines(seedConfig({ budgets }), spend), [
      'warning  customer acme-corp budget removed (was $5,000 per 1M): spend is no longer capped at this tier ($12.50 spent this period)',
      'info     team ml-engineering moves from customer acme-corp to no parent: its spend no longer counts against customer acme-corp',
      'info     key ci-key budget added: $50 per 1d: new budget under team ml-engineering; it starts from $0 this period (earlier spend was not counted at this tier)',
    ]);
  });

  it('removing a provider that has a budget warns and names where its traffic goes; a tier\'s changes stay together', () => {
    const accounts = [{ ...OLD.accounts[0], providers: [OLD.accounts[0].providers[1]] }];
    const budgets = { ...OLD.budgets, providerConfig: [] };
    const rateLimits = { ...OLD.rateLimits, providerConfig: [] };
    const spend = spending([[{ tier: 'provider_config', id: 'bedrock-claude' }], 250]);
    assert.deepEqual(lines(seedConfig({ accounts, budgets, rateLimits }), spend), [
      'warning  provider bedrock-claude provider removed (was bedrock anthropic.claude-sonnet-4-20250514-v1:0): its budget ($1,000 per 1M, $250 spent) goes with it; no provider serves anthropic.claude-sonnet-4-20250514-v1:0 any more: requests naming it go to the account\'s pool; its traffic moves to bedrock-mistral',
      'info     provider bedrock-claude rate limit 500 requests per 1h → none: requests are no longer rate limited',
      "info     provider bedrock-mistral weight 20 (20%) → 20 (100%): 100% of account ml-team's traffic instead of 20%",
    ]);
  });

  it('more traffic to a provider whose budget is nearly spent is a warning', () => {
    const accounts = [{ ...OLD.accounts[0], providers: OLD.accounts[0].providers.map((p) => ({ ...p, weight: 50 })) }];
    const spend = spending([[{ tier: 'provider_config', id: 'bedrock-claude' }], 950]);
    const changes = previewPolicyChange(OLD, seedConfig({ accounts: [{ ...accounts[0], providers: [{ ...accounts[0].providers[0], weight: 90 }, { ...accounts[0].providers[1], weight: 10 }] }] }), spend);
    assert.deepEqual(changes.map((c) => [c.subject.id, c.severity, c.consequence]), [
      ['bedrock-claude', 'warning', "90% of account ml-team's traffic instead of 80% while its budget is already $950 of $1,000"],
      ['bedrock-mistral', 'info', "10% of account ml-team's traffic instead of 20%"],
    ]);
  });

  it('rate limits: tighter is a warning, a new limit is a warning, looser is information', () => {
    const rateLimits = {
      virtualKey: [{ id: 'staging-key', requests: { limit: 100, duration: period('1h') }, tokens: { limit: 100_000, duration: period('1h') } }],
      providerConfig: [
        { id: 'bedrock-claude', requests: { limit: 500, duration: period('2h') } },
        { id: 'bedrock-mistral', tokens: { limit: 1_000_000, duration: period('1d') } },
      ],
    };
    assert.deepEqual(lines(seedConfig({ rateLimits })), [
      'info     key staging-key rate limit 50,000 tokens per 1h → 100,000 tokens per 1h: looser',
      'warning  provider bedrock-claude rate limit 500 requests per 1h → 500 requests per 2h: tighter: bursts that passed before may now get 429',
      'warning  provider bedrock-mistral rate limit none → 1,000,000 tokens per 1d: tokens are now limited: excess requests get 429',
    ]);
  });

  it('allowed models and keys', () => {
    const before = seedConfig({ virtualKeys: [keyDef('staging-key', { allowedModels: ['claude-sonnet-4', 'mistral-large'] }), keyDef('old-key')] });
    const after = seedConfig({ virtualKeys: [keyDef('staging-key', { allowedModels: ['claude-sonnet-4'] }), keyDef('new-key')] });
    assert.deepEqual(formatPolicyChanges(previewPolicyChange(before, after, undefined)), [
      'warning  key staging-key allowed models claude-sonnet-4, mistral-large → claude-sonnet-4: requests for mistral-large get 403 model_blocked',
      'warning  key old-key key removed: clients presenting this key are refused with 401',
      'info     key new-key key added: a new virtual key is accepted',
    ]);
    const restricted = previewPolicyChange(OLD, seedConfig({ virtualKeys: [keyDef('staging-key', { allowedModels: ['claude-sonnet-4'] })] }), undefined);
    assert.deepEqual(restricted.map((c) => [c.before, c.after, c.consequence]), [['any model', 'claude-sonnet-4', 'requests for any other model get 403 model_blocked']]);
  });

  it('an identical policy changes nothing', () => {
    assert.deepEqual(previewPolicyChange(OLD, seedConfig(), spending()), []);
  });
});
