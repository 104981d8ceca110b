import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  filterToParams,
  LogFilterError,
  matches,
  parseLogFilter,
  parseLogQuery,
  type LogQuery,
} from '../../proxy/logs/filters.js';
import { isGatewayError } from '../../proxy/core/errors.js';
import { generateFilter, generateRecords, seededRandom } from './records.js';

function rejects(input: URLSearchParams | Record<string, unknown>, parameter: string): void {
  assert.throws(
    () => parseLogQuery(input),
    (err: unknown) => err instanceof LogFilterError && err.parameter === parameter && err.message.includes(parameter),
  );
}

test('an empty query selects everything, newest first, 50 per page', () => {
  assert.deepEqual(parseLogQuery(new URLSearchParams()), { limit: 50, offset: 0, sortBy: 'timestamp', order: 'desc' });
});

test('list parameters accept commas, repeats and arrays alike', () => {
  const fromCommas = parseLogQuery(new URLSearchParams('models=a,b&providers=bedrock'));
  const fromRepeats = parseLogQuery(new URLSearchParams('models=a&models=b&providers=bedrock'));
  const fromJson = parseLogQuery({ models: ['a', 'b'], providers: 'bedrock' });
  assert.deepEqual(fromCommas.models, ['a', 'b']);
  assert.deepEqual(fromRepeats, fromCommas);
  assert.deepEqual(fromJson, fromCommas);
});

test('times accept ISO 8601 with a zone, dates, and epoch milliseconds', () => {
  const q = parseLogQuery(new URLSearchParams('start_time=2025-06-01T12:00:00Z&end_time=1748822400000'));
  assert.equal(q.startTime, Date.UTC(2025, 5, 1, 12));
  assert.equal(q.endTime, 1748822400000);
  assert.equal(parseLogQuery({ start_time: '2025-06-01' }).startTime, Date.UTC(2025, 5, 1));
  assert.equal(parseLogQuery({ start_time: '2025-06-01T14:00:00+02:00' }).startTime, Date.UTC(2025, 5, 1, 12));
});

test('cost bounds are dollars converted exactly to integer micro-dollars', () => {
  const q = parseLogQuery(new URLSearchParams('min_cost=0.000001&max_cost=12.345678'));
  assert.equal(q.minCostMicros, 1);
  assert.equal(q.maxCostMicros, 12_345_678);
  assert.equal(parseLogQuery({ min_cost: '0.1' }).minCostMicros, 100_000);
  assert.equal(parseLogQuery({ min_cost: 0.3 }).minCostMicros, 300_000, 'a JSON number (a WebSocket filter)');
  assert.equal(parseLogQuery({ min_cost: '1.0000005' }).minCostMicros, 1_000_001, 'half a micro-dollar rounds up');
  assert.equal(parseLogQuery({ min_cost: ' 5. ' }).minCostMicros, 5_000_000);
  for (const bad of ['-1', '1e3', '$5', '1,000', '.5', '', '99999999999999999999']) rejects({ min_cost: bad }, 'min_cost');
  rejects({ min_cost: -1 }, 'min_cost');
});

test('status accepts success, error, exact codes and classes', () => {
  assert.deepEqual(parseLogQuery({ status: 'success,429,5xx,error' }).status, [
    { kind: 'success' },
    { kind: 'code', code: 429 },
    { kind: 'class', hundreds: 5 },
    { kind: 'error' },
  ]);
});

test('tags are key=value pairs, all of which must match', () => {
  const f = parseLogFilter({ tags: ['branch=main', 'workspace=a=b'] });
  assert.deepEqual(f.tags, [{ key: 'branch', value: 'main' }, { key: 'workspace', value: 'a=b' }]);
});

