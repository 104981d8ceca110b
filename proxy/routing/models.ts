// Model-name matching: Anthropic first-party names, Bedrock ids and inference profiles name the same model.
import { baseModelId } from '../core/model-id.js';

const VENDOR_PREFIX = /^(anthropic|mistral|meta|amazon|cohere|ai21|deepseek|writer|qwen|openai)\./;
const VERSION_SUFFIX = /-v\d+(:\d+)?$/;
const DATE_SUFFIX = /-\d{8}$/;

/** The model's canonical name: no inference-profile prefix, no vendor prefix, no Bedrock version suffix. */
export function canonicalModel(id: string): string {
  return baseModelId(id).replace(VENDOR_PREFIX, '').replace(VERSION_SUFFIX, '');
}

/** The model family without its snapshot date (`claude-sonnet-4-5-20250929` → `claude-sonnet-4-5`). */
export function modelFamily(id: string): string {
  return canonicalModel(id).replace(DATE_SUFFIX, '');
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
