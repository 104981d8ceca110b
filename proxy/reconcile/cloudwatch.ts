// Bedrock's side of the reconciliation: the AWS/Bedrock CloudWatch sums per ModelId and UTC day (GetMetricData).
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery, type MetricDataResult } from '@aws-sdk/client-cloudwatch';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { BedrockCallSettings } from '../providers/bedrock/credentials.js';
import { DAY_MS } from './request.js';
import type { Meter } from './ledger.js';

/** CloudWatch's metric name for each count of a Meter. */
const METRICS: readonly (readonly [keyof Meter, string])[] = [
  ['invocations', 'Invocations'],
  ['inputTokens', 'InputTokenCount'],
  ['outputTokens', 'OutputTokenCount'],
  ['cacheReadTokens', 'CacheReadInputTokenCount'],
  ['cacheWriteTokens', 'CacheWriteInputTokenCount'],
];

/** GetMetricData takes at most 500 queries per call. */
const QUERIES_PER_CALL = 500;
/** An unreachable CloudWatch fails the report's rows in seconds rather than hanging the dashboard. */
const CONNECT_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 30_000;

/** The model ids to read in one region with one set of credentials. */
export interface MeterSource {
  readonly settings: BedrockCallSettings;
  readonly modelIds: readonly string[];
}

/** `region|modelId` */
export type ModelKey = string;

export interface BedrockMeters {
  /** `region|modelId` → midnight UTC (ms) → the day's sums. Days without any datapoint are absent. */
  readonly days: ReadonlyMap<ModelKey, ReadonlyMap<number, Meter>>;
  /** `region|modelId` → why CloudWatch gave no answer for it (credentials, permissions, a per-query error). */
  readonly unavailable: ReadonlyMap<ModelKey, string>;
}

export function modelKey(region: string, modelId: string): ModelKey {
  return `${region}|${modelId}`;
}

function queriesFor(modelIds: readonly string[]): { queries: MetricDataQuery[]; byId: Map<string, { modelId: string; count: keyof Meter }> } {
  const queries: MetricDataQuery[] = [];
  const byId = new Map<string, { modelId: string; count: keyof Meter }>();
  modelIds.forEach((modelId, m) => {
    for (const [count, metricName] of METRICS) {
      const id = `m${m}_${metricName.toLowerCase()}`;
      byId.set(id, { modelId, count });
      queries.push({
        Id: id,
        MetricStat: { Metric: { Namespace: 'AWS/Bedrock', MetricName: metricName, Dimensions: [{ Name: 'ModelId', Value: modelId }] }, Period: 86_400, Stat: 'Sum' },
        ReturnData: true,
      });
    }
  });
  return { queries, byId };
}

function describeFailure(result: MetricDataResult): string {
  const messages = (result.Messages ?? []).map((m) => `${m.Code ?? 'error'}: ${m.Value ?? ''}`.trim());
  return `CloudWatch answered ${result.StatusCode ?? 'an error'} for ${result.Label ?? result.Id ?? 'a metric'}${messages.length > 0 ? ` (${messages.join('; ')})` : ''}`;
}

/** One region's answer, every page of it; a failed call marks each of its model ids unavailable with the reason. */
async function readSource(source: MeterSource, from: number, toExclusive: number, endpoint: string | undefined, days: Map<ModelKey, Map<number, Meter>>, unavailable: Map<ModelKey, string>): Promise<void> {
  const { settings } = source;
  const region = settings.region;
  if (settings.auth.scheme === 'bearer') {
    const reason = `the Bedrock provider config authenticates with a Bedrock API key (${settings.auth.source}), which cannot read CloudWatch: give it AWS credentials (a profile, a role or the default chain)`;
    for (const modelId of source.modelIds) unavailable.set(modelKey(region, modelId), reason);
    return;
  }
  const client = new CloudWatchClient({
    region,
    credentials: settings.auth.credentials,
    requestHandler: new NodeHttpHandler({ connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS }),
    ...(endpoint === undefined ? {} : { endpoint }),
  });
  try {
    const { queries, byId } = queriesFor(source.modelIds);
    for (let at = 0; at < queries.length; at += QUERIES_PER_CALL) {
      const batch = queries.slice(at, at + QUERIES_PER_CALL);
      try {
        let nextToken: string | undefined;
        do {
          const page = await client.send(
            new GetMetricDataCommand({ MetricDataQueries: batch, StartTime: new Date(from), EndTime: new Date(toExclusive), ScanBy: 'TimestampAscending', NextToken: nextToken }),
          );
          for (const result of page.MetricDataResults ?? []) {
            const query = byId.get(result.Id ?? '');
            if (query === undefined) continue;
            const key = modelKey(region, query.modelId);
            if (result.StatusCode === 'InternalError' || result.StatusCode === 'Forbidden') {
              // The first failing metric names the problem; the model's other metrics usually fail alike.
              if (!unavailable.has(key)) unavailable.set(key, describeFailure(result));
              continue;
            }
            const timestamps = result.Timestamps ?? [];
            const values = result.Values ?? [];
            timestamps.forEach((t, i) => {
              const day = Math.floor(t.getTime() / DAY_MS) * DAY_MS;
              let perDay = days.get(key);
              if (perDay === undefined) days.set(key, (perDay = new Map()));
              const meter = perDay.get(day) ?? { invocations: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
              perDay.set(day, { ...meter, [query.count]: meter[query.count] + Math.round(values[i] ?? 0) });
            });
          }
          nextToken = page.NextToken;
        } while (nextToken !== undefined);
      } catch (err) {
        const reason = `CloudWatch GetMetricData in ${region} failed: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`;
        for (const q of batch) unavailable.set(modelKey(region, byId.get(q.Id ?? '')?.modelId ?? ''), reason);
      }
    }
  } finally {
    client.destroy();
  }
}

/**
 * Reads the daily sums of every source's model ids from `from` (inclusive) to `toExclusive`, both UTC midnights.
 * `endpoint` overrides CloudWatch's URL (AWS_ENDPOINT_URL_CLOUDWATCH, the AWS SDKs' standard variable).
 */
export async function readBedrockMeters(sources: readonly MeterSource[], from: number, toExclusive: number, endpoint: string | undefined): Promise<BedrockMeters> {
  const days = new Map<ModelKey, Map<number, Meter>>();
  const unavailable = new Map<ModelKey, string>();
  await Promise.all(sources.map((s) => readSource(s, from, toExclusive, endpoint, days, unavailable)));
  return { days, unavailable };
}
