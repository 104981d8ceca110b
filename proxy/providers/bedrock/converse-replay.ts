// One Converse answer replayed as ConverseStream events: for models that take tools only without streaming, the
// gateway calls Converse and still streams the answer to a client that asked for a stream.
import type { ConverseResponse, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';

/** The events ConverseStream would have sent for this answer, in its order. */
export function converseAsStream(answer: Pick<ConverseResponse, 'output' | 'stopReason' | 'usage' | 'metrics'>): ConverseStreamOutput[] {
  const events: ConverseStreamOutput[] = [{ messageStart: { role: 'assistant' } }];
  (answer.output?.message?.content ?? []).forEach((block, contentBlockIndex) => {
    if (block.toolUse !== undefined) {
      const { toolUseId, name, input } = block.toolUse;
      events.push(
        { contentBlockStart: { contentBlockIndex, start: { toolUse: { toolUseId, name } } } },
        { contentBlockDelta: { contentBlockIndex, delta: { toolUse: { input: JSON.stringify(input ?? {}) } } } },
      );
    } else if (block.text !== undefined) {
      events.push({ contentBlockDelta: { contentBlockIndex, delta: { text: block.text } } });
    } else if (block.reasoningContent?.reasoningText !== undefined) {
      const { text, signature } = block.reasoningContent.reasoningText;
      events.push({ contentBlockDelta: { contentBlockIndex, delta: { reasoningContent: { text: text ?? '' } } } });
      if (signature !== undefined) events.push({ contentBlockDelta: { contentBlockIndex, delta: { reasoningContent: { signature } } } });
    } else if (block.reasoningContent?.redactedContent !== undefined) {
      events.push({ contentBlockDelta: { contentBlockIndex, delta: { reasoningContent: { redactedContent: block.reasoningContent.redactedContent } } } });
    } else return;
    events.push({ contentBlockStop: { contentBlockIndex } });
  });
  events.push(
    { messageStop: { stopReason: answer.stopReason ?? 'end_turn' } },
    { metadata: { usage: answer.usage, metrics: { latencyMs: answer.metrics?.latencyMs ?? 0 } } },
  );
  return events;
}

/** The events as the SDK's stream would yield them. */
export async function* replay(events: readonly ConverseStreamOutput[]): AsyncGenerator<ConverseStreamOutput> {
  for (const event of events) yield event;
}
