// Bedrock-native clients (AWS SDKs pointed at the gateway): forward through the SDK and answer in Bedrock's wire format.
import {
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type ConverseCommandInput,
  type ConverseStreamOutput,
  type ResponseStream,
} from '@aws-sdk/client-bedrock-runtime';
import type { GatewayError } from '../../core/errors.js';
import type { Usage } from '../../core/usage.js';
import { AnthropicStreamObserver } from '../anthropic/stream.js';
import { anthropicJsonResult } from '../anthropic/usage.js';
import type { UpstreamOutcome } from '../types.js';
import { attempt, sdkOptions, type BedrockExchange, openEventStream } from './call.js';
import { bedrockErrorType } from './errors.js';
import { EVENTSTREAM_CONTENT_TYPE, eventFrame, exceptionFrame } from './eventstream.js';
import { converseUsage, headerUsage, invocationMetricsUsage } from './usage.js';
import { blobsFromWire, blobsToWire } from './wire-json.js';

/** Exceptions a ConverseStream / InvokeModelWithResponseStream client knows as stream members. */
const STREAM_EXCEPTIONS = new Set(['InternalServerException', 'ModelStreamErrorException', 'ValidationException',
  'ThrottlingException', 'ServiceUnavailableException', 'ModelTimeoutException']);

function streamExceptionType(err: GatewayError): string {
  const type = bedrockErrorType(err);
  return STREAM_EXCEPTIONS.has(type) ? type : 'InternalServerException';
}

function requestId(metadata: { requestId?: string }): Record<string, string> {
  return { 'x-amzn-requestid': metadata.requestId ?? '' };
}

async function converse(exchange: BedrockExchange): Promise<UpstreamOutcome> {
  const { client, sink, options, request } = exchange;
  const input = blobsFromWire(request.body.value()) as ConverseCommandInput;
  const { output, servedModel } = await attempt(exchange, (modelId) => client.send(new ConverseCommand({ ...input, modelId }), sdkOptions(exchange)));
  const usage = converseUsage(output.usage);
  if (usage !== null) options.onUsage?.(usage);
  sink.head(200, { 'content-type': 'application/json', ...requestId(output.$metadata) });
  sink.end(JSON.stringify(blobsToWire(output)));
  return { status: 200, usage, servedModel, stopReason: output.stopReason };
}

async function converseStream(exchange: BedrockExchange): Promise<UpstreamOutcome> {
  const { client, sink, options, request } = exchange;
  const input = blobsFromWire(request.body.value()) as ConverseCommandInput;
  const { output, servedModel } = await attempt(exchange, (modelId) => client.send(new ConverseStreamCommand({ ...input, modelId }), sdkOptions(exchange)));
  const { reader, first } = await openEventStream<ConverseStreamOutput>(exchange, output.stream, servedModel);
  let event: ConverseStreamOutput | undefined = first;
  sink.head(200, { 'content-type': EVENTSTREAM_CONTENT_TYPE, ...requestId(output.$metadata) });
  let usage: Usage | null = null;
  let stopReason: string | undefined;
  try {
    while (event !== undefined) {
      for (const [member, payload] of Object.entries(event)) {
        if (payload === undefined || member === '$unknown') continue;
        if (member === 'metadata') {
          usage = converseUsage((payload as { usage?: Parameters<typeof converseUsage>[0] }).usage) ?? usage;
          if (usage !== null) options.onUsage?.(usage);
        }
        if (member === 'messageStop') stopReason = (payload as { stopReason?: string }).stopReason;
        await sink.write(eventFrame(member, blobsToWire(payload)));
      }
      event = await reader.next();
    }
  } catch (err) {
    return failStream(exchange, err, servedModel, usage, stopReason);
  }
  sink.end();
  return { status: 200, usage, servedModel, stopReason };
}

