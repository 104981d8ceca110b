// How Bedrock refuses a Claude InvokeModel (Messages API) body: Bedrock's own JSON-schema check first
// ("Malformed input request: …"), then the beta list, then the model's validator ("The model returned the
// following errors: …", pydantic paths with the content-block tag, e.g. `messages.3.content.0.text.cache_control.scope`).
import type { ClaudeInvokeTraits } from './bedrock-models.js';

type Json = Record<string, unknown>;

const SCHEMA_SUFFIX = ', please reformat your input and try again.';
const MODEL_PREFIX = 'The model returned the following errors: ';
const EXTRA = 'Extra inputs are not permitted';
const VERSION = 'bedrock-2023-05-31';
const TOOL_SEARCH_BETA = 'tool-search-tool-2025-10-19';
const CONTEXT_MANAGEMENT_BETA = 'context-management-2025-06-27';
const EFFORT_BETA = 'effort-2025-11-24';

// Keys Bedrock's schema lets through for Claude (AWS "Anthropic Claude Messages API" request reference; `model` and
// `stream` belong in the URL and are refused like any stranger, as LiteLLM and Claude Code's own Bedrock path know).
// `output_config` passes the schema and is judged by the model (claude-code-action issue 1005).
const SCHEMA_KEYS = new Set([
  'anthropic_version', 'anthropic_beta', 'max_tokens', 'messages', 'system', 'temperature', 'top_p', 'top_k',
  'stop_sequences', 'tools', 'tool_choice', 'thinking', 'metadata', 'output_config',
]);

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'JSONArray';
  if (v === null) return 'Null';
  return typeof v === 'string' ? 'String' : typeof v === 'number' ? 'Number' : typeof v === 'boolean' ? 'Boolean' : 'JSONObject';
}

/**
 * Bedrock's schema validator (everit) reports every violation, each as `#…: …`, run together before one suffix:
 * `Malformed input request: #: required key [max_tokens] not found#: extraneous key [toolConfig] is not permitted, …`
 * (seen verbatim in public error reports; the single-key form is in the research file).
 */
function schemaErrors(body: Json, betas: readonly string[]): string[] {
  const errors: string[] = [];
  for (const key of ['anthropic_version', 'max_tokens']) if (!(key in body)) errors.push(`#: required key [${key}] not found`);
  if ('anthropic_version' in body && body.anthropic_version !== VERSION) errors.push(`#/anthropic_version: ${String(body.anthropic_version)} is not a valid enum value`);
  for (const key of Object.keys(body)) {
    // context_management is only in the schema when its beta is asked for (research file; claude-code issue 49548).
    const allowed = SCHEMA_KEYS.has(key) || (key === 'context_management' && betas.includes(CONTEXT_MANAGEMENT_BETA));
    if (!allowed) errors.push(`#: extraneous key [${key}] is not permitted`);
  }
  return errors;
}

function extraKeys(value: unknown, allowed: ReadonlySet<string>, path: string): string | undefined {
  if (!isObject(value)) return undefined;
  const extra = Object.keys(value).find((k) => !allowed.has(k));
  return extra === undefined ? undefined : `${path}.${extra}: ${EXTRA}`;
}

/** `cache_control` takes `type` (and `ttl` where the model does); Claude Code's `scope` is refused (research file). */
function cacheControlError(block: Json, path: string, model: ClaudeInvokeTraits): string | undefined {
  const allowed = new Set(model.cacheTtl ? ['type', 'ttl'] : ['type']);
  return extraKeys(block.cache_control, allowed, `${path}.cache_control`);
}

const blockTag = (block: Json): string => (typeof block.type === 'string' ? block.type : 'text');

function thinkingError(body: Json, model: ClaudeInvokeTraits): string | undefined {
  const thinking = body.thinking;
  if (!isObject(thinking)) return undefined;
  const type = thinking.type;
  const known = model.adaptiveThinking ? ['enabled', 'disabled', 'adaptive'] : ['enabled', 'disabled'];
  // Measured on Bedrock (us-west-2, 2026-08-17) for Sonnet 4 / 4.5, Haiku 4.5, Opus 4.5: "thinking: Input tag
  // 'adaptive' found using 'type' does not match any of the expected tags: 'enabled', 'disabled'".
  if (typeof type !== 'string' || !known.includes(type)) {
    return `thinking: Input tag '${String(type)}' found using 'type' does not match any of the expected tags: ${known.map((k) => `'${k}'`).join(', ')}`;
  }
  // `display` only on models that take it: "thinking.enabled.display: Extra inputs are not permitted" (reported
  // against a Bedrock endpoint), "thinking.disabled.display: …" (Claude Code 2.1.183 changelog).
  const fields = new Set(type === 'enabled' ? ['type', 'budget_tokens'] : ['type']);
  if (model.thinkingDisplay) fields.add('display');
  const extra = extraKeys(thinking, fields, `thinking.${type}`);
  if (extra !== undefined) return extra;
  if (type !== 'enabled') return undefined;
  const budget = thinking.budget_tokens;
  // "The model returned the following errors: thinking.enabled.budget_tokens: Input should be greater than or equal to 1024" (Bedrock).
  if (typeof budget !== 'number' || budget < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
  if (typeof body.max_tokens === 'number' && budget >= body.max_tokens) return '`max_tokens` must be greater than `thinking.budget_tokens`.';
  return undefined;
}

function toolsError(body: Json, model: ClaudeInvokeTraits, betas: readonly string[]): string | undefined {
  const toolSearch = betas.includes(TOOL_SEARCH_BETA);
  const tools = objects(body.tools);
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i];
    const tag = typeof tool.type === 'string' && tool.type !== 'custom' ? tool.type : 'custom';
    // "tools.10.custom.defer_loading: Extra inputs are not permitted" (research file; claude-code issue 82549).
    if ('defer_loading' in tool && !toolSearch) return `tools.${i}.${tag}.defer_loading: ${EXTRA}`;
    const cache = cacheControlError(tool, `tools.${i}.${tag}`, model);
    if (cache !== undefined) return cache;
  }
  return undefined;
}

