// Alert rules and wording: thresholds reached in exact money, the Slack line, the signature, the retry schedule.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { TierStatus } from '../../proxy/governance/ledger.js';
import { guardFiring, reachedThresholds, thresholdFiring } from '../../proxy/alerts/rules.js';
import { periodAdjective, signature, slackText, webhookRequest } from '../../proxy/alerts/formats.js';
import { DEFAULT_DELIVERY, retryDelay } from '../../proxy/alerts/delivery.js';
import { destinationLabel } from '../../proxy/alerts/destinations.js';
import { dollarsToMicros } from '../../proxy/pricing/money.js';

/** The team tier having spent `spent` of `limit` dollars this period. */
const team = (spent: number, limit = 2000): TierStatus => ({
  tier: 'team',
  id: 'ml-engineering',
  parent: null,
  limitMicros: dollarsToMicros(limit),
  spentMicros: dollarsToMicros(spent),
  reservedMicros: 0,
  remainingMicros: Math.max(0, dollarsToMicros(limit) - dollarsToMicros(spent)),
  period: '1M',
  periodStart: Date.parse('2025-12-01T00:00:00Z'),
  resetsAt: Date.parse('2026-01-01T00:00:00Z'),
});

test('a threshold is reached at exactly spent / limit ≥ threshold, in micro-dollars', () => {
  assert.deepEqual(reachedThresholds(team(0.079999, 0.1), [50, 80, 95, 100]), [50]);
  assert.deepEqual(reachedThresholds(team(0.08, 0.1), [50, 80, 95, 100]), [50, 80]);
  assert.deepEqual(reachedThresholds(team(2000), [50, 80, 95, 100]), [50, 80, 95, 100]);
  assert.deepEqual(reachedThresholds(team(99.5, 100), [99.5]), [99.5]);
});

test('the Slack line reads like a sentence a budget owner understands', () => {
  const f = thresholdFiring(team(1612.4), 80, Date.UTC(2025, 11, 20));
  assert.equal(slackText(f.event), ':warning: team ml-engineering reached 80% of its $2,000.00 monthly budget ($1,612.40 spent, resets Jan 1 00:00 UTC)');
  assert.deepEqual(f.key, { type: 'budget_threshold', tier: 'team', id: 'ml-engineering', periodStart: Date.UTC(2025, 11, 1), threshold: 8000 });
  const full = thresholdFiring(team(2003.1), 100, Date.UTC(2025, 11, 20));
  assert.equal(slackText(full.event), ':rotating_light: team ml-engineering reached 100% of its $2,000.00 monthly budget ($2,003.10 spent, resets Jan 1 00:00 UTC)');
  const paused = guardFiring('dev-a', 'spent $5.00 within 10m (guard: $5.00)', Date.UTC(2025, 11, 20), undefined);
  assert.equal(slackText(paused.event), ':octagonal_sign: key dev-a was paused by the runaway-agent guard: spent $5.00 within 10m (guard: $5.00)');
  assert.equal(paused.event.limit, null);
  assert.deepEqual([periodAdjective('1d'), periodAdjective('1w'), periodAdjective('2w'), periodAdjective('1Y')], ['daily', 'weekly', '2-week', 'yearly']);
});

test('a webhook body is the stored event byte for byte, signed with HMAC-SHA256 when there is a secret', () => {
  const body = JSON.stringify(thresholdFiring(team(1000), 50, 0).event);
  const signed = webhookRequest(body, 'd-1', 'k');
  assert.equal(signed.body, body);
  assert.equal(signed.headers['x-spendgate-signature'], `sha256=${createHmac('sha256', 'k').update(body).digest('hex')}`);
  assert.equal(signature(body, 'k'), signed.headers['x-spendgate-signature']);
  assert.equal(webhookRequest(body, 'd-1', undefined).headers['x-spendgate-signature'], undefined);
  assert.equal(destinationLabel('webhook:https://hooks.example.com/T0/secret-path'), 'webhook https://hooks.example.com');
  assert.equal(destinationLabel('slack:env.SLACK_URL'), 'slack env.SLACK_URL');
});

test('retries back off exponentially with jitter: eight attempts take between half an hour and an hour', () => {
  const total = (rng: () => number) => Array.from({ length: DEFAULT_DELIVERY.maxAttempts - 1 }, (_, i) => retryDelay(i + 1, DEFAULT_DELIVERY, rng)).reduce((a, b) => a + b, 0);
  const least = total(() => 0);
  const most = total(() => 0.999999);
  assert.ok(least >= 30 * 60_000 && least < 32 * 60_000, `at least ~31 min (${least / 60_000})`);
  assert.ok(most <= 62 * 60_000 && most > 60 * 60_000, `at most ~an hour (${most / 60_000})`);
  assert.ok(retryDelay(2, DEFAULT_DELIVERY, () => 0.5) > retryDelay(1, DEFAULT_DELIVERY, () => 0.5));
});
