// Claude for Anthropic clients: InvokeModel with the Anthropic body; the stream's chunks re-emitted as SSE events as-is.
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
import { bedrockClaudeBody, splitBetas } from './betas.js';
import { anthropicTypeFor, attempt, sdkOptions, type BedrockExchange, openEventStream } from './call.js';
import { invocationMetricsUsage } from './usage.js';

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

/** Logs each dropped beta once per provider lifetime. */
export class DroppedBetas {
  private readonly seen = new Set<string>();

  report(dropped: readonly string[], exchange: BedrockExchange): void {
    for (const beta of dropped) {
      if (this.seen.has(beta)) continue;
      this.seen.add(beta);
      exchange.log({ level: 'info', event: 'bedrock_beta_dropped', provider_config: exchange.call.providerId, beta,
        message: `anthropic-beta ${beta} is not supported on Bedrock and is not forwarded` });
    }
  }
}

function requestBody(exchange: BedrockExchange, betas: DroppedBetas): Uint8Array {
  const { request } = exchange;
  const split = splitBetas(request.headers['anthropic-beta'], request.body.anthropic_beta);
  betas.report(split.dropped, exchange);
  return Buffer.from(JSON.stringify(bedrockClaudeBody(request.body, split.kept)), 'utf8');
}

export async function invokeClaude(exchange: BedrockExchange, betas: DroppedBetas): Promise<UpstreamOutcome> {
  const body = requestBody(exchange, betas);
  const { client, sink, options } = exchange;
  if (!exchange.request.stream) {
    const { output, servedModel } = await attempt(exchange, (modelId) =>
      client.send(new InvokeModelCommand({ modelId, body, contentType: 'application/json', accept: 'application/json' }), sdkOptions(exchange)));
    const bytes = Buffer.from(output.body);
    const result = anthropicJsonResult(bytes);
    if (result.usage !== null) options.onUsage?.(result.usage);
    sink.head(200, { 'content-type': 'application/json', 'x-amzn-requestid': output.$metadata.requestId ?? '' });
    sink.end(bytes);
    return { status: 200, usage: result.usage, servedModel, stopReason: result.stopReason };
  }

  const { output, servedModel } = await attempt(exchange, (modelId) =>
    client.send(new InvokeModelWithResponseStreamCommand({ modelId, body, contentType: 'application/json', accept: 'application/json' }), sdkOptions(exchange)));
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
    return { status: 200, usage: observer.finalUsage(false) ?? metricsUsage, servedModel, stopReason: observer.stopReason, error: { type, message: failure.message } };
  }
  sink.end();
  const usage = observer.finalUsage(observer.finished) ?? metricsUsage;
  return { status: 200, usage, servedModel, stopReason: observer.stopReason };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
