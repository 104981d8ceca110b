// spendgate's side of the reconciliation on both stores: per UTC day, provider config and called model id, only what
// Bedrock answered counts as an invocation, cache writes summed, other providers and refused requests left out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogRecord } from '../../proxy/logs/record.js';
import { loggedDays } from '../../proxy/reconcile/ledger.js';
import { parseReconcileRequest } from '../../proxy/reconcile/request.js';
import { LogFilterError } from '../../proxy/logs/filters.js';
import { openStore } from '../../proxy/store/open.js';
import type { Store } from '../../proxy/store/store.js';
import { removeDir, tempDir } from '../harness/temp-dir.js';
import { createSchema, type TestSchema } from '../store/pg-schema.js';
import { logRecord } from '../store/records.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2);
const PROFILE = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123';

function record(n: number, overrides: Partial<LogRecord>): LogRecord {
  return {
    ...logRecord(0),
    id: `reconcile-${n}`,
    requestId: `reconcile-req-${n}`,
    timestamp: T0 + n * 60_000,
    providerType: 'bedrock',
    providerConfigId: 'bedrock-east',
    modelServed: 'us.anthropic.claude-sonnet-4-20250514-v1:0',
    status: 200,
    inputTokens: 100,
    outputTokens: 10,
    cacheReadTokens: 1_000,
    cacheWrite5mTokens: 20,
    cacheWrite1hTokens: 5,
    ...overrides,
  };
}

const RECORDS: LogRecord[] = [
  record(0, {}),
  record(1, {}),
  // A throttled attempt: logged, no invocation, no tokens.
  record(2, { status: 429, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 }),
  record(3, { modelServed: PROFILE }),
  // The next UTC day.
  record(4, { timestamp: T0 + DAY + 5 }),
  // Outside the range (the day after the last), another provider, a request refused before any provider.
  record(5, { timestamp: T0 + 2 * DAY }),
  record(6, { providerType: 'anthropic', providerConfigId: 'anthropic-direct', modelServed: 'claude-sonnet-4-20250514' }),
  record(7, { providerType: undefined, providerConfigId: undefined, modelServed: undefined, status: 402 }),
];

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`the logged side of the reconciliation on the ${dialect} store`, () => {
    let store: Store;
    let dir: string;
    let schema: TestSchema | undefined;

    before(async () => {
      dir = await tempDir();
      schema = dialect === 'postgres' ? await createSchema() : undefined;
      store = await openStore({ dataDir: dir, url: schema?.url });
      await store.commit({ charges: [], logs: RECORDS });
    });

    after(async () => {
      await store.close();
      await schema?.drop();
      await removeDir(dir);
    });

    test('sums per day, provider config and model id; a failed attempt is no invocation', async () => {
      const days = (await loggedDays(store, T0, T0 + 2 * DAY)).sort((a, b) => a.day - b.day || a.modelId.localeCompare(b.modelId));
      assert.deepEqual(days, [
        { day: T0, providerConfigId: 'bedrock-east', modelId: PROFILE, meter: { invocations: 1, inputTokens: 100, outputTokens: 10, cacheReadTokens: 1_000, cacheWriteTokens: 25 }, cacheWrite1hTokens: 5 },
        { day: T0, providerConfigId: 'bedrock-east', modelId: 'us.anthropic.claude-sonnet-4-20250514-v1:0', meter: { invocations: 2, inputTokens: 200, outputTokens: 20, cacheReadTokens: 2_000, cacheWriteTokens: 50 }, cacheWrite1hTokens: 10 },
        { day: T0 + DAY, providerConfigId: 'bedrock-east', modelId: 'us.anthropic.claude-sonnet-4-20250514-v1:0', meter: { invocations: 1, inputTokens: 100, outputTokens: 10, cacheReadTokens: 1_000, cacheWriteTokens: 25 }, cacheWrite1hTokens: 5 },
      ]);
    });
  });
}

test('the request is whole UTC days with to included, and regions the config serves', () => {
  const r = parseReconcileRequest(new URLSearchParams('from=2026-11-02&to=2026-11-03&region=us-west-2,us-east-1'), ['us-east-1', 'us-west-2', 'eu-west-1']);
  assert.deepEqual(r, { from: T0, toExclusive: T0 + 2 * DAY, regions: ['us-east-1', 'us-west-2'] });
  assert.deepEqual(parseReconcileRequest(new URLSearchParams('from=2026-11-02&to=2026-11-02'), ['us-west-2', 'us-east-1', 'us-east-1']).regions, ['us-east-1', 'us-west-2']);
  assert.throws(() => parseReconcileRequest(new URLSearchParams('from=2026-11-02T00:00:00Z&to=2026-11-03'), ['us-east-1']), (err: unknown) => err instanceof LogFilterError && err.parameter === 'from');
  assert.throws(() => parseReconcileRequest(new URLSearchParams('from=2026-11-02&to=2026-11-03'), []), /the config has no Bedrock provider config with a region/);
});
