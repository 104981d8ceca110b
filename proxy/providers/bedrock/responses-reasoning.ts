// Claude's thinking across Responses turns: a reasoning item's `encrypted_content` carries spendgate's own encoding of
// the thinking text and its signature, so a client that sends the item back (Codex with store: false) gives Bedrock
// the signed block it requires before a tool call. Anyone else's encrypted_content cannot be read and is left out.
import type { ContentBlock, ReasoningContentBlock } from '@aws-sdk/client-bedrock-runtime';

/** What marks an encrypted_content as spendgate's: a version tag before the base64url JSON. */
const MARKER = 'spendgate.bedrock.v1:';

interface Encoded {
  /** Thinking text and its signature. */
  readonly t?: string;
  readonly s?: string;
  /** Redacted thinking, base64. */
  readonly r?: string;
}

/** A Converse reasoning block as an encrypted_content string, or undefined when it has nothing to carry. */
export function encodeReasoning(block: ReasoningContentBlock): string | undefined {
  let encoded: Encoded;
  if (block.reasoningText !== undefined) encoded = { t: block.reasoningText.text ?? '', s: block.reasoningText.signature };
  else if (block.redactedContent !== undefined) encoded = { r: Buffer.from(block.redactedContent).toString('base64') };
  else return undefined;
  return MARKER + Buffer.from(JSON.stringify(encoded), 'utf8').toString('base64url');
}

/** The Converse block an encrypted_content stands for, or undefined when spendgate did not write it. */
export function decodeReasoning(encryptedContent: unknown): ContentBlock.ReasoningContentMember | undefined {
  if (typeof encryptedContent !== 'string' || !encryptedContent.startsWith(MARKER)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(encryptedContent.slice(MARKER.length), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof decoded !== 'object' || decoded === null) return undefined;
  const { t, s, r } = decoded as Record<string, unknown>;
  if (typeof r === 'string') return { reasoningContent: { redactedContent: Buffer.from(r, 'base64') } };
  if (typeof t !== 'string') return undefined;
  return { reasoningContent: { reasoningText: { text: t, ...(typeof s === 'string' ? { signature: s } : {}) } } };
}
