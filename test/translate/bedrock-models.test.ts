// Bedrock model-id rules: Claude detection, profile-only ids, region → profile prefix.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
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
