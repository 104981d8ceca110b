// A loopback CloudWatch that answers GetMetricData in the wire protocol the installed @aws-sdk/client-cloudwatch
// speaks (AWS JSON 1.0, `x-amz-target: GraniteServiceVersion20100801.GetMetricData`, awsQuery-compatible errors with
// `x-amzn-query-error`), from per-(region, ModelId, UTC day) sums of the AWS/Bedrock metrics: the ones the Bedrock
// stand-in meters as it serves, and the ones a test injects (traffic that did not go through the gateway).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The AWS/Bedrock runtime metrics the stand-in keeps, by CloudWatch metric name. */
export const BEDROCK_METRICS = ['Invocations', 'InputTokenCount', 'OutputTokenCount', 'CacheReadInputTokenCount', 'CacheWriteInputTokenCount'] as const;
export type BedrockMetric = (typeof BEDROCK_METRICS)[number];
export type MeterReading = Partial<Record<BedrockMetric, number>>;

export interface CloudWatchRecordedRequest {
  readonly target: string;
  /** Region and service of the SigV4 credential scope. */
  readonly region: string;
  readonly service: string;
  readonly body: Record<string, unknown>;
}

export interface CloudWatchStandIn {
  /** `http://127.0.0.1:PORT`, for AWS_ENDPOINT_URL_CLOUDWATCH. */
  readonly url: string;
  readonly requests: CloudWatchRecordedRequest[];
  /** Adds to the sums of one model in one region on the UTC day holding `at` (ms, or a YYYY-MM-DD). */
  meter(region: string, modelId: string, at: number | string, reading: MeterReading): void;
  /** Queries of this (region, ModelId) answer with a per-query `InternalError` status, as CloudWatch does when it cannot read a metric. */
  failModel(region: string, modelId: string): void;
  close(): Promise<void>;
}

export interface CloudWatchStandInOptions {
  /** Datapoints per response before a NextToken is handed out (real CloudWatch pages at 100,800). */
  readonly pageDatapoints?: number;
  /** The regions this endpoint answers for (a regional endpoint answers one); any region when absent. */
  readonly regions?: readonly string[];
}

const DAY_MS = 86_400_000;
const TARGET = 'GraniteServiceVersion20100801.GetMetricData';
const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;
const MAX_QUERIES = 500;

class CloudWatchFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly shape: string,
    message: string,
  ) {
    super(message);
  }
}

function invalid(message: string): CloudWatchFault {
  return new CloudWatchFault(400, 'InvalidParameterValue', 'InvalidParameterValueException', message);
}

function dayOf(at: number | string): number {
  const ms = typeof at === 'number' ? at : Date.parse(`${at}T00:00:00Z`);
  if (!Number.isFinite(ms)) throw new Error(`not a day: ${at}`);
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

function sigv4Scope(header: string | undefined): { region: string; service: string } | undefined {
  const m = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.exec(header ?? '');
  return m ? { region: m[1], service: m[2] } : undefined;
}

interface MetricQuery {
  readonly id: string;
  readonly metric: BedrockMetric;
  readonly modelId: string;
  readonly period: number;
}

/** The queries of a request, refused as CloudWatch refuses them. */
function readQueries(body: Record<string, unknown>): MetricQuery[] {
  const list = body.MetricDataQueries;
  if (!Array.isArray(list) || list.length === 0) throw invalid('The parameter MetricDataQueries is required.');
  if (list.length > MAX_QUERIES) {
    throw new CloudWatchFault(400, 'ValidationError', 'ValidationError', `1 validation error detected: Value at 'metricDataQueries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_QUERIES}`);
  }
  const ids = new Set<string>();
  return list.map((raw: Record<string, unknown>, i) => {
    const id = String(raw.Id ?? '');
    if (!QUERY_ID.test(id)) throw invalid(`The value ${id} for parameter MetricDataQueries.member.${i + 1}.Id is not valid. The Id must start with a lowercase letter and contain only letters, numbers and underscores.`);
    if (ids.has(id)) throw invalid(`The value ${id} for parameter MetricDataQueries.member.${i + 1}.Id is not unique.`);
    ids.add(id);
    const stat = raw.MetricStat as { Metric?: { Namespace?: string; MetricName?: string; Dimensions?: { Name?: string; Value?: string }[] }; Period?: number; Stat?: string } | undefined;
    if (stat === undefined) throw invalid(`The parameter MetricDataQueries.member.${i + 1}.MetricStat is required (the stand-in answers no Expression queries).`);
    const period = Number(stat.Period);
    if (!Number.isInteger(period) || period <= 0 || period % 60 !== 0) throw invalid(`The parameter MetricDataQueries.member.${i + 1}.MetricStat.Period must be a multiple of 60.`);
    if (period % 86_400 !== 0) throw invalid(`The stand-in keeps daily sums only: MetricDataQueries.member.${i + 1}.MetricStat.Period must be a multiple of 86400.`);
    if (stat.Stat !== 'Sum') throw invalid(`The stand-in answers the Sum statistic only, not ${String(stat.Stat)}.`);
    const metric = stat.Metric;
    const name = String(metric?.MetricName ?? '');
    const known = metric?.Namespace === 'AWS/Bedrock' && (BEDROCK_METRICS as readonly string[]).includes(name);
    // A metric nobody published is not an error to CloudWatch: it answers with no datapoints (the empty ModelId).
    const modelId = known ? (metric?.Dimensions?.find((d) => d.Name === 'ModelId')?.Value ?? '') : '';
    return { id, metric: known ? (name as BedrockMetric) : 'Invocations', modelId, period };
  });
}

function epochSeconds(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`The parameter ${name} is required.`);
  return value;
}

