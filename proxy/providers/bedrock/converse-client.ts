// Anthropic and OpenAI (chat and Responses) clients served through Converse: translate the request, call, translate the
// answer or stream.
import { randomUUID } from 'node:crypto';
import {
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseCommandInput,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import type { Usage } from '../../core/usage.js';
import type { UpstreamOutcome } from '../types.js';
import { Adaptations } from './adaptations.js';
import { anthropicTypeFor, attemptHealing, sdkOptions, type BedrockExchange, type BuiltRequest, openEventStream } from './call.js';
import { modelCapabilities } from './capabilities.js';
import { fitConverse } from './converse-fit.js';
import { converseAsStream, replay } from './converse-replay.js';
import { AnthropicStreamTranslator } from './stream-anthropic.js';
import type { StreamFailure } from './stream-failure.js';
import { OpenAIStreamTranslator } from './stream-openai.js';
import { anthropicToConverse, converseToAnthropic } from './translate-anthropic.js';
import { converseToOpenAI, openaiToConverse } from './translate-openai.js';
import { converseToResponses, itemId } from './responses-output.js';
import { ToolNames } from './responses-tools.js';
import { ResponsesStreamTranslator } from './stream-responses.js';
import { responsesToConverse } from './translate-responses.js';

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

/** What differs between the two client protocols: translation both ways and the stream's error event. */
interface ClientDialect {
  readonly id: string;
  toConverse(body: Readonly<Record<string, unknown>>, modelId: string, adapt: Adaptations): ConverseCommandInput;
  answer(output: Parameters<typeof converseToAnthropic>[0], servedModel: string): { body: Record<string, unknown>; usage: Usage | null; stopReason: string };
  translator(servedModel: string): StreamTranslator;
}

interface StreamTranslator {
  readonly usage: Usage | null;
  readonly stopReason: string | undefined;
  readonly complete: boolean;
  push(event: ConverseStreamOutput): string;
  finish(): string;
  /** The protocol's own last event for a stream that broke after it started. */
  fail(failure: StreamFailure): string;
}

function dialect(exchange: BedrockExchange): ClientDialect {
  const created = Math.floor(exchange.now / 1000);
  if (exchange.request.protocol === 'openai' && exchange.request.operation === 'responses') {
    // Tool names are mapped per request: the translation learns them and the answer names them back.
    const names = new ToolNames();
    const envelope = { id: itemId('resp'), createdAt: created, body: exchange.request.body.value() };
    return {
      id: envelope.id,
      toConverse: (body, modelId, adapt) => responsesToConverse(body, modelId, adapt, names),
      answer: (output, model) => converseToResponses(output, envelope, model, names),
      translator: (model) => new ResponsesStreamTranslator(envelope, model, names),
    };
  }
  if (exchange.request.protocol === 'openai') {
    const id = `chatcmpl-${randomUUID().replace(/-/g, '')}`;
    const includeUsage = (exchange.request.body.get('stream_options') as { include_usage?: unknown } | undefined)?.include_usage === true;
    return {
      id,
      toConverse: openaiToConverse,
      answer: (output, model) => {
        const a = converseToOpenAI(output, id, model, created);
        return { body: a.completion, usage: a.usage, stopReason: a.stopReason };
      },
      translator: (model) => new OpenAIStreamTranslator(id, model, created, includeUsage),
    };
  }
  const id = `msg_bdrk_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
  return {
    id,
    toConverse: anthropicToConverse,
    answer: (output, model) => {
      const a = converseToAnthropic(output, id, model);
      return { body: a.message, usage: a.usage, stopReason: a.stopReason };
    },
    translator: (model) => new AnthropicStreamTranslator(id, model),
  };
}

/** The Converse input for this exchange's model, fitted to what the model takes. */
interface ConverseRequest extends BuiltRequest {
  readonly input: ConverseCommandInput;
  /** Streamed to the client from one Converse call: the model takes tools only without streaming. */
  readonly buffered: boolean;
}

function converseRequest(exchange: BedrockExchange, d: ClientDialect): ConverseRequest {
  const { request, call } = exchange;
  const caps = modelCapabilities(call.modelId);
  const adapt = new Adaptations();
  const learned = exchange.learned.for(call.modelId).map((l) => l.adjustment);
  const input = fitConverse(d.toConverse(request.body.value(), call.modelId, adapt), call.modelId, caps, learned, adapt);
  const buffered = request.stream && input.toolConfig !== undefined && !caps.streamingToolUse;
  if (buffered) adapt.add('buffered_stream', `answered by one Converse call and streamed from it: ${call.modelId} does not stream tool use`);
  exchange.reporter.report(call.providerId, call.modelId, adapt);
  return { input, buffered, betas: [], adaptations: adapt.messages() };
}

interface OpenedStream {
  readonly stream: AsyncIterable<ConverseStreamOutput> | undefined;
  readonly requestId: string | undefined;
}

export async function converseForClient(exchange: BedrockExchange): Promise<UpstreamOutcome> {
  const { client, sink, options, request } = exchange;
  const d = dialect(exchange);
  const build = () => converseRequest(exchange, d);
  if (!request.stream) {
    const { output, servedModel, built } = await attemptHealing(exchange, exchange.learned, build, (modelId, { input }) =>
      client.send(new ConverseCommand({ ...input, modelId }), sdkOptions(exchange)));
    const answer = d.answer(output, servedModel);
    if (answer.usage !== null) options.onUsage?.(answer.usage);
    sink.head(200, { 'content-type': 'application/json', 'x-amzn-requestid': output.$metadata.requestId ?? '' });
    sink.end(JSON.stringify(answer.body));
    return { status: 200, usage: answer.usage, servedModel, stopReason: answer.stopReason, adaptations: built.adaptations };
  }

  const { output, servedModel, built } = await attemptHealing(exchange, exchange.learned, build, async (modelId, { input, buffered }): Promise<OpenedStream> => {
    if (buffered) {
      const answer = await client.send(new ConverseCommand({ ...input, modelId }), sdkOptions(exchange));
      return { stream: replay(converseAsStream(answer)), requestId: answer.$metadata.requestId };
    }
    const opened = await client.send(new ConverseStreamCommand({ ...input, modelId }), sdkOptions(exchange));
    return { stream: opened.stream, requestId: opened.$metadata.requestId };
  });
  const adaptations = built.adaptations;
  const { reader, first } = await openEventStream<ConverseStreamOutput>(exchange, output.stream, servedModel);
  let event: ConverseStreamOutput | undefined = first;
  sink.head(200, { ...SSE_HEADERS, 'x-amzn-requestid': output.requestId ?? '' });
  const translator = d.translator(servedModel);
  let reported: Usage | null = null;
  try {
    while (event !== undefined) {
      const text = translator.push(event);
      if (translator.usage !== null && translator.usage !== reported) {
        reported = translator.usage;
        options.onUsage?.(reported);
      }
      if (text !== '') await sink.write(text);
      event = await reader.next();
    }
  } catch (err) {
    const failure = exchange.signal.failure(err, { ...exchange.call, modelId: servedModel });
    const type = anthropicTypeFor(failure);
    await sink.write(translator.fail({ message: failure.message, type, status: failure.status }));
    sink.end();
    return { status: 200, usage: translator.usage, servedModel, stopReason: translator.stopReason, error: { type, message: failure.message }, adaptations };
  }
  sink.end(translator.finish());
  return { status: 200, usage: translator.usage, servedModel, stopReason: translator.stopReason, adaptations };
}
