// The error a request gets once it runs out of targets: each target tried and why, the excluded ones, the last status.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProviderConfig } from '../../proxy/config/types.js';
import { GatewayError } from '../../proxy/core/errors.js';
import type { Attempt } from '../../proxy/api/context.js';
import type { Reservation } from '../../proxy/governance/ledger.js';
import { allAttemptsFailed } from '../../proxy/api/stages/all-failed.js';

const target = (id: string): ProviderConfig => ({ id, accountId: 'ml-team', type: 'bedrock', model: `${id}-model`, weight: 1 });
const attempt = (number: number, id: string, error: GatewayError): Attempt => ({
  number,
  target: target(id),
  reservation: {} as Reservation,
  startedAt: 0,
  error,
});

test('names each target tried with its last failure and attempt count, then the excluded ones not tried', () => {
  const busy = new GatewayError('upstream', 'busy', { status: 503, upstreamType: 'ServiceUnavailableException', retryable: true });
  const timeout = new GatewayError('upstream', 'no response from the upstream within the first-byte timeout', { status: 504, retryable: true, retryAfter: 7 });
  const err = allAttemptsFailed(
    [attempt(1, 'bedrock-claude', busy), attempt(2, 'bedrock-claude', busy), attempt(3, 'bedrock-claude-eu', timeout)],
    [{ id: 'bedrock-claude-eu', reason: 'circuit open' }, { id: 'bedrock-mistral', reason: 'fallback: not compatible' }],
    timeout,
  );
  assert.equal(
    err.message,
    'all providers failed: bedrock-claude (2 attempts, last 503 ServiceUnavailableException: busy); ' +
      'bedrock-claude-eu (504: no response from the upstream within the first-byte timeout); excluded: bedrock-mistral (fallback: not compatible)',
  );
  assert.deepEqual([err.kind, err.status, err.upstreamType, err.retryAfter, err.retryable], ['upstream', 504, undefined, 7, true], 'the last failure decides the answer');
});

test('a long upstream message is shortened so several stay readable', () => {
  const long = new GatewayError('upstream', 'x'.repeat(500), { status: 502 });
  const err = allAttemptsFailed([attempt(1, 'p', long)], [], long, 'gave up at routing.max_total_ms (100 ms)');
  assert.equal(err.message, `gave up at routing.max_total_ms (100 ms): p (502: ${'x'.repeat(197)}...)`);
});
