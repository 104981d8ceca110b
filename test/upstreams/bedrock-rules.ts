// What the loopback Bedrock refuses before it answers: one pure function over (operation, model id, body), so the
// suite sees the gateway fail where real Bedrock would (issue 16, item 5). Deliberately independent of proxy/.
import { findModel } from './bedrock-models.js';
import { claudeInvokeRefusal } from './bedrock-rules-invoke.js';
import { converseRefusal } from './bedrock-rules-converse.js';

export type BedrockOperation = 'invoke' | 'invoke-with-response-stream' | 'converse' | 'converse-stream';

/** A refusal as Bedrock sends it: HTTP 400, `x-amzn-errortype: ValidationException:…`, JSON `{"message": …}`. */
export interface Refusal {
  readonly status: 400;
  readonly type: 'ValidationException';
  readonly message: string;
}

/**
 * Bedrock's refusal of this request, or null when it would answer. Models the stand-in does not know (and InvokeModel
 * bodies of non-Claude models) are not validated.
 */
export function refusal(operation: BedrockOperation, modelId: string, body: unknown): Refusal | null {
  const model = findModel(modelId);
  if (model === undefined) return null;
  let message: string | undefined;
  if (operation === 'converse' || operation === 'converse-stream') message = converseRefusal(operation === 'converse-stream', body, model.converse);
  else if (model.claude !== undefined) message = claudeInvokeRefusal(body, model.claude);
  return message === undefined ? null : { status: 400, type: 'ValidationException', message };
}
