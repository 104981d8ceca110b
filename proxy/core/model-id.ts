// Model-id forms and which names mean the same model: Bedrock inference-profile prefixes and ARNs, Bedrock ids and
// Anthropic's first-party names. The one owner of these rules for routing, pricing and the providers; what only
// Bedrock knows (which models need a profile, regional prefixes) stays in providers/bedrock/models.ts.

/** Cross-region inference-profile prefixes: `us.anthropic.…`, `eu.…`, `apac.…`, `global.…`, … */
const PROFILE_PREFIX = /^(us|eu|apac|global|us-gov|jp|au|ca)\./;
const VENDOR_PREFIX = /^(anthropic|mistral|meta|amazon|cohere|ai21|deepseek|writer|qwen|openai)\./;
const VERSION_SUFFIX = /-v\d+(:\d+)?$/;
const DATE_SUFFIX = /-\d{8}$/;

/** True when the id starts with a cross-region inference-profile prefix. */
export function hasProfilePrefix(modelId: string): boolean {
  return PROFILE_PREFIX.test(modelId);
}

/** The id without its inference-profile prefix (`us.anthropic.x` → `anthropic.x`). */
export function stripProfilePrefix(modelId: string): string {
  return modelId.replace(PROFILE_PREFIX, '');
}

/** The id an ARN ends in (`…:inference-profile/us.anthropic.x` → `us.anthropic.x`); any other id unchanged. */
function arnModelId(modelId: string): string {
  return modelId.startsWith('arn:') ? modelId.slice(modelId.lastIndexOf('/') + 1) : modelId;
}

/** The model id without its inference-profile prefix; an ARN is reduced to its last path segment first. */
export function baseModelId(modelId: string): string {
  return stripProfilePrefix(arnModelId(modelId));
}

/** True for a cross-region inference-profile id or an ARN (not a base model id). */
export function isProfileOrArn(modelId: string): boolean {
  return hasProfilePrefix(modelId) || modelId.startsWith('arn:');
}

/**
 * The ids to try for a requested id, most specific first: the id itself, the model id an ARN ends in, then that id
 * without its cross-region profile prefix. A profile id that is itself priced therefore keeps its own price
 * (regional profiles can cost more than the base model).
 */
export function idVariants(modelId: string): string[] {
  const variants = [modelId];
  const id = arnModelId(modelId);
  if (id !== modelId) variants.push(id);
  const base = stripProfilePrefix(id);
  if (base !== id) variants.push(base);
  return variants;
}

/** The model's canonical name: no inference-profile prefix, no vendor prefix, no Bedrock version suffix. */
export function canonicalModel(id: string): string {
  return baseModelId(id).replace(VENDOR_PREFIX, '').replace(VERSION_SUFFIX, '');
}

/** The model family without its snapshot date (`claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`). */
export function modelFamily(id: string): string {
  return canonicalModel(id).replace(DATE_SUFFIX, '');
}

/**
 * The name Anthropic's own API and Bedrock share for a Claude model: `anthropic.claude-sonnet-4-20250514-v1:0` and
 * `claude-sonnet-4-20250514` both give `claude-sonnet-4-20250514`. Undefined for non-Claude ids.
 */
export function claudeName(modelId: string): string | undefined {
  const id = baseModelId(modelId);
  // Only Anthropic's models cross over: `meta.claude-…` would be someone else's model of that name.
  const name = id.startsWith('anthropic.') ? canonicalModel(id) : id;
  return name.startsWith('claude-') ? name : undefined;
}

/**
 * How well a requested name matches a served model id: 2 exact or same canonical model,
 * 1 same family (an undated alias), 0 no match.
 */
export function modelMatch(requested: string, served: string): 0 | 1 | 2 {
  if (requested === served || canonicalModel(requested) === canonicalModel(served)) return 2;
  const requestedCanonical = canonicalModel(requested);
  if (!DATE_SUFFIX.test(requestedCanonical) && requestedCanonical === modelFamily(served)) return 1;
  return 0;
}

/**
 * Whether a target serving `served` may stand in for `reference` without swapping the model under the
 * client: the same canonical model or the same family. Either name may be the undated alias, so both
 * directions count (`claude-sonnet-4` stands in for `claude-sonnet-4-20250514` and back).
 */
export function compatibleModels(reference: string, served: string): boolean {
  return modelMatch(reference, served) > 0 || modelMatch(served, reference) > 0;
}

/** True for an application inference profile ARN: an opaque id that names no model (its profile routes to one). */
export function isApplicationProfileArn(modelId: string): boolean {
  return /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:application-inference-profile\//.test(modelId);
}
