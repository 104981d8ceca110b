// An Anthropic Messages body → the InvokeModel body a Claude model on Bedrock accepts the first time: betas filtered
// per model (a beta dropped together with its field), system-role messages folded, thinking converted, max_tokens
// capped, tool search only where the model has it, cache_control cleaned. Pure: the input is never mutated.
import type { Adaptations } from './adaptations.js';
import { bedrockBetaName, type ModelCapabilities } from './capabilities.js';
import { isRecord } from './converse-parts.js';
import { withoutPath, type Adjustment } from './healing.js';
import { foldSystemMessages, isBillingHeaderBlock } from './system-messages.js';

type Json = Record<string, unknown>;

const BEDROCK_VERSION = 'bedrock-2023-05-31';
const CONTEXT_MANAGEMENT = 'context-management-2025-06-27';
const EFFORT = 'effort-2025-11-24';
const TOOL_SEARCH = 'tool-search-tool-2025-10-19';
const TOOL_EXAMPLES = 'tool-examples-2025-10-29';
/** The smallest thinking budget the Messages API takes. */
const MIN_THINKING_BUDGET = 1024;
/** The budget Claude Code itself sends with enabled thinking (max_tokens 32000). */
const DEFAULT_THINKING_BUDGET = 31_999;

/** Top-level fields Claude's InvokeModel body takes without a beta. `model` and `stream` travel in the URL. */
const PLAIN_FIELDS = new Set(['max_tokens', 'messages', 'system', 'temperature', 'top_p', 'top_k', 'stop_sequences',
  'tools', 'tool_choice', 'thinking', 'metadata']);
const IN_URL = new Set(['model', 'stream', 'anthropic_beta', 'anthropic_version']);
/** Keys of a client-defined tool, and the beta each optional one needs. */
const TOOL_KEYS = new Set(['name', 'description', 'input_schema', 'cache_control', 'type']);
const TOOL_KEY_BETAS: Readonly<Record<string, string>> = { defer_loading: TOOL_SEARCH, input_examples: TOOL_EXAMPLES };

export interface ClaudeBody {
  readonly body: Json;
  /** The betas sent in `anthropic_beta`. */
  readonly betas: readonly string[];
}

/** Everything one normalisation needs to know and record. */
interface Fit {
  readonly caps: ModelCapabilities;
  readonly model: string;
  readonly betas: ReadonlySet<string>;
  readonly adapt: Adaptations;
}

function requestedBetas(header: string | undefined, inBody: unknown): string[] {
  const all = [...(header ?? '').split(','), ...(Array.isArray(inBody) ? inBody.filter((b): b is string => typeof b === 'string') : [])];
  return [...new Set(all.map((b) => b.trim()).filter((b) => b !== ''))];
}

function acceptedBetas(requested: readonly string[], caps: ModelCapabilities, refused: ReadonlySet<string>, model: string, adapt: Adaptations): string[] {
  const kept: string[] = [];
  for (const beta of requested) {
    const name = bedrockBetaName(beta);
    if (!caps.betas.has(name) || refused.has(name)) {
      adapt.add(`beta:${beta}`, `anthropic-beta ${beta} dropped: ${model} on Bedrock does not accept it`);
      continue;
    }
    if (name !== beta) adapt.add(`beta:${beta}`, `anthropic-beta ${beta} sent as ${name}, Bedrock's name for it`);
    if (!kept.includes(name)) kept.push(name);
  }
  return kept;
}

/** `cache_control` with only what Bedrock takes: `type`, and `ttl` where the model has the 1-hour cache. */
function cleanCacheControl(block: Json, fit: Fit): Json {
  const cc = block.cache_control;
  if (!isRecord(cc)) return block;
  const extra = Object.keys(cc).filter((k) => k !== 'type' && !(k === 'ttl' && fit.caps.cacheTtl1h));
  if (extra.length === 0) return block;
  for (const k of extra) fit.adapt.add(`cache_control.${k}`, `cache_control.${k} removed: ${fit.model} on Bedrock does not take it`);
  const kept: Json = { type: cc.type };
  if (fit.caps.cacheTtl1h && cc.ttl !== undefined) kept.ttl = cc.ttl;
  return { ...block, cache_control: kept };
}

function toolReferenceAsText(block: Json, fit: Fit): Json {
  fit.adapt.add('tool_reference', `tool_reference blocks sent as text: ${fit.model} on Bedrock has no tool search`);
  const name = typeof block.tool_name === 'string' ? block.tool_name : 'a deferred tool';
  return { type: 'text', text: `Tool ${name} is now available.` };
}

