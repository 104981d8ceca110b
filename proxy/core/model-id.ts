// Bedrock model-id forms shared by routing, pricing and the Bedrock provider: inference-profile prefixes and ARNs.

/** Cross-region inference-profile prefixes: `us.anthropic.…`, `eu.…`, `apac.…`, `global.…`, … */
const PROFILE_PREFIX = /^(us|eu|apac|global|us-gov|jp|au|ca)\./;

/** True when the id starts with a cross-region inference-profile prefix. */
export function hasProfilePrefix(modelId: string): boolean {
  return PROFILE_PREFIX.test(modelId);
}

/** The id without its inference-profile prefix (`us.anthropic.x` → `anthropic.x`). */
export function stripProfilePrefix(modelId: string): string {
  return modelId.replace(PROFILE_PREFIX, '');
}

/** The model id without its inference-profile prefix; an ARN is reduced to its last path segment first. */
export function baseModelId(modelId: string): string {
  const tail = modelId.startsWith('arn:') ? modelId.slice(modelId.lastIndexOf('/') + 1) : modelId;
  return stripProfilePrefix(tail);
}

/** True for an application inference profile ARN: an opaque id that names no model (its profile routes to one). */
export function isApplicationProfileArn(modelId: string): boolean {
  return /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:application-inference-profile\//.test(modelId);
}
