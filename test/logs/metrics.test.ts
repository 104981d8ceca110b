import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GatewayMetrics, escapeLabelValue } from '../../proxy/logs/metrics.js';
import { generateRecords } from './records.js';
import { keyLabeller } from '../../proxy/logs/key-labels.js';

interface PromSample {
  readonly value?: string;
  readonly labels?: Record<string, string>;
  readonly buckets?: Record<string, string>;
  readonly count?: string;
  readonly sum?: string;
}
interface PromFamily {
  readonly name: string;
  readonly type: string;
  readonly metrics: readonly PromSample[];
}
// The package ships no type declarations; this is the slice of its output the tests read.
const parsePrometheus = require('parse-prometheus-text-format') as (text: string) => PromFamily[];

function family(families: PromFamily[], name: string): PromFamily {
  const f = families.find((x) => x.name === name);
  assert.ok(f, `metric ${name} is exposed`);
  return f;
}

function sum(f: PromFamily, where: (labels: Record<string, string>) => boolean = () => true): number {
  return f.metrics.filter((m) => where(m.labels ?? {})).reduce((acc, m) => acc + Number(m.value), 0);
}

test('counters equal the totals of the observed records and the text parses as Prometheus exposition', () => {
  const records = generateRecords(400, 11);
  const metrics = new GatewayMetrics();
  // 3 ms of overhead each, 1 ms of it waiting for the journal, and the rest of the latency upstream.
  for (const r of records) metrics.observe(r, { overheadMs: 3, journalMs: 1, upstreamMs: r.latencyMs });
  const families = parsePrometheus(metrics.render());

  assert.equal(family(families, 'spendgate_requests_total').type, 'COUNTER');
  assert.equal(sum(family(families, 'spendgate_requests_total')), records.length);
  assert.equal(
    sum(family(families, 'spendgate_requests_total'), (l) => l.status === '429'),
    records.filter((r) => r.status === 429).length,
  );
  assert.equal(sum(family(families, 'spendgate_errors_total')), records.filter((r) => r.errorType !== undefined).length);
  assert.equal(
    sum(family(families, 'spendgate_errors_total'), (l) => l.error_type === 'budget_exceeded'),
    records.filter((r) => r.errorType === 'budget_exceeded').length,
  );
  const tokens = family(families, 'spendgate_tokens_total');
  assert.equal(sum(tokens, (l) => l.kind === 'input'), records.reduce((a, r) => a + r.inputTokens, 0));
  assert.equal(sum(tokens, (l) => l.kind === 'cache_read'), records.reduce((a, r) => a + r.cacheReadTokens, 0));
  assert.equal(sum(tokens, (l) => l.kind === 'cache_write_1h'), records.reduce((a, r) => a + r.cacheWrite1hTokens, 0));
  const costMicros = records.reduce((a, r) => a + (r.cost?.total ?? 0), 0);
  assert.equal(sum(family(families, 'spendgate_cost_micros_total')), costMicros);
  assert.ok(Math.abs(sum(family(families, 'spendgate_cost_dollars_total')) - costMicros / 1e6) < 1e-6);
  assert.equal(sum(family(families, 'spendgate_missing_cost_total')), records.filter((r) => r.missingCost).length);

  const overhead = family(families, 'spendgate_overhead_seconds');
  assert.equal(overhead.type, 'HISTOGRAM');
  assert.equal(Number(overhead.metrics[0].count), records.length);
  assert.equal(Number(overhead.metrics[0].buckets?.['0.005']), records.length, 'every 3 ms overhead is within the 5 ms bucket');
  const overheadSum = (records.length * 3) / 1000;
  assert.ok(Math.abs(Number(overhead.metrics[0].sum) - overheadSum) < 1e-9);
  const journal = family(families, 'spendgate_journal_wait_seconds');
  const journalSum = records.length / 1000;
  assert.ok(Math.abs(Number(journal.metrics[0].sum) - journalSum) < 1e-9, 'the journal wait is part of the overhead');
  const processing = family(families, 'spendgate_processing_seconds');
  assert.equal(Number(processing.metrics[0].count), records.length);
  assert.ok(Math.abs(Number(processing.metrics[0].sum) - (overheadSum - journalSum)) < 1e-9, 'processing = overhead − journal wait');
  const upstream = family(families, 'spendgate_upstream_seconds');
  assert.equal(Number(upstream.metrics[0].count), records.filter((r) => r.providerConfigId !== undefined).length);
});

