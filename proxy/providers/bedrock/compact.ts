// POST /openai/v1/responses/compact on Bedrock: one Converse call summarises the conversation; the answer is the
// compacted window the client continues from (its user messages and the summary, as plain message items that the
// Responses translation reads back next turn). Billed and logged like any request.
import { ConverseCommand, type ContentBlock, type ConverseCommandInput, type Message } from '@aws-sdk/client-bedrock-runtime';
import type { UpstreamOutcome } from '../types.js';
import { Adaptations } from './adaptations.js';
import { attemptHealing, sdkOptions, type BedrockExchange, type BuiltRequest } from './call.js';
import { modelCapabilities } from './capabilities.js';
import { fitConverse } from './converse-fit.js';
import { isRecord, untranslatable } from './converse-parts.js';
import { itemId, responsesUsageObject } from './responses-output.js';
import { ToolNames } from './responses-tools.js';
import { responsesConversation } from './translate-responses.js';
import { converseUsage } from './usage.js';
import { ZERO_USAGE } from '../../core/usage.js';

/** The most a summary may take. */
const SUMMARY_MAX_TOKENS = 8_192;

const COMPACT_REQUEST = 'Summarise the conversation above so that the work can continue from your summary alone: the '
  + "user's goals and constraints, what has been done (files changed, commands run and what they showed), decisions "
  + 'made, open problems and the next steps. Do not call tools. Write only the summary.';

/** How the summary reads when the client sends it back. */
export const SUMMARY_PREFIX = 'Summary of the conversation so far, written when its context was compacted:\n\n';

function clip(text: string): string {
  return text.length > 2_000 ? `${text.slice(0, 2_000)}…` : text;
}

/**
 * A block as the summariser reads it: tool calls and results become text (so no tool definitions are needed and the
 * model cannot answer with a call), thinking is left out.
 */
function asPlain(block: ContentBlock, names: ReadonlyMap<string, string>): ContentBlock | undefined {
  if (block.toolUse !== undefined) return { text: `[called the tool ${block.toolUse.name ?? ''} with ${JSON.stringify(block.toolUse.input ?? {})}]` };
  if (block.toolResult !== undefined) {
    const said = (block.toolResult.content ?? []).map((c) => c.text ?? (c.json !== undefined ? JSON.stringify(c.json) : '[an attachment]')).join('\n');
    return { text: `[the tool ${names.get(block.toolResult.toolUseId ?? '') ?? ''} returned: ${clip(said)}]` };
  }
  if (block.reasoningContent !== undefined) return undefined;
  return block;
}

function plainConversation(messages: readonly Message[]): Message[] {
  const called = new Map<string, string>();
  for (const m of messages) for (const b of m.content ?? []) if (b.toolUse !== undefined) called.set(b.toolUse.toolUseId ?? '', b.toolUse.name ?? '');
  return messages.map((m) => ({ role: m.role, content: (m.content ?? []).map((b) => asPlain(b, called)).filter((b): b is ContentBlock => b !== undefined) }));
}

interface CompactRequest extends BuiltRequest {
  readonly input: ConverseCommandInput;
}

function build(exchange: BedrockExchange): CompactRequest {
  const { request, call } = exchange;
  const adapt = new Adaptations();
  const { system, messages } = responsesConversation(request.body.value(), new ToolNames(), adapt);
  if (messages.length === 0) throw untranslatable('the compaction request', 'its input holds no conversation to summarise');
  const caps = modelCapabilities(call.modelId);
  const input: ConverseCommandInput = {
    modelId: call.modelId,
    messages: [...plainConversation(messages), { role: 'user', content: [{ text: COMPACT_REQUEST }] }],
    ...(system.length === 0 ? {} : { system }),
    inferenceConfig: { maxTokens: Math.min(SUMMARY_MAX_TOKENS, caps.maxOutputTokens) },
  };
  const learned = exchange.learned.for(call.modelId).map((l) => l.adjustment);
  const fitted = fitConverse(input, call.modelId, caps, learned, adapt);
  exchange.reporter.report(call.providerId, call.modelId, adapt);
  return { input: fitted, betas: [], adaptations: adapt.messages() };
}

/** The client's own user messages, kept verbatim in the compacted window (as OpenAI's compaction keeps them). */
function userMessages(input: unknown): Record<string, unknown>[] {
  if (typeof input === 'string') return input === '' ? [] : [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: input }] }];
  if (!Array.isArray(input)) return [];
  return input.filter((item): item is Record<string, unknown> => isRecord(item) && (item.type ?? 'message') === 'message' && item.role === 'user')
    .map((item) => ({ type: 'message', role: 'user', content: item.content }));
}

export async function compactConversation(exchange: BedrockExchange): Promise<UpstreamOutcome> {
  const { client, sink, options, request } = exchange;
  const { output, servedModel, built } = await attemptHealing(exchange, exchange.learned, () => build(exchange), (modelId, { input }) =>
    client.send(new ConverseCommand({ ...input, modelId }), sdkOptions(exchange)));
  const summary = (output.output?.message?.content ?? []).map((b) => b.text ?? '').join('').trim();
  const usage = converseUsage(output.usage);
  if (usage !== null) options.onUsage?.(usage);
  const body = {
    id: itemId('resp'),
    object: 'response.compaction',
    created_at: Math.floor(exchange.now / 1000),
    output: [
      ...userMessages(request.body.get('input')),
      { id: itemId('msg'), type: 'message', status: 'completed', role: 'user', content: [{ type: 'input_text', text: SUMMARY_PREFIX + summary }] },
    ],
    usage: responsesUsageObject(usage ?? ZERO_USAGE),
  };
  sink.head(200, { 'content-type': 'application/json', 'x-amzn-requestid': output.$metadata.requestId ?? '' });
  sink.end(JSON.stringify(body));
  return { status: 200, usage, servedModel, stopReason: output.stopReason ?? 'end_turn', adaptations: built.adaptations };
}
