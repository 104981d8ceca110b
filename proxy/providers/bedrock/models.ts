// What only Bedrock knows of model ids: which models speak the Claude body, which run only through an inference
// profile, and each region's profile prefix. The id forms themselves are core/model-id.ts.
import { baseModelId, hasProfilePrefix } from '../../core/model-id.js';

/** Claude models (bare, through a profile, or as an ARN) speak the Anthropic Messages body on InvokeModel. */
export function isClaudeModel(modelId: string): boolean {
  return baseModelId(modelId).startsWith('anthropic.');
}

/** True when the id already names an inference profile (a geographic prefix or a profile ARN). */
export function isInferenceProfileId(modelId: string): boolean {
  return hasProfilePrefix(modelId) || /:(application-)?inference-profile\//.test(modelId);
}

/**
 * Bare model ids Bedrock serves on demand only through an inference profile. Claude 3.7 and every Claude 4.x,
 * Llama 3.2+/4, Nova Premier and the newer Mistral/DeepSeek models are profile-only; the list errs towards the
 * models the gateway's users route to, and the on-demand ValidationException retry covers the rest.
 */
const PROFILE_ONLY: readonly RegExp[] = [
  /^anthropic\.claude-3-7-sonnet-/,
  /^anthropic\.claude-(sonnet|opus|haiku)-4(-\d)?-/,
  /^anthropic\.claude-3-5-haiku-/,
  /^anthropic\.claude-3-5-sonnet-20241022-/,
  /^meta\.llama3-[23]-/,
  /^meta\.llama4-/,
  /^amazon\.nova-premier-/,
  /^deepseek\.r1-/,
  /^mistral\.pixtral-large-/,
];

/** For `spendgate check`: a bare id that needs an inference profile (`us.…`) to be called on demand. */
export function needsInferenceProfile(modelId: string): boolean {
  if (isInferenceProfileId(modelId) || modelId.startsWith('arn:')) return false;
  return PROFILE_ONLY.some((pattern) => pattern.test(modelId));
}

/** The geographic profile prefix for a region: us-* → us, eu-* → eu, ap-* → apac, anything else → global. */
export function profilePrefixForRegion(region: string): string {
  if (region.startsWith('us-')) return 'us';
  if (region.startsWith('eu-')) return 'eu';
  if (region.startsWith('ap-')) return 'apac';
  return 'global';
}

/** The inference profile id to retry a bare model id with, in the provider's region. */
export function inferenceProfileFor(modelId: string, region: string): string {
  return `${profilePrefixForRegion(region)}.${modelId}`;
}

/** Bedrock's answer to an on-demand call of a profile-only model (400 ValidationException). */
export function isOnDemandUnsupported(errorName: string, message: string): boolean {
  return errorName === 'ValidationException' && /on-demand throughput/i.test(message) && /inference profile/i.test(message);
}
