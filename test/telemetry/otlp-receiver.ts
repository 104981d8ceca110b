// A loopback OTLP/HTTP receiver: accepts POST /v1/traces and /v1/metrics (JSON), keeps every body, decodes spans and data points.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** An OTLP JSON AnyValue. */
interface AnyValue {
  readonly stringValue?: string;
  readonly boolValue?: boolean;
  readonly intValue?: number | string;
  readonly doubleValue?: number;
  readonly arrayValue?: { readonly values?: readonly AnyValue[] };
}

interface KeyValue {
  readonly key: string;
  readonly value: AnyValue;
}

export type Value = string | number | boolean | Value[] | undefined;
export type DecodedAttributes = Record<string, Value>;

function decodeValue(v: AnyValue): Value {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  // OTLP JSON may write 64-bit integers as strings.
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(decodeValue);
  return undefined;
}

export function decodeAttributes(list: readonly KeyValue[] | undefined): DecodedAttributes {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, decodeValue(kv.value)]));
}

export interface ReceivedSpan {
  readonly name: string;
  readonly kind: number;
  readonly startMs: number;
  readonly endMs: number;
  readonly attributes: DecodedAttributes;
  readonly events: readonly { readonly name: string; readonly timeMs: number; readonly attributes: DecodedAttributes }[];
  readonly statusCode: number;
  readonly resource: DecodedAttributes;
}

export interface ReceivedPoint {
  readonly metric: string;
  readonly unit: string;
  readonly attributes: DecodedAttributes;
  /** A sum's value, or a histogram's sum. */
  readonly value: number;
  /** A histogram's count. */
  readonly count?: number;
}

interface Received {
  readonly path: string;
  readonly contentType: string;
  readonly authorization: string | undefined;
  readonly text: string;
}

const nanosToMs = (nanos: string | number): number => Number(BigInt(nanos) / 1000n) / 1000;

interface RawSpan {
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: KeyValue[];
  events?: { name: string; timeUnixNano: string; attributes?: KeyValue[] }[];
  status?: { code?: number };
}

interface RawPoint {
  attributes?: KeyValue[];
  asDouble?: number;
  asInt?: number | string;
  sum?: number;
  count?: number | string;
}

interface RawMetric {
  name: string;
  unit?: string;
  sum?: { dataPoints?: RawPoint[] };
  histogram?: { dataPoints?: RawPoint[] };
}

export class OtlpReceiver {
  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    /** Every request body received, in order. */
    readonly bodies: readonly Received[],
  ) {}

  static async start(): Promise<OtlpReceiver> {
    const bodies: Received[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        bodies.push({ path: req.url ?? '', contentType: String(req.headers['content-type'] ?? ''), authorization: req.headers.authorization, text: body.toString('utf8') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new OtlpReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, bodies);
  }

  /** Everything received, as text, for "this string never appears" checks. */
  allText(): string {
    return this.bodies.map((b) => b.text).join('\n');
  }

  spans(): ReceivedSpan[] {
    const out: ReceivedSpan[] = [];
    for (const b of this.bodies.filter((x) => x.path === '/v1/traces')) {
      const doc = JSON.parse(b.text) as { resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: RawSpan[] }[] }[] };
      for (const rs of doc.resourceSpans ?? []) {
        const resource = decodeAttributes(rs.resource?.attributes);
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            out.push({
              name: s.name,
              kind: s.kind,
              startMs: nanosToMs(s.startTimeUnixNano),
              endMs: nanosToMs(s.endTimeUnixNano),
              attributes: decodeAttributes(s.attributes),
              events: (s.events ?? []).map((e) => ({ name: e.name, timeMs: nanosToMs(e.timeUnixNano), attributes: decodeAttributes(e.attributes) })),
              statusCode: s.status?.code ?? 0,
              resource,
            });
          }
        }
      }
    }
    return out;
  }

  /** Data points of the latest export that holds the metric (exports are cumulative). */
  points(metric: string): ReceivedPoint[] {
    for (const b of [...this.bodies].reverse()) {
      if (b.path !== '/v1/metrics') continue;
      const doc = JSON.parse(b.text) as { resourceMetrics?: { scopeMetrics?: { metrics?: RawMetric[] }[] }[] };
      const found: ReceivedPoint[] = [];
      for (const rm of doc.resourceMetrics ?? []) {
        for (const sm of rm.scopeMetrics ?? []) {
          for (const m of sm.metrics ?? []) {
            if (m.name !== metric) continue;
            for (const p of m.sum?.dataPoints ?? []) {
              found.push({ metric, unit: m.unit ?? '', attributes: decodeAttributes(p.attributes), value: p.asDouble ?? Number(p.asInt ?? 0) });
            }
            for (const p of m.histogram?.dataPoints ?? []) {
              found.push({ metric, unit: m.unit ?? '', attributes: decodeAttributes(p.attributes), value: p.sum ?? 0, count: Number(p.count ?? 0) });
            }
          }
        }
      }
      if (found.length > 0) return found;
    }
    return [];
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