async function failStream(exchange: BedrockExchange, err: unknown, servedModel: string, usage: Usage | null, stopReason: string | undefined): Promise<UpstreamOutcome> {
  const failure = exchange.signal.failure(err, { ...exchange.call, modelId: servedModel });
  const type = streamExceptionType(failure);
  await exchange.sink.write(exceptionFrame(type, failure.message));
  exchange.sink.end();
  return { status: 200, usage, servedModel, stopReason, error: { type, message: failure.message } };
}

function invokeHeaders(exchange: BedrockExchange): { contentType: string; accept: string } {
  return {
    contentType: exchange.request.headers['content-type'] ?? 'application/json',
    accept: exchange.request.headers.accept ?? 'application/json',
  };
}

async function invoke(exchange: BedrockExchange): Promise<UpstreamOutcome> {
  const { client, sink, options, request } = exchange;
  let responseHeaders: Record<string, string> = {};
  const { output, servedModel } = await attempt(exchange, (modelId) => {
    const command = new InvokeModelCommand({ modelId, body: request.body.raw, ...invokeHeaders(exchange) });
    // Token counts for models whose body has no usage arrive only as response headers.
    command.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        const response = result.response as { headers?: Record<string, string> };
        responseHeaders = response.headers ?? {};
        return result;
      },
      { step: 'deserialize', name: 'spendgateResponseHeaders' },
    );
    return client.send(command, sdkOptions(exchange));
  });
  const bytes = Buffer.from(output.body);
  const fromBody = anthropicJsonResult(bytes);
  const usage = fromBody.usage ?? headerUsage(responseHeaders);
  if (usage !== null) options.onUsage?.(usage);
  sink.head(200, { 'content-type': output.contentType ?? 'application/json', ...requestId(output.$metadata) });
  sink.end(bytes);
  return { status: 200, usage, servedModel, stopReason: fromBody.stopReason };
}

async function invokeStream(exchange: BedrockExchange): Promise<UpstreamOutcome> {
  const { client, sink, options, request } = exchange;
  const { output, servedModel } = await attempt(exchange, (modelId) =>
    client.send(new InvokeModelWithResponseStreamCommand({ modelId, body: request.body.raw, ...invokeHeaders(exchange) }), sdkOptions(exchange)));
  const { reader, first } = await openEventStream<ResponseStream>(exchange, output.body, servedModel);
  let event: ResponseStream | undefined = first;
  sink.head(200, { 'content-type': EVENTSTREAM_CONTENT_TYPE, ...requestId(output.$metadata) });
  const observer = new AnthropicStreamObserver();
  let metrics: Usage | null = null;
  const current = () => observer.usage ?? metrics;
  try {
    while (event !== undefined) {
      const bytes = event.chunk?.bytes;
      if (bytes !== undefined) {
        const data = Buffer.from(bytes);
        const text = data.toString('utf8');
        observeChunk(text, observer, (usage) => {
          metrics = usage;
        });
        const usage = current();
        if (usage !== null) options.onUsage?.(usage);
        await sink.write(eventFrame('chunk', { bytes: data.toString('base64') }));
      }
      event = await reader.next();
    }
  } catch (err) {
    return failStream(exchange, err, servedModel, observer.finalUsage(false) ?? metrics, observer.stopReason);
  }
  sink.end();
  return { status: 200, usage: observer.finalUsage(observer.finished) ?? metrics, servedModel, stopReason: observer.stopReason };
}

/** Claude chunks are Anthropic events; every model's last chunk carries invocation metrics. */
function observeChunk(text: string, observer: AnthropicStreamObserver, onMetrics: (usage: Usage) => void): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return;
  }
  const metrics = invocationMetricsUsage(parsed);
  if (metrics !== null) onMetrics(metrics);
  const type = (parsed as { type?: unknown } | null)?.type;
  if (typeof type === 'string') observer.observe({ event: type, data: text, raw: Buffer.alloc(0) });
}

export function bedrockNative(exchange: BedrockExchange): Promise<UpstreamOutcome> {
  switch (exchange.request.operation) {
    case 'converse':
      return converse(exchange);
    case 'converse_stream':
      return converseStream(exchange);
    case 'invoke':
      return invoke(exchange);
    default:
      return invokeStream(exchange);
  }
}