test('sub-millisecond timings are kept although a record\'s latency is whole milliseconds', () => {
  const [base] = generateRecords(1, 11);
  const metrics = new GatewayMetrics();
  // A 0.4 ms answer: its record says 0 ms, the gateway spent 0.3 ms of it (0.1 ms journaling), upstream 0.1 ms.
  metrics.observe({ ...base, latencyMs: 0, providerConfigId: 'p1' }, { overheadMs: 0.3, journalMs: 0.1, upstreamMs: 0.1 });
  const families = parsePrometheus(metrics.render());
  const sumOf = (name: string) => Number(family(families, name).metrics[0].sum);
  assert.ok(Math.abs(sumOf('spendgate_overhead_seconds') - 0.0003) < 1e-12);
  assert.ok(Math.abs(sumOf('spendgate_journal_wait_seconds') - 0.0001) < 1e-12);
  assert.ok(Math.abs(sumOf('spendgate_processing_seconds') - 0.0002) < 1e-12);
  assert.ok(Math.abs(sumOf('spendgate_upstream_seconds') - 0.0001) < 1e-12);
  assert.equal(Number(family(families, 'spendgate_overhead_seconds').metrics[0].buckets?.['0.0005']), 1);
  assert.equal(Number(family(families, 'spendgate_overhead_seconds').metrics[0].buckets?.['0.00025']), 0);
});

test('virtual key labels carry the key id and label values are escaped', () => {
  const [base] = generateRecords(1, 5);
  const metrics = new GatewayMetrics();
  const awkward = 'model "x"\\with\nnewline';
  metrics.observe({ ...base, virtualKeyId: 'vk-alice', modelServed: awkward, errorType: undefined }, { overheadMs: 1, journalMs: 0, upstreamMs: 0 });
  const text = metrics.render();
  assert.ok(text.includes(`model="${escapeLabelValue(awkward)}"`));
  const requests = family(parsePrometheus(text), 'spendgate_requests_total');
  assert.deepEqual(requests.metrics[0].labels, {
    provider_config: base.providerConfigId ?? '',
    model: awkward,
    virtual_key: 'vk-alice',
    status: String(base.status),
  });
});

test('a carriage return in a label value is escaped, so a client-chosen model name cannot start a forged sample line', () => {
  assert.equal(escapeLabelValue('a\\b"c\nd\re'), 'a\\\\b\\"c\\nd\\re');
  const [base] = generateRecords(1, 5);
  const metrics = new GatewayMetrics();
  const forged = 'claude"} 1\rspendgate_cost_dollars_total{virtual_key="x';
  metrics.observe({ ...base, modelServed: forged, errorType: undefined }, { overheadMs: 1, journalMs: 0, upstreamMs: 0 });
  const text = metrics.render();
  assert.ok(!text.includes('\r'), 'no raw carriage return in the exposition');
  assert.ok(text.includes(`model="${escapeLabelValue(forged)}"`));
  assert.equal(text.split('\n').filter((l) => l.startsWith('spendgate_cost_dollars_total{virtual_key="x')).length, 0);
});

test('a key whose secret is its id is labelled by a salted pseudonym, in request series and budget gauges alike', () => {
  const [base] = generateRecords(1, 5);
  const metrics = new GatewayMetrics();
  metrics.labelKeysWith(keyLabeller((id) => id === 'staging-key', 'install-salt'));
  metrics.observe({ ...base, virtualKeyId: 'staging-key', errorType: undefined }, { overheadMs: 1, journalMs: 0, upstreamMs: 0 });
  metrics.observe({ ...base, virtualKeyId: 'vk-hashed', errorType: undefined }, { overheadMs: 1, journalMs: 0, upstreamMs: 0 });
  const text = metrics.render([{ tier: 'virtual_key', id: 'staging-key', remainingMicros: 1 }, { tier: 'team', id: 'staging-key', remainingMicros: 1 }]);
  const label = metrics.keyLabel('staging-key');
  assert.match(label, /^key-[0-9a-f]{8}$/);
  assert.ok(!text.includes('virtual_key="staging-key"'));
  assert.ok(!text.includes('tier="virtual_key",id="staging-key"'));
  assert.ok(text.includes(`virtual_key="${label}"`));
  assert.ok(text.includes(`tier="virtual_key",id="${label}"`));
  assert.ok(text.includes('tier="team",id="staging-key"'), 'other tiers keep their ids: they are not credentials');
  assert.ok(text.includes('virtual_key="vk-hashed"'), 'a key with its own secret keeps its id');
  const otherInstall = keyLabeller((id) => id === 'staging-key', 'another-salt')('staging-key');
  assert.notEqual(otherInstall, label, 'the pseudonym depends on the install, so it cannot be computed from the id alone');
});

test('the in-flight gauge follows started and finished requests; budget gauges come from the caller', () => {
  const metrics = new GatewayMetrics();
  metrics.requestStarted();
  metrics.requestStarted();
  metrics.requestFinished();
  const families = parsePrometheus(
    metrics.render([
      { tier: 'team', id: 'platform', remainingMicros: 12_340_000 },
      { tier: 'virtual_key', id: 'vk-bob', remainingMicros: -500 },
    ]),
  );
  assert.equal(family(families, 'spendgate_in_flight').metrics[0].value, '1');
  const budgets = family(families, 'spendgate_budget_remaining_dollars');
  assert.equal(budgets.type, 'GAUGE');
  assert.deepEqual(
    budgets.metrics.map((m) => [m.labels?.tier, m.labels?.id, Number(m.value)]),
    [['team', 'platform', 12.34], ['virtual_key', 'vk-bob', -0.0005]],
  );
});