test('every invalid value is an invalid_request error naming its parameter', () => {
  rejects({ limit: '0' }, 'limit');
  rejects({ limit: '1001' }, 'limit');
  rejects({ limit: 'ten' }, 'limit');
  rejects({ offset: '-1' }, 'offset');
  rejects({ sort_by: 'price' }, 'sort_by');
  rejects({ order: 'up' }, 'order');
  rejects({ providers: 'bedrock,azure' }, 'providers');
  rejects({ cache: 'miss' }, 'cache');
  rejects({ status: 'ok' }, 'status');
  rejects({ start_time: 'yesterday' }, 'start_time');
  rejects({ end_time: '2025-06-01T12:00:00' }, 'end_time'); // no zone: ambiguous
  rejects({ min_latency: '1.5' }, 'min_latency');
  rejects({ max_tokens: '-3' }, 'max_tokens');
  rejects({ min_cost: 'free' }, 'min_cost');
  rejects({ stream: 'yes' }, 'stream');
  rejects({ missing_cost_only: 'maybe' }, 'missing_cost_only');
  rejects({ tags: 'branch' }, 'tags');
  rejects({ models: ',' }, 'models');
  rejects({ request_id: '' }, 'request_id');
  rejects({ start_time: '2025-06-02', end_time: '2025-06-01' }, 'end_time');
  rejects({ min_cost: '2', max_cost: '1' }, 'max_cost');
  rejects({ model: 'gpt-4o' }, 'model');
  const err = (() => {
    try {
      parseLogQuery({ limit: '0' });
    } catch (e) {
      return e;
    }
  })();
  assert.ok(isGatewayError(err) && err.kind === 'invalid_request' && err.status === 400);
});

test('parameters named as pass-through are left to the caller', () => {
  assert.deepEqual(parseLogFilter({ interval: 'hour', models: 'a' }, { passThrough: ['interval'] }), { models: ['a'] });
});

test('filterToParams writes a query string that parses back to the same filter', () => {
  const gen = fc.integer({ min: 1, max: 1_000_000 }).map((seed) => {
    const rnd = seededRandom(seed);
    const f = generateFilter(rnd);
    const page: Partial<LogQuery> = { limit: 1 + Math.floor(rnd() * 1000), offset: Math.floor(rnd() * 100), sortBy: 'cost', order: 'asc' };
    return { ...f, ...page } as LogQuery;
  });
  fc.assert(
    fc.property(gen, (q) => {
      const { startTime, endTime } = q;
      if (startTime !== undefined && endTime !== undefined && endTime < startTime) return;
      const reparsed = parseLogQuery(filterToParams(q));
      assert.deepEqual(reparsed, q);
    }),
    { numRuns: 300 },
  );
});

test('matches: list filters match any value; absent fields never match a list', () => {
  const [r] = generateRecords(1, 7);
  assert.equal(matches({ virtualKeyIds: ['x', r.virtualKeyId ?? 'none'] }, r), r.virtualKeyId !== undefined);
  assert.equal(matches({ models: [r.modelServed ?? r.modelRequested] }, r), true);
  assert.equal(matches({ models: ['never'] }, r), false);
});

test('matches: records without a cost never pass a cost bound but do pass missing_cost_only', () => {
  const r = generateRecords(300, 3).find((x) => x.cost === null);
  assert.ok(r);
  assert.equal(matches({ minCostMicros: 0 }, r), false);
  assert.equal(matches({ maxCostMicros: 1e12 }, r), false);
  assert.equal(matches({ missingCostOnly: true }, r), true);
});

test('matches: content search folds ASCII case only and treats LIKE wildcards literally', () => {
  const base = generateRecords(1, 1)[0];
  const r = { ...base, requestBody: 'Make a_b 50% ÜBER', responseBody: undefined, errorMessage: undefined };
  assert.equal(matches({ contentSearch: 'make A_B' }, r), true);
  assert.equal(matches({ contentSearch: 'a%b' }, r), false);
  assert.equal(matches({ contentSearch: 'über' }, r), false);
  assert.equal(matches({ contentSearch: 'ÜBER' }, r), true);
});
