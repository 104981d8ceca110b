// Model-id forms that name the same priced model: inference-profile ARNs and ids, Anthropic first-party ↔ Bedrock names.
import { hasProfilePrefix, stripProfilePrefix } from '../core/model-id.js';

const BEDROCK_ARN = /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:(?:inference-profile|foundation-model)\/(.+)$/;
const BEDROCK_ANTHROPIC = /^anthropic\.(claude-.+?)-v\d+(?::\d+)?$/;

/**
 * The ids to try for a requested id, most specific first: the id itself, the model id an inference
 * profile or foundation-model ARN ends in, then that id without its cross-region profile prefix
 * (`us.`, `eu.`, `apac.`, `global.`, `us-gov.`, `jp.`, `au.`, `ca.`). A profile id that is itself
 * priced therefore keeps its own price (regional profiles can cost more than the base model).
 */
export function idVariants(modelId: string): string[] {
  const variants = [modelId];
  const arn = BEDROCK_ARN.exec(modelId);
  const id = arn ? arn[1] : modelId;
  if (id !== modelId) variants.push(id);
  const base = stripProfilePrefix(id);
  if (base !== id) variants.push(base);
  return variants;
}

/** True for a cross-region inference-profile id or an ARN (not a base model id). */
export function isProfileOrArn(modelId: string): boolean {
  return hasProfilePrefix(modelId) || modelId.startsWith('arn:');
}

/**
 * The name Anthropic's own API and Bedrock share for a Claude model:
 * `anthropic.claude-sonnet-4-20250514-v1:0` and `claude-sonnet-4-20250514` both give
 * `claude-sonnet-4-20250514`. Undefined for non-Claude ids.
 */
export function claudeName(modelId: string): string | undefined {
  const bedrock = BEDROCK_ANTHROPIC.exec(modelId);
  if (bedrock) return bedrock[1];
  return modelId.startsWith('claude-') ? modelId : undefined;
}