function systemError(body: Json, model: ClaudeInvokeTraits): string | undefined {
  // "system.1.cache_control.scope: Extra inputs are not permitted" was recorded from Bedrock verbatim.
  const blocks = objects(body.system);
  for (let i = 0; i < blocks.length; i++) {
    const cache = cacheControlError(blocks[i], `system.${i}`, model);
    if (cache !== undefined) return cache;
  }
  return undefined;
}

function toolResultContentError(block: Json, path: string, model: ClaudeInvokeTraits, toolSearch: boolean, toolNames: ReadonlySet<string>): string | undefined {
  const inner = objects(block.content);
  for (let k = 0; k < inner.length; k++) {
    const item = inner[k];
    if (item.type === 'tool_reference') {
      // Without tool search the block is not in the union: "messages.X.content.0.tool_result.content.0: Input tag
      // 'tool_reference' found using 'type' does not match any of the expected tags: 'document', 'image',
      // 'search_result', 'text'" (reported by Claude Code users of Anthropic-compatible endpoints).
      if (!toolSearch) return `${path}.content.${k}: Input tag 'tool_reference' found using 'type' does not match any of the expected tags: 'document', 'image', 'search_result', 'text'`;
      // With it, the name must be a tool of this request (claude-code issue 25212 on Bedrock).
      if (typeof item.tool_name !== 'string' || !toolNames.has(item.tool_name)) return 'Tool reference not found in available tools';
      continue;
    }
    const cache = cacheControlError(item, `${path}.content.${k}.${blockTag(item)}`, model);
    if (cache !== undefined) return cache;
  }
  return undefined;
}

function messagesError(body: Json, model: ClaudeInvokeTraits, betas: readonly string[]): string | undefined {
  const toolSearch = betas.includes(TOOL_SEARCH_BETA);
  const toolNames = new Set(objects(body.tools).map((t) => t.name).filter((n): n is string => typeof n === 'string'));
  const messages = objects(body.messages);
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    // Per-message `output_config` (per-turn control) and any other stranger on a message.
    const extra = extraKeys(message, new Set(['role', 'content']), `messages.${i}`);
    if (extra !== undefined) return extra;
    const content = objects(message.content);
    for (let j = 0; j < content.length; j++) {
      const block = content[j];
      const path = `messages.${i}.content.${j}.${blockTag(block)}`;
      const cache = cacheControlError(block, path, model);
      if (cache !== undefined) return cache;
      if (block.type === 'tool_result') {
        const inner = toolResultContentError(block, path, model, toolSearch, toolNames);
        if (inner !== undefined) return inner;
      }
    }
  }
  return undefined;
}

function outputConfigError(body: Json, betas: readonly string[]): string | undefined {
  // "output_config.effort: Extra inputs are not permitted" on models or requests without effort (claude-code-action
  // issue 1005, claude-code issue 51377); effort needs its beta on Opus 4.5 (LiteLLM beta_headers_config.py).
  const allowed = new Set(betas.includes(EFFORT_BETA) ? ['effort'] : []);
  return extraKeys(body.output_config, allowed, 'output_config');
}

/** The first refusal Bedrock gives a Claude InvokeModel body, or undefined when it would answer. */
export function claudeInvokeRefusal(body: unknown, model: ClaudeInvokeTraits): string | undefined {
  if (!isObject(body)) return `Malformed input request: #: expected type: JSONObject, found: ${jsonType(body)}${SCHEMA_SUFFIX}`;
  const betas = Array.isArray(body.anthropic_beta) ? body.anthropic_beta.filter((b): b is string => typeof b === 'string') : [];
  const schema = schemaErrors(body, betas);
  if (schema.length > 0) return `Malformed input request: ${schema.join('')}${SCHEMA_SUFFIX}`;
  // A beta the model does not take refuses the whole request (claude-code issues 49370, 49648, 56595).
  if (betas.some((b) => !model.betas.has(b))) return 'invalid beta flag';
  const modelError =
    messagesError(body, model, betas) ?? systemError(body, model) ?? toolsError(body, model, betas) ?? thinkingError(body, model) ??
    outputConfigError(body, betas) ?? extraKeys(body.metadata, new Set(['user_id']), 'metadata') ?? maxTokensError(body, model);
  if (modelError !== undefined) return `${MODEL_PREFIX}${modelError}`;
  // Research file wording, without the validator's prefix: it is what Claude Code's own fold detector matches.
  if (objects(body.messages).some((m) => m.role === 'system')) {
    return 'Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.';
  }
  return undefined;
}

function maxTokensError(body: Json, model: ClaudeInvokeTraits): string | undefined {
  // Anthropic's wording, which Bedrock relays: "max_tokens: 200000 > 64000, which is the maximum allowed number of
  // output tokens for claude-sonnet-4-5-20250929" (LiteLLM PR 15715 and many client reports).
  const max = body.max_tokens;
  if (typeof max === 'number' && max > model.maxOutputTokens) {
    return `max_tokens: ${max} > ${model.maxOutputTokens}, which is the maximum allowed number of output tokens for ${model.name}`;
  }
  return undefined;
}