function cleanBlock(raw: unknown, fit: Fit): unknown {
  if (!isRecord(raw)) return raw;
  if (raw.type === 'tool_reference' && !fit.betas.has(TOOL_SEARCH)) return toolReferenceAsText(raw, fit);
  let block = cleanCacheControl(raw, fit);
  if (raw.type === 'tool_result' && Array.isArray(raw.content)) {
    const content = cleanBlocks(raw.content, fit);
    if (content !== raw.content) block = { ...block, content };
  }
  return block;
}

/** The same array when no block changed, so an untouched history is not copied. */
function cleanBlocks(blocks: readonly unknown[], fit: Fit): unknown[] {
  let changed = false;
  const out = blocks.map((b) => {
    const next = cleanBlock(b, fit);
    if (next !== b) changed = true;
    return next;
  });
  return changed ? out : (blocks as unknown[]);
}

function cleanMessages(raw: unknown, fit: Fit): unknown {
  if (!Array.isArray(raw)) return raw;
  return foldSystemMessages(raw, fit.adapt).map((m) => {
    if (!isRecord(m)) return m;
    let message = m;
    const extra = Object.keys(m).filter((k) => k !== 'role' && k !== 'content');
    if (extra.length > 0) {
      for (const k of extra) fit.adapt.add(`message.${k}`, `messages[].${k} removed: Bedrock InvokeModel takes only role and content per message`);
      message = { role: m.role, content: m.content };
    }
    if (!Array.isArray(message.content)) return message;
    const content = cleanBlocks(message.content, fit);
    return content === message.content ? message : { ...message, content };
  });
}

function cleanSystem(raw: unknown, fit: Fit): unknown {
  if (!Array.isArray(raw)) return raw;
  const kept = raw.filter((b) => {
    const billing = isBillingHeaderBlock(b);
    if (billing) fit.adapt.add('billing_header', 'the x-anthropic-billing-header system block removed (first-party telemetry)');
    return !billing;
  });
  return cleanBlocks(kept, fit);
}

function cleanTool(raw: unknown, fit: Fit): unknown {
  if (!isRecord(raw)) return raw;
  if (raw.type !== undefined && raw.type !== 'custom') return cleanCacheControl(raw, fit);
  const extra = Object.keys(raw).filter((k) => !TOOL_KEYS.has(k) && !(TOOL_KEY_BETAS[k] !== undefined && fit.betas.has(TOOL_KEY_BETAS[k])));
  if (extra.length === 0) return cleanCacheControl(raw, fit);
  const tool: Json = {};
  for (const [k, v] of Object.entries(raw)) {
    if (!extra.includes(k)) tool[k] = v;
    else fit.adapt.add(`tool.${k}`, `tools[].${k} removed: ${fit.model} on Bedrock does not take it${TOOL_KEY_BETAS[k] ? ` without ${TOOL_KEY_BETAS[k]}` : ''}`);
  }
  return cleanCacheControl(tool, fit);
}

function cleanTools(raw: unknown, fit: Fit): unknown {
  if (!Array.isArray(raw)) return raw;
  return raw
    .filter((t) => {
      const search = isRecord(t) && typeof t.type === 'string' && t.type.startsWith('tool_search_tool');
      if (search && !fit.betas.has(TOOL_SEARCH)) fit.adapt.add('tool_search_tool', `the tool search tool removed: ${fit.model} on Bedrock has no tool search`);
      return !(search && !fit.betas.has(TOOL_SEARCH));
    })
    .map((t) => cleanTool(t, fit));
}

