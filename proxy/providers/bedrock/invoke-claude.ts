// Claude for Anthropic clients: InvokeModel with the Anthropic body fitted to the model; the stream's chunks re-emitted as SSE events as-is.
import {
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  type ResponseStream,
} from '@aws-sdk/client-bedrock-runtime';
import type { Usage } from '../../core/usage.js';
import { anthropicStreamErrorEvent } from '../anthropic/errors.js';
import { AnthropicStreamObserver } from '../anthropic/stream.js';
import { anthropicJsonResult } from '../anthropic/usage.js';
import type { UpstreamOutcome } from '../types.js';
import { Adaptations } from './adaptations.js';
import { anthropicTypeFor, attemptHealing, sdkOptions, type BedrockExchange, type BuiltRequest, openEventStream } from './call.js';
import { modelCapabilities } from './capabilities.js';
import { claudeInvokeBody } from './claude-body.js';
import { invocationMetricsUsage } from './usage.js';

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

/** The InvokeModel body for this exchange's model, with what was changed to make the model accept it. */
interface ClaudeRequest extends BuiltRequest {
  readonly bytes: Uint8Array;
}

function claudeRequest(exchange: BedrockExchange): ClaudeRequest {
  const { request, call } = exchange;
  const adapt = new Adaptations();
  const learned = exchange.learned.for(call.modelId).map((l) => l.adjustment);
  const built = claudeInvokeBody(request.body.value(), request.headers['anthropic-beta'], call.modelId, modelCapabilities(call.modelId), learned, adapt);
  exchange.reporter.report(call.providerId, call.modelId, adapt);
  return { bytes: Buffer.from(JSON.stringify(built.body), 'utf8'), betas: built.betas, adaptations: adapt.messages() };
}

export async function invokeClaude(exchange: BedrockExchange): Promise<UpstreamOutcome> {
  const { client, sink, options } = exchange;
  const build = () => claudeRequest(exchange);
  if (!exchange.request.stream) {
    const { output, servedModel, built } = await attemptHealing(exchange, exchange.learned, build, (modelId, { bytes }) =>
      client.send(new InvokeModelCommand({ modelId, body: bytes, contentType: 'application/json', accept: 'application/json' }), sdkOptions(exchange)));
    const adaptations = built.adaptations;
    const bytes = Buffer.from(output.body);
    const result = anthropicJsonResult(bytes);
    if (result.usage !== null) options.onUsage?.(result.usage);
    sink.head(200, { 'content-type': 'application/json', 'x-amzn-requestid': output.$metadata.requestId ?? '' });
    sink.end(bytes);
    return { status: 200, usage: result.usage, servedModel, stopReason: result.stopReason, adaptations };
  }

  const { output, servedModel, built } = await attemptHealing(exchange, exchange.learned, build, (modelId, { bytes }) =>
    client.send(new InvokeModelWithResponseStreamCommand({ modelId, body: bytes, contentType: 'application/json', accept: 'application/json' }), sdkOptions(exchange)));
  const adaptations = built.adaptations;
  const { reader, first } = await openEventStream<ResponseStream>(exchange, output.body, servedModel);
  let event: ResponseStream | undefined = first;
  sink.head(200, { ...SSE_HEADERS, 'x-amzn-requestid': output.$metadata.requestId ?? '' });

  const observer = new AnthropicStreamObserver();
  let metricsUsage: Usage | null = null;
  let reported: Usage | null = null;
  const report = () => {
    const usage = observer.usage ?? metricsUsage;
    if (usage !== null && usage !== reported) {
      reported = usage;
      options.onUsage?.(usage);
    }
  };
  try {
    while (event !== undefined) {
      const bytes = event.chunk?.bytes;
      if (bytes !== undefined) {
        const data = Buffer.from(bytes).toString('utf8');
        const parsed = parseObject(data);
        const type = typeof parsed?.type === 'string' ? parsed.type : 'message';
        metricsUsage = invocationMetricsUsage(parsed) ?? metricsUsage;
        const raw = Buffer.from(`event: ${type}\ndata: ${data}\n\n`, 'utf8');
        observer.observe({ event: type, data, raw });
        report();
        await sink.write(raw);
      }
      event = await reader.next();
    }
  } catch (err) {
    const failure = exchange.signal.failure(err, { ...exchange.call, modelId: servedModel });
    const type = anthropicTypeFor(failure);
    await sink.write(anthropicStreamErrorEvent(failure.message, type));
    sink.end();
    return { status: 200, usage: observer.finalUsage(false) ?? metricsUsage, servedModel, stopReason: observer.stopReason, error: { type, message: failure.message }, adaptations };
  }
  sink.end();
  const usage = observer.finalUsage(observer.finished) ?? metricsUsage;
  return { status: 200, usage, servedModel, stopReason: observer.stopReason, adaptations };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