export async function startCloudWatchStandIn(options: CloudWatchStandInOptions = {}): Promise<CloudWatchStandIn> {
  const pageSize = options.pageDatapoints ?? 100_800;
  /** `region|modelId|metric` → day start (ms) → sum. */
  const sums = new Map<string, Map<number, number>>();
  const failing = new Set<string>();
  const requests: CloudWatchRecordedRequest[] = [];

  const datapoints = (region: string, q: MetricQuery, start: number, end: number): { t: number; v: number }[] => {
    const days = sums.get(`${region}|${q.modelId}|${q.metric}`);
    if (days === undefined) return [];
    const periodMs = q.period * 1000;
    const buckets = new Map<number, number>();
    for (const [day, value] of days) {
      if (day < start || day >= end) continue;
      const bucket = start + Math.floor((day - start) / periodMs) * periodMs;
      buckets.set(bucket, (buckets.get(bucket) ?? 0) + value);
    }
    return [...buckets].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, v }));
  };

  const answer = (region: string, body: Record<string, unknown>): Record<string, unknown> => {
    const queries = readQueries(body);
    const start = epochSeconds(body.StartTime, 'StartTime') * 1000;
    const end = epochSeconds(body.EndTime, 'EndTime') * 1000;
    if (start >= end) throw invalid('The parameter StartTime must be less than the parameter EndTime.');
    // The NextToken is the count of datapoints already handed out, in query order then time order.
    const skip = body.NextToken === undefined ? 0 : Number(body.NextToken);
    if (!Number.isInteger(skip) || skip < 0) throw new CloudWatchFault(400, 'InvalidNextToken', 'InvalidNextToken', 'The service returned an error: the next token is not valid.');
    let seen = 0;
    let sent = 0;
    const results: Record<string, unknown>[] = [];
    for (const q of queries) {
      if (failing.has(`${region}|${q.modelId}`)) {
        if (skip === 0) results.push({ Id: q.id, Label: q.metric, Timestamps: [], Values: [], StatusCode: 'InternalError', Messages: [{ Code: 'InternalError', Value: 'An internal error occurred while reading this metric.' }] });
        continue;
      }
      const points = datapoints(region, q, start, end);
      const mine: { t: number; v: number }[] = [];
      for (const p of points) {
        seen += 1;
        if (seen > skip && sent < pageSize) {
          mine.push(p);
          sent += 1;
        }
      }
      const complete = seen <= skip + sent;
      if (mine.length > 0 || (skip === 0 && complete)) {
        results.push({ Id: q.id, Label: q.metric, Timestamps: mine.map((p) => p.t / 1000), Values: mine.map((p) => p.v), StatusCode: complete ? 'Complete' : 'PartialData' });
      }
    }
    const total = seen;
    return { MetricDataResults: results, Messages: [], ...(skip + sent < total ? { NextToken: String(skip + sent) } : {}) };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const fail = (f: CloudWatchFault) => {
        res.writeHead(f.status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-query-error': `${f.code};Sender`, 'x-amzn-requestid': 'cw-req-error' });
        res.end(JSON.stringify({ __type: `com.amazonaws.cloudwatch#${f.shape}`, message: f.message }));
      };
      try {
        const authorization = req.headers.authorization;
        if (authorization === undefined) throw new CloudWatchFault(403, 'MissingAuthenticationToken', 'MissingAuthenticationToken', 'Request is missing Authentication Token');
        const scope = sigv4Scope(authorization);
        if (scope === undefined) throw new CloudWatchFault(403, 'IncompleteSignature', 'IncompleteSignature', 'Authorization header requires a valid AWS4-HMAC-SHA256 signature.');
        if (scope.service !== 'monitoring') throw new CloudWatchFault(403, 'InvalidSignatureException', 'InvalidSignatureException', `Credential should be scoped to correct service: 'monitoring'.`);
        if (options.regions !== undefined && !options.regions.includes(scope.region)) {
          throw new CloudWatchFault(403, 'SignatureDoesNotMatch', 'SignatureDoesNotMatch', `Credential should be scoped to a valid region, not '${scope.region}'.`);
        }
        const target = String(req.headers['x-amz-target'] ?? '');
        if (req.method !== 'POST' || target !== TARGET) throw new CloudWatchFault(400, 'UnknownOperationException', 'UnknownOperationException', `the stand-in answers ${TARGET} only, not "${target}"`);
        if (req.headers['content-type'] !== 'application/x-amz-json-1.0') throw new CloudWatchFault(400, 'SerializationException', 'SerializationException', 'expected content-type application/x-amz-json-1.0');
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          throw new CloudWatchFault(400, 'SerializationException', 'SerializationException', 'the request body is not JSON');
        }
        requests.push({ target, region: scope.region, service: scope.service, body });
        const out = answer(scope.region, body);
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'cw-req' });
        res.end(JSON.stringify(out));
      } catch (err) {
        if (err instanceof CloudWatchFault) return fail(err);
        console.error('cloudwatch stand-in failed', err);
        res.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    meter(region, modelId, at, reading) {
      const day = dayOf(at);
      for (const metric of BEDROCK_METRICS) {
        const value = reading[metric];
        if (value === undefined || value === 0) continue;
        const key = `${region}|${modelId}|${metric}`;
        let days = sums.get(key);
        if (days === undefined) sums.set(key, (days = new Map()));
        days.set(day, (days.get(day) ?? 0) + value);
      }
    },
    failModel(region, modelId) {
      failing.add(`${region}|${modelId}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