function cleanOutputConfig(raw: unknown, fit: Fit): Json | undefined {
  if (!isRecord(raw)) return undefined;
  const kept: Json = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'effort' && fit.betas.has(EFFORT)) kept[k] = v;
    else fit.adapt.add(`output_config.${k}`, `output_config.${k} removed: ${fit.model} on Bedrock does not take it${k === 'effort' ? ` (no ${EFFORT})` : ''}`);
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** `thinking` in a form the model takes, with a budget below `maxTokens`; undefined to leave thinking out. */
function fitThinking(raw: unknown, maxTokens: number | undefined, fit: Fit): unknown {
  if (!isRecord(raw) || raw.type === 'disabled') return raw;
  if (fit.caps.thinking.size === 0) {
    fit.adapt.add('thinking', `thinking removed: ${fit.model} has no extended thinking`);
    return undefined;
  }
  let thinking: Json = raw;
  if (raw.type === 'adaptive' && !fit.caps.thinking.has('adaptive')) {
    const budget = Math.min(DEFAULT_THINKING_BUDGET, (maxTokens ?? DEFAULT_THINKING_BUDGET + 1) - 1);
    fit.adapt.add('thinking.adaptive', `adaptive thinking sent as enabled thinking: ${fit.model} on Bedrock takes only budget_tokens`);
    const { type: _type, display: _display, ...rest } = raw;
    thinking = { ...rest, type: 'enabled', budget_tokens: budget };
    if (raw.display !== undefined) thinking.display = raw.display;
  }
  if (thinking.display !== undefined && !fit.caps.thinkingDisplay) {
    fit.adapt.add('thinking.display', `thinking.display removed: ${fit.model} on Bedrock does not take it`);
    const { display: _display, ...rest } = thinking;
    thinking = rest;
  }
  if (thinking.type === 'enabled' && typeof thinking.budget_tokens === 'number' && maxTokens !== undefined && thinking.budget_tokens >= maxTokens) {
    if (maxTokens <= MIN_THINKING_BUDGET) {
      fit.adapt.add('thinking.budget', `thinking removed: max_tokens ${maxTokens} leaves no room for the smallest thinking budget`);
      return undefined;
    }
    fit.adapt.add('thinking.budget', `thinking.budget_tokens lowered below max_tokens ${maxTokens}`);
    thinking = { ...thinking, budget_tokens: maxTokens - 1 };
  }
  return thinking;
}

function fitMaxTokens(raw: unknown, fit: Fit): number | undefined {
  if (typeof raw !== 'number') return undefined;
  if (raw <= fit.caps.maxOutputTokens) return raw;
  fit.adapt.add('max_tokens', `max_tokens ${raw} lowered to ${fit.caps.maxOutputTokens}, the most ${fit.model} writes`);
  return fit.caps.maxOutputTokens;
}

/**
 * The InvokeModel body for `model` (a Bedrock Claude id), from the client's Anthropic body and `anthropic-beta` header.
 * `learned` are adjustments earlier refusals taught for this model; `refusedBetas` those to leave out.
 */
export function claudeInvokeBody(
  body: Readonly<Json>,
  betaHeader: string | undefined,
  model: string,
  caps: ModelCapabilities,
  learned: readonly Adjustment[],
  adapt: Adaptations,
): ClaudeBody {
  const refused = new Set(learned.flatMap((a) => (a.kind === 'drop_betas' ? a.betas : [])));
  const betas = acceptedBetas(requestedBetas(betaHeader, body.anthropic_beta), caps, refused, model, adapt);
  const fit: Fit = { caps, model, betas: new Set(betas), adapt };
  const version = typeof body.anthropic_version === 'string' && body.anthropic_version.startsWith('bedrock-') ? body.anthropic_version : BEDROCK_VERSION;
  let out: Json = { anthropic_version: version };
  if (betas.length > 0) out.anthropic_beta = betas;

  for (const [key, value] of Object.entries(body)) {
    if (IN_URL.has(key)) continue;
    if (key === 'context_management') {
      if (fit.betas.has(CONTEXT_MANAGEMENT)) out[key] = value;
      else adapt.add(key, `context_management removed with its beta ${CONTEXT_MANAGEMENT}, which ${model} on Bedrock does not take`);
    } else if (key === 'output_config') {
      const config = cleanOutputConfig(value, fit);
      if (config !== undefined) out[key] = config;
    } else if (PLAIN_FIELDS.has(key)) out[key] = value;
    else adapt.add(`field:${key}`, `${key} removed: Bedrock InvokeModel does not take it`);
  }

  if (isRecord(out.metadata) && Object.keys(out.metadata).some((k) => k !== 'user_id')) {
    adapt.add('metadata', 'metadata other than user_id removed');
    out.metadata = out.metadata.user_id === undefined ? {} : { user_id: out.metadata.user_id };
  }
  out.system = cleanSystem(out.system, fit);
  out.messages = cleanMessages(out.messages, fit);
  out.tools = cleanTools(out.tools, fit);
  const maxTokens = fitMaxTokens(out.max_tokens, fit);
  if (maxTokens !== undefined) out.max_tokens = maxTokens;
  out.thinking = fitThinking(out.thinking, maxTokens, fit);
  for (const key of ['system', 'tools', 'thinking']) if (out[key] === undefined) delete out[key];

  for (const adjustment of learned) {
    if (adjustment.kind === 'drop_field') out = withoutPath(out, adjustment.path) as Json;
  }
  return { body: out, betas: Array.isArray(out.anthropic_beta) ? betas : [] };
}
