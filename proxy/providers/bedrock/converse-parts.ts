// Converse building blocks shared by the Anthropic and OpenAI translations: images, documents, tools, stop reasons.
import type { DocumentType } from '@smithy/types';
import type { ContentBlock, DocumentFormat, ImageFormat, Message, StopReason, Tool } from '@aws-sdk/client-bedrock-runtime';
import { GatewayError } from '../../core/errors.js';

/** A request the translation cannot express in Converse: 400 naming what and why. */
export function untranslatable(what: string, why: string): GatewayError {
  return new GatewayError('invalid_request', `${what} cannot be sent to this Bedrock model: ${why}`);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string field of the client's body, or a 400 naming where it was expected. */
export function stringAt(value: unknown, where: string): string {
  if (typeof value !== 'string') throw untranslatable(where, 'it is not a string');
  return value;
}

/** An inline `data:<media type>;base64,<data>` URL, the only way Converse takes client images and files. */
export const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/** Appends content to the conversation, merging into the previous message when the role repeats (Converse alternates). */
export function appendTurn(messages: Message[], role: 'user' | 'assistant', content: ContentBlock[]): void {
  if (content.length === 0) return;
  const last = messages[messages.length - 1];
  if (last !== undefined && last.role === role) last.content = [...(last.content ?? []), ...content];
  else messages.push({ role, content });
}

const IMAGE_FORMATS: Readonly<Record<string, ImageFormat>> = {
  'image/png': 'png',
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** An image block from base64 data; Converse takes raw bytes, so the SDK re-encodes them on the wire. */
export function imageBlock(mediaType: string, base64: string): ContentBlock.ImageMember {
  const format = IMAGE_FORMATS[mediaType.toLowerCase()];
  if (format === undefined) throw untranslatable(`an image of type ${mediaType}`, 'Converse accepts png, jpeg, gif and webp');
  return { image: { format, source: { bytes: Buffer.from(base64, 'base64') } } };
}

const DOCUMENT_FORMATS: Readonly<Record<string, DocumentFormat>> = {
  'application/pdf': 'pdf',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'text/html': 'html',
  'text/markdown': 'md',
  'application/msword': 'doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.ms-excel': 'xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
};

/** Converse document names allow letters, digits, whitespace, hyphens, parentheses and square brackets. */
function documentName(title: string | undefined, ordinal: number): string {
  const cleaned = (title ?? '').replace(/[^A-Za-z0-9\s\-()[\]]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
  return cleaned.length > 0 ? cleaned : `document ${ordinal}`;
}

export function documentBlock(mediaType: string, bytes: Uint8Array, title: string | undefined, ordinal: number): ContentBlock.DocumentMember {
  const format = DOCUMENT_FORMATS[mediaType.toLowerCase()];
  if (format === undefined) {
    throw untranslatable(`a document of type ${mediaType}`, `Converse accepts ${Object.keys(DOCUMENT_FORMATS).join(', ')}`);
  }
  return { document: { format, name: documentName(title, ordinal), source: { bytes } } };
}

/** A function tool as a Converse tool spec (the JSON schema passes through unchanged). */
export function toolSpec(name: string, description: string | undefined, schema: unknown): Tool.ToolSpecMember {
  const json = isRecord(schema) ? schema : { type: 'object', properties: {} };
  return {
    toolSpec: {
      name,
      ...(description === undefined || description === '' ? {} : { description }),
      inputSchema: { json: json as DocumentType },
    },
  };
}

/**
 * Converse stop reason → Anthropic stop reason. Filtered or guardrail-blocked output is what Anthropic reports as
 * `refusal`; malformed output ends the turn.
 */
export function anthropicStopReason(reason: StopReason | string | undefined): string {
  switch (reason) {
    case 'end_turn':
    case 'tool_use':
    case 'max_tokens':
    case 'stop_sequence':
    case 'model_context_window_exceeded':
      return reason;
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/** Anthropic stop reason → Converse stop reason (refusal reads as content filtering; pause_turn as end of turn). */
export function converseStopReason(reason: string | null | undefined): StopReason {
  switch (reason) {
    case 'tool_use':
    case 'max_tokens':
    case 'stop_sequence':
    case 'model_context_window_exceeded':
      return reason;
    case 'refusal':
      return 'content_filtered';
    default:
      return 'end_turn';
  }
}

/** Converse stop reason → OpenAI finish_reason. */
export function openaiFinishReason(reason: StopReason | string | undefined): string {
  switch (reason) {
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'content_filter';
    default:
      return 'stop';
  }
}
