// Turns `telemetry:` on, off and over on reload, and hands finished requests to the running OpenTelemetry export.
import { resolveSecret } from '../config/secrets.js';
import type { TelemetrySettings } from '../config/types.js';
import type { Pipeline, PipelineOptions } from './sdk.js';
import { measure } from './measurements.js';
import { describeSpan, type FinishedRequest, type KeyLabel } from './span.js';

/** What the request pipeline sees: one call per finished request, a no-op while telemetry is off. */
export interface RequestTelemetry {
  /** Whether an export is running; while off, callers skip even building the request's summary. */
  readonly active: boolean;
  requestFinished(request: FinishedRequest): void;
}

/** The lazily loaded SDK module (proxy/telemetry/sdk.ts; bundled apart as dist/proxy/telemetry.js). */
export interface TelemetrySdk {
  startPipeline(options: PipelineOptions): Pipeline;
}

export type EventLog = (event: Record<string, unknown>) => void;

export interface TelemetryDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly log: EventLog;
  readonly keyLabel: KeyLabel;
  readonly serviceVersion: string;
  /** Loads the SDK; tests pass a fake to see that an off config never loads it. */
  readonly load?: () => Promise<TelemetrySdk>;
}

/** The periodic reader's default, as the OpenTelemetry SDK environment spec sets it. */
const DEFAULT_METRIC_INTERVAL_MS = 60_000;
/** The batch span processor's default delay. */
const DEFAULT_SPAN_DELAY_MS = 5_000;
const EXPORT_TIMEOUT_MS = 10_000;
/** The same export failure is logged at most this often: a collector that is down fails every few seconds. */
const PROBLEM_QUIET_MS = 60_000;
const MAX_REMEMBERED_PROBLEMS = 100;

/**
 * The SDK module is imported on first use only, so a config without `telemetry:` never loads (or even parses)
 * OpenTelemetry. In the bundle the import resolves to dist/proxy/telemetry.js (see build.mjs).
 */
const loadSdk = (): Promise<TelemetrySdk> => import('./sdk.js');

/** The standard OTEL_METRIC_EXPORT_INTERVAL / OTEL_BSP_SCHEDULE_DELAY, when they hold a positive whole number. */
function envMillis(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  const value = raw === undefined ? NaN : Number(raw);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

function sameSettings(a: TelemetrySettings | undefined, b: TelemetrySettings | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Where exports go, for the event log: no query string, which is where a token in a URL would sit. */
function shownEndpoint(endpoint: string): string {
  const url = new URL(endpoint);
  return `${url.origin}${url.pathname}`;
}

export class TelemetryExport implements RequestTelemetry {
  private pipeline: Pipeline | undefined;
  private settings: TelemetrySettings | undefined;
  /** configure/close run one at a time, in call order: a reload never overlaps a start or a shutdown. */
  private queue: Promise<void> = Promise.resolve();
  private readonly lastProblem = new Map<string, number>();
  private closed = false;

  constructor(private readonly deps: TelemetryDeps) {}

  /** Starts, stops or restarts the export to match the config; resolves once the change has applied. */
  configure(next: TelemetrySettings | undefined): Promise<void> {
    return this.enqueue(async () => {
      if (this.closed || sameSettings(this.settings, next)) return;
      try {
        await this.stop('reconfigured');
        if (next) await this.start(next);
      } catch (err) {
        // A reload applies this without waiting: report here rather than leave a rejection nobody handles.
        this.deps.log({ level: 'error', event: 'telemetry_failed', message: (err as Error).message });
      }
    });
  }

  /** Flushes and stops (after the server drained, so every request's span is already recorded). */
  close(timeoutMs: number): Promise<void> {
    return this.enqueue(async () => {
      this.closed = true;
      await this.stop('shutdown', timeoutMs);
    });
  }

  get active(): boolean {
    return this.pipeline !== undefined;
  }

  requestFinished(request: FinishedRequest): void {
    const pipeline = this.pipeline;
    if (!pipeline) return;
    try {
      pipeline.record(describeSpan(request, this.deps.keyLabel), measure(request, this.deps.keyLabel));
    } catch (err) {
      // Telemetry must never fail a request that was already answered and charged.
      this.problem(`recording a request failed: ${(err as Error).message}`);
    }
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = this.queue.then(step);
    this.queue = run.catch(() => {});
    return run;
  }

  private async start(settings: TelemetrySettings): Promise<void> {
    const { env, log } = this.deps;
    const headers: Record<string, string> = {};
    for (const [name, ref] of Object.entries(settings.headers)) {
      const value = resolveSecret(ref, env);
      if (value === undefined) log({ level: 'warn', event: 'telemetry_header_unset', header: name, variable: 'env' in ref ? ref.env : undefined });
      else headers[name] = value;
    }
    let sdk: TelemetrySdk;
    try {
      sdk = await (this.deps.load ?? loadSdk)();
    } catch (err) {
      log({ level: 'error', event: 'telemetry_failed', message: `cannot load the OpenTelemetry SDK: ${(err as Error).message}` });
      return;
    }
    this.pipeline = sdk.startPipeline({
      endpoint: settings.otlpEndpoint,
      serviceName: settings.serviceName,
      serviceVersion: this.deps.serviceVersion,
      headers,
      metricIntervalMs: envMillis(env, 'OTEL_METRIC_EXPORT_INTERVAL', DEFAULT_METRIC_INTERVAL_MS),
      spanDelayMs: envMillis(env, 'OTEL_BSP_SCHEDULE_DELAY', DEFAULT_SPAN_DELAY_MS),
      exportTimeoutMs: EXPORT_TIMEOUT_MS,
      onProblem: (message) => this.problem(message),
    });
    this.settings = settings;
    log({ level: 'info', event: 'telemetry_started', endpoint: shownEndpoint(settings.otlpEndpoint), service_name: settings.serviceName, protocol: 'http/json' });
  }

  private async stop(reason: 'reconfigured' | 'shutdown', timeoutMs = EXPORT_TIMEOUT_MS): Promise<void> {
    const pipeline = this.pipeline;
    const settings = this.settings;
    this.pipeline = undefined;
    this.settings = undefined;
    if (!pipeline || !settings) return;
    await pipeline.shutdown(timeoutMs);
    this.deps.log({ level: 'info', event: 'telemetry_stopped', endpoint: shownEndpoint(settings.otlpEndpoint), reason });
  }

  private problem(message: string): void {
    const now = Date.now();
    const last = this.lastProblem.get(message);
    if (last !== undefined && now - last < PROBLEM_QUIET_MS) return;
    // Bounded: messages that differ every time (a port, a byte count) must not grow the map forever.
    if (this.lastProblem.size >= MAX_REMEMBERED_PROBLEMS) this.lastProblem.clear();
    this.lastProblem.set(message, now);
    this.deps.log({ level: 'warn', event: 'telemetry_export_failed', message });
  }
}
