// The only module that imports OpenTelemetry: tracer and meter providers exporting OTLP/HTTP JSON. Loaded only when telemetry is on.
import { diag, DiagLogLevel, SpanKind, SpanStatusCode, ValueType, type Counter, type DiagLogger, type Histogram, type HrTime } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import type { Measurements } from './measurements.js';
import { DURATION_BUCKETS, METRICS, TOKEN_BUCKETS } from './names.js';
import type { SpanDescription } from './span.js';

export interface PipelineOptions {
  /** The collector's base URL (`http://collector:4318`); the signal paths are appended. */
  readonly endpoint: string;
  readonly serviceName: string;
  readonly serviceVersion: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly metricIntervalMs: number;
  readonly spanDelayMs: number;
  /** How long one export may take before it is abandoned. */
  readonly exportTimeoutMs: number;
  /** Export failures and SDK warnings; the SDK reports them nowhere else. */
  readonly onProblem: (message: string) => void;
}

/** A running export: record finished requests, then shut down (flushing what is buffered). */
export interface Pipeline {
  record(span: SpanDescription, measurements: Measurements): void;
  shutdown(timeoutMs: number): Promise<void>;
}

/** `v1/traces` under the base URL, keeping any path prefix the collector sits behind. */
export function signalUrl(endpoint: string, signal: 'traces' | 'metrics'): string {
  const base = endpoint.endsWith('/') ? endpoint : `${endpoint}/`;
  return new URL(`v1/${signal}`, base).toString();
}

/**
 * Epoch milliseconds (fractional) as OpenTelemetry's [seconds, nanoseconds] (a plain number would be read relative
 * to process start when small). Whole microseconds: a double holding epoch milliseconds has no finer precision.
 */
export function hrTime(epochMs: number): HrTime {
  const seconds = Math.floor(epochMs / 1000);
  const micros = Math.min(999_999, Math.round((epochMs - seconds * 1000) * 1000));
  return [seconds, micros * 1000];
}

/**
 * diag is process-global; the SDK reports failed exports only there. One logger serves every pipeline and forwards
 * to whichever pipeline started last (the one a reload left running).
 */
let reportProblem: (message: string) => void = () => {};
const forwardToEventLog: DiagLogger = {
  error: (message, ...args) => reportProblem([message, ...args.map(String)].join(' ')),
  warn: (message, ...args) => reportProblem([message, ...args.map(String)].join(' ')),
  info: () => {},
  debug: () => {},
  verbose: () => {},
};
diag.setLogger(forwardToEventLog, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });

interface Instruments {
  readonly tokenUsage: Histogram;
  readonly duration: Histogram;
  readonly cost: Counter;
  readonly requests: Counter;
}

function instruments(meters: MeterProvider, version: string): Instruments {
  const meter = meters.getMeter('spendgate', version);
  return {
    tokenUsage: meter.createHistogram(METRICS.tokenUsage, {
      description: 'Number of input and output tokens used.',
      unit: '{token}',
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: TOKEN_BUCKETS },
    }),
    duration: meter.createHistogram(METRICS.operationDuration, {
      description: 'GenAI operation duration.',
      unit: 's',
      advice: { explicitBucketBoundaries: DURATION_BUCKETS },
    }),
    cost: meter.createCounter(METRICS.cost, { description: 'Spend in US dollars, as priced by spendgate.', unit: 'USD', valueType: ValueType.DOUBLE }),
    requests: meter.createCounter(METRICS.requests, { description: 'Client requests by outcome.', unit: '{request}', valueType: ValueType.INT }),
  };
}

export function startPipeline(options: PipelineOptions): Pipeline {
  reportProblem = options.onProblem;
  const resource = defaultResource().merge(
    resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName, [ATTR_SERVICE_VERSION]: options.serviceVersion }),
  );
  const headers = { ...options.headers };
  const traces = new BasicTracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: signalUrl(options.endpoint, 'traces'), headers, timeoutMillis: options.exportTimeoutMs }), {
        scheduledDelayMillis: options.spanDelayMs,
        exportTimeoutMillis: options.exportTimeoutMs,
      }),
    ],
  });
  const meters = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: signalUrl(options.endpoint, 'metrics'), headers, timeoutMillis: options.exportTimeoutMs }),
        exportIntervalMillis: options.metricIntervalMs,
        // The reader refuses a timeout longer than its interval.
        exportTimeoutMillis: Math.min(options.exportTimeoutMs, options.metricIntervalMs),
      }),
    ],
  });
  const tracer = traces.getTracer('spendgate', options.serviceVersion);
  const metrics = instruments(meters, options.serviceVersion);

  return {
    record(description, measurements) {
      const span = tracer.startSpan(description.name, {
        kind: SpanKind.CLIENT,
        startTime: hrTime(description.startMs),
        attributes: description.attributes,
      });
      for (const event of description.events) span.addEvent(event.name, event.attributes, hrTime(event.timeMs));
      if (description.errorType !== undefined) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(hrTime(description.endMs));

      for (const m of measurements.tokenUsage) metrics.tokenUsage.record(m.value, m.attributes);
      metrics.duration.record(measurements.duration.value, measurements.duration.attributes);
      for (const m of measurements.cost) metrics.cost.add(m.value, m.attributes);
      metrics.requests.add(measurements.request.value, measurements.request.attributes);
    },
    async shutdown(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
        timer.unref();
      });
      // Shutting a provider down flushes it: buffered spans and one last metric collection are exported.
      const flushed = Promise.allSettled([traces.shutdown(), meters.shutdown()]).then(() => 'flushed' as const);
      const outcome = await Promise.race([flushed, deadline]);
      clearTimeout(timer);
      if (outcome === 'timeout') options.onProblem(`the final export did not finish within ${timeoutMs} ms; unsent telemetry is dropped`);
    },
  };
}
