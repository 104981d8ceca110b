// Responses API tools → Converse tool specs: function, custom (freeform) and namespace tools flattened to functions
// under names Bedrock accepts, with the way back from a Bedrock tool name to the client's name, namespace and kind.
import type { Tool, ToolChoice } from '@aws-sdk/client-bedrock-runtime';
import type { Adaptations } from './adaptations.js';
import { isRecord, toolSpec, untranslatable } from './converse-parts.js';

/** Bedrock tool names: letters, digits, `_` and `-`, at most 64 characters. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/** The one string parameter a custom (freeform) tool is exposed with. */
export const CUSTOM_INPUT = 'input';

export type ToolKind = 'function' | 'custom';

/** A tool as the client declared it. */
export interface ClientTool {
  readonly name: string;
  readonly namespace?: string;
  readonly kind: ToolKind;
}

function hash(text: string): string {
  let h = 0;
  for (const ch of text) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return h.toString(16).padStart(8, '0');
}

/** The Bedrock name of a (namespaced) tool name: the same input always gives the same name. */
export function bedrockToolName(name: string, namespace?: string): string {
  const full = namespace === undefined ? name : `${namespace}__${name}`;
  if (TOOL_NAME.test(full)) return full;
  const cleaned = full.replace(/[^a-zA-Z0-9_-]/g, '_');
  if (cleaned === full && cleaned.length <= 64) return cleaned;
  return `${cleaned.slice(0, 55)}_${hash(full)}`;
}

/** Bedrock tool name ↔ the client's tool, for one request. */
export class ToolNames {
  private readonly byBedrock = new Map<string, ClientTool>();

  /** The Bedrock name for a client tool, remembered so the answer can name it back. */
  add(tool: ClientTool): string {
    const name = bedrockToolName(tool.name, tool.namespace);
    if (!this.byBedrock.has(name)) this.byBedrock.set(name, tool);
    return name;
  }

  /** The client's tool for a name Bedrock used; a name the request never declared is a plain function. */
  client(bedrockName: string): ClientTool {
    return this.byBedrock.get(bedrockName) ?? { name: bedrockName, kind: 'function' };
  }
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') throw untranslatable(where, 'it is not a string');
  return value;
}

function description(tool: Record<string, unknown>): string | undefined {
  return typeof tool.description === 'string' && tool.description !== '' ? tool.description : undefined;
}

/** A freeform tool as a function of one string: its grammar, when it has one, goes into the description. */
function customSpec(tool: Record<string, unknown>, name: string): Tool {
  const format = isRecord(tool.format) ? tool.format : undefined;
  let about = description(tool) ?? '';
  if (format?.type === 'grammar' && typeof format.definition === 'string') {
    const syntax = typeof format.syntax === 'string' ? format.syntax : 'formal';
    about += `${about === '' ? '' : '\n\n'}The ${CUSTOM_INPUT} must follow this ${syntax} grammar:\n${format.definition}`;
  }
  const schema = {
    type: 'object',
    properties: { [CUSTOM_INPUT]: { type: 'string', description: 'The raw tool input, exactly as the tool reads it.' } },
    required: [CUSTOM_INPUT],
  };
  return toolSpec(name, about === '' ? undefined : about, schema);
}

function declare(tool: Record<string, unknown>, names: ToolNames, namespace: string | undefined): Tool {
  const name = text(tool.name, 'a tool name');
  if (tool.type === 'custom') return customSpec(tool, names.add({ name, namespace, kind: 'custom' }));
  const bedrockName = names.add({ name, namespace, kind: 'function' });
  return toolSpec(bedrockName, description(tool), tool.parameters);
}

/**
 * The request's tools as Converse tool specs. Function and custom tools become functions; a namespace's tools are
 * flattened under `namespace__name`. Tools that run at OpenAI (web search, file search, …) are left out and noted.
 */
export function responsesTools(raw: unknown, names: ToolNames, adapt: Adaptations): Tool[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw untranslatable('tools', 'it is not a list');
  return raw.flatMap((tool: unknown): Tool[] => {
    if (!isRecord(tool)) throw untranslatable('a tool', 'it is not an object');
    if (tool.type === 'function' || tool.type === 'custom') return [declare(tool, names, undefined)];
    if (tool.type === 'namespace') {
      const namespace = text(tool.name, 'a namespace name');
      if (!Array.isArray(tool.tools)) throw untranslatable(`the namespace ${namespace}`, 'its tools are not a list');
      return tool.tools.map((inner: unknown) => {
        if (!isRecord(inner) || (inner.type !== 'function' && inner.type !== 'custom')) {
          throw untranslatable(`a tool in the namespace ${namespace}`, 'namespaces hold function and custom tools');
        }
        return declare(inner, names, namespace);
      });
    }
    adapt.add(`hosted_tool:${String(tool.type)}`, `the ${String(tool.type)} tool left out: Bedrock runs only tools the client executes`);
    return [];
  });
}

/** Responses `tool_choice` → Converse toolChoice; 'none' when the model must not call tools. */
export function responsesToolChoice(raw: unknown, names: ToolNames): ToolChoice | 'none' | undefined {
  if (raw === undefined || raw === null || raw === 'auto') return raw === 'auto' ? { auto: {} } : undefined;
  if (raw === 'required') return { any: {} };
  if (raw === 'none') return 'none';
  if (isRecord(raw)) {
    if (raw.type === 'function' || raw.type === 'custom') {
      const name = text(raw.name, 'the tool_choice name');
      return { tool: { name: names.add({ name, namespace: typeof raw.namespace === 'string' ? raw.namespace : undefined, kind: raw.type }) } };
    }
    // allowed_tools restricts the set; every declared tool is still offered, so the model chooses among them.
    if (raw.type === 'allowed_tools') return raw.mode === 'required' ? { any: {} } : { auto: {} };
  }
  throw untranslatable('tool_choice', 'Converse knows auto, required, none and a named function or custom tool');
}
