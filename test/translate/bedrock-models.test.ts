// Bedrock model-id rules: Claude detection, profile-only ids, region → profile prefix, and beta filtering.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bedrockClaudeBody, splitBetas } from '../../proxy/providers/bedrock/betas.js';
import { inferenceProfileFor, isClaudeModel, isOnDemandUnsupported, needsInferenceProfile } from '../../proxy/providers/bedrock/models.js';

describe('model ids', () => {
  test('Claude is recognised bare, through a profile and as an ARN', () => {
    assert.equal(isClaudeModel('anthropic.claude-3-haiku-20240307-v1:0'), true);
    assert.equal(isClaudeModel('us.anthropic.claude-sonnet-4-20250514-v1:0'), true);
    assert.equal(isClaudeModel('arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic.claude-opus-4-1-20250805-v1:0'), true);
    assert.equal(isClaudeModel('mistral.mistral-large-2407-v1:0'), false);
  });

  test('profile-only bare ids are flagged; profile ids and on-demand models are not', () => {
    assert.equal(needsInferenceProfile('anthropic.claude-sonnet-4-20250514-v1:0'), true);
    assert.equal(needsInferenceProfile('anthropic.claude-opus-4-1-20250805-v1:0'), true);
    assert.equal(needsInferenceProfile('anthropic.claude-sonnet-4-5-20250929-v1:0'), true);
    assert.equal(needsInferenceProfile('us.anthropic.claude-sonnet-4-20250514-v1:0'), false);
    assert.equal(needsInferenceProfile('anthropic.claude-3-haiku-20240307-v1:0'), false);
    assert.equal(needsInferenceProfile('mistral.mistral-large-2407-v1:0'), false);
  });

  test('the profile follows the region: us, eu, apac, else global', () => {
    const id = 'anthropic.claude-sonnet-4-20250514-v1:0';
    assert.equal(inferenceProfileFor(id, 'us-west-2'), `us.${id}`);
    assert.equal(inferenceProfileFor(id, 'eu-central-1'), `eu.${id}`);
    assert.equal(inferenceProfileFor(id, 'ap-northeast-1'), `apac.${id}`);
    assert.equal(inferenceProfileFor(id, 'ca-central-1'), `global.${id}`);
  });

  test('the on-demand ValidationException is recognised by name and message', () => {
    const message = 'Invocation of model ID anthropic.claude-sonnet-4-20250514-v1:0 with on-demand throughput isn’t supported. Retry your request with the ID or ARN of an inference profile that contains this model.';
    assert.equal(isOnDemandUnsupported('ValidationException', message), true);
    assert.equal(isOnDemandUnsupported('ValidationException', 'messages: field required'), false);
    assert.equal(isOnDemandUnsupported('AccessDeniedException', message), false);
  });
});

describe('anthropic-beta on Bedrock', () => {
  test('supported betas are kept (header and body, de-duplicated), others dropped', () => {
    assert.deepEqual(splitBetas('computer-use-2025-01-24, files-api-2025-04-14,context-1m-2025-08-07', ['context-1m-2025-08-07']), {
      kept: ['computer-use-2025-01-24', 'context-1m-2025-08-07'],
      dropped: ['files-api-2025-04-14'],
    });
  });

  test('the Bedrock body drops model and stream, sets anthropic_version and carries the betas', () => {
    assert.deepEqual(bedrockClaudeBody({ model: 'x', stream: true, max_tokens: 5, messages: [] }, ['output-128k-2025-02-19']), {
      anthropic_version: 'bedrock-2023-05-31', max_tokens: 5, messages: [], anthropic_beta: ['output-128k-2025-02-19'],
    });
    assert.equal('anthropic_beta' in bedrockClaudeBody({ max_tokens: 5, messages: [] }, []), false);
  });
});
