// Responses API tools → Converse tool specs: function, custom (freeform) and namespace tools flattened to functions
// under names Bedrock accepts, with the way back from a Bedrock tool name to the client's name, namespace and kind.
import type { Tool, ToolChoice } from '@aws-sdk/client-bedrock-runtime';
import type { Adaptations } from './adaptations.js';
import { converseToolUseId } from './converse-fit.js';
import { isRecord, stringAt as text, toolSpec, untranslatable } from './converse-parts.js';

/** The one string parameter a custom (freeform) tool is exposed with. */
export const CUSTOM_INPUT = 'input';

export type ToolKind = 'function' | 'custom';

/** A tool as the client declared it. */
export interface ClientTool {
  readonly name: string;
  readonly namespace?: string;
  readonly kind: ToolKind;
}

function qualified(name: string, namespace: string | undefined): string {
  return namespace === undefined ? name : `${namespace}__${name}`;
}

/**
 * The Bedrock name of a (namespaced) tool name, which allows letters, digits, `_` and `-`, at most 64 characters
 * (the same rule as tool-use ids): the same input always gives the same name.
 */
export function bedrockToolName(name: string, namespace?: string): string {
  return converseToolUseId(qualified(name, namespace));
}

/** Bedrock tool name ↔ the client's tool, for one request. */
export class ToolNames {
  private readonly byBedrock = new Map<string, ClientTool>();
  /** Qualified client name → the Bedrock name it was given. */
  private readonly byClient = new Map<string, string>();

  /**
   * The Bedrock name for a client tool, remembered so the answer can name it back. Two tools whose names clean up
   * to the same Bedrock name are told apart by a suffix (declared tools come first, so each turn agrees).
   */
  add(tool: ClientTool): string {
    const key = `${tool.namespace ?? ''}\u0000${tool.name}`;
    const known = this.byClient.get(key);
    if (known !== undefined) return known;
    let name = bedrockToolName(tool.name, tool.namespace);
    if (this.byBedrock.has(name)) name = converseToolUseId(`${name.slice(0, 40)}_${this.byBedrock.size}`);
    this.byBedrock.set(name, tool);
    this.byClient.set(key, name);
    return name;
  }

  /** The client's tool for a name Bedrock used; a name the request never declared is a plain function. */
  client(bedrockName: string): ClientTool {
    return this.byBedrock.get(bedrockName) ?? { name: bedrockName, kind: 'function' };
  }
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
