// `role: "system"` messages inside an Anthropic `messages` list, folded into the adjacent user turn (Bedrock takes only
// user and assistant roles): the way Claude Code's own Bedrock fallback does it, as <system-reminder> text.
import { isRecord } from './converse-parts.js';
import type { Adaptations } from './adaptations.js';

type Block = Record<string, unknown>;

/** How Claude Code's first-party telemetry system block starts (`x-anthropic-billing-header: cc_version=…;`). */
const BILLING_HEADER = 'x-anthropic-billing-header:';

/**
 * Whether a system block is Claude Code's billing header: first-party telemetry, not instructions, and different per
 * CLI build, so it is kept from every Bedrock model (LiteLLM strips it for Bedrock too; see the research file).
 */
export function isBillingHeaderBlock(block: unknown): boolean {
  return isRecord(block) && typeof block.text === 'string' && block.text.startsWith(BILLING_HEADER);
}
type Message = Record<string, unknown>;

function blocksOf(content: unknown): Block[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return Array.isArray(content) ? content.filter(isRecord) : [];
}

function reminderText(content: unknown): string {
  const text = typeof content === 'string'
    ? content
    : blocksOf(content).map((b) => (typeof b.text === 'string' ? b.text : '')).filter((t) => t !== '').join('\n\n');
  return `<system-reminder>\n${text}\n</system-reminder>`;
}

/**
 * The messages with every system-role message folded into a user turn: the user message just before it, else the
 * next user message, else a user message of its own. Returns the input unchanged (same array) when there is none.
 */
export function foldSystemMessages(messages: readonly unknown[], adapt: Adaptations): unknown[] {
  const systemAt = messages.flatMap((m, i) => (isRecord(m) && m.role === 'system' ? [i] : []));
  if (systemAt.length === 0) return messages as unknown[];
  adapt.add('system_messages', `${systemAt.length} role "system" message(s) folded into the adjacent user turn as <system-reminder> text`);

  const out: Message[] = [];
  const pending: Block[] = [];
  for (const raw of messages) {
    if (!isRecord(raw)) {
      out.push(raw as Message);
      continue;
    }
    if (raw.role === 'system') {
      const reminder: Block = { type: 'text', text: reminderText(raw.content) };
      const previous = out[out.length - 1];
      if (previous !== undefined && previous.role === 'user') out[out.length - 1] = { ...previous, content: [...blocksOf(previous.content), reminder] };
      else pending.push(reminder);
      continue;
    }
    if (raw.role === 'user' && pending.length > 0) {
      // Tool results must lead a user turn that answers tool calls; the reminder goes after them.
      const blocks = blocksOf(raw.content);
      const lead = blocks.findIndex((b) => b.type !== 'tool_result');
      const split = lead === -1 ? blocks.length : lead;
      out.push({ ...raw, content: [...blocks.slice(0, split), ...pending.splice(0), ...blocks.slice(split)] });
      continue;
    }
    out.push(raw);
  }
  if (pending.length > 0) out.push({ role: 'user', content: pending });
  return out;
}
