// `application_inference_profiles` as `spendgate check` sees it: the ARN's form, its region against the provider
// config's, the ids it maps, each problem at its own line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfigText } from '../../proxy/config/load.js';

const ARN_EAST = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/k2x9platform';

function file(provider: string): string {
  return `accounts:
  - id: aws
    providers:
${provider}
budgets:
  team:
    - {id: platform, limit: 100, period: 1M}
  virtual_key:
    - {id: ci-bot, team_id: platform, limit: 10, period: 1M}
`;
}

function problemsOf(text: string): string[] {
  const result = loadConfigText(text, 'bifrost.yaml');
  assert.equal(result.ok, false, 'the file is refused');
  return result.ok ? [] : result.problems.filter((p) => p.severity === 'error').map((p) => `${p.line}:${p.col}: ${p.message}`);
}

test('a team and a key mapped to profiles in the provider config region load, typed', () => {
  const result = loadConfigText(
    file(`      - id: sonnet-east
        type: bedrock
        region: us-east-1
        model: us.anthropic.claude-sonnet-4-20250514-v1:0
        application_inference_profiles:
          team: {platform: ${ARN_EAST}}
          virtual_key: {ci-bot: arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/q7ciagent}`),
    'bifrost.yaml',
  );
  assert.ok(result.ok, result.ok ? '' : result.problems.map((p) => p.message).join('; '));
  assert.deepEqual(result.config.accounts[0].providers[0].applicationInferenceProfiles, {
    team: { platform: ARN_EAST },
    virtualKey: { 'ci-bot': 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/q7ciagent' },
  });
});

test('an ARN of the wrong form, a profile in another region and unknown ids are each reported at their line', () => {
  const problems = problemsOf(
    file(`      - id: sonnet-east
        type: bedrock
        region: us-east-1
        model: us.anthropic.claude-sonnet-4-20250514-v1:0
        application_inference_profiles:
          team:
            platform: arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0
            nobody: ${ARN_EAST}
          virtual_key:
            ci-bot: arn:aws:bedrock:eu-west-1:111122223333:application-inference-profile/q7ciagent`),
  );
  assert.deepEqual(problems, [
    '10:23: "arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0" is not an application inference profile ARN (arn:aws:bedrock:REGION:ACCOUNT:application-inference-profile/ID)',
    '11:13: team "nobody" has no entry in budgets.team',
    '13:21: the profile is in eu-west-1 but provider config sonnet-east calls Bedrock in us-east-1: Bedrock only serves a profile in its own region',
  ]);
});

test('a provider config without a region, or not on Bedrock, cannot take profiles', () => {
  const problems = problemsOf(
    file(`      - id: sonnet-somewhere
        type: bedrock
        model: us.anthropic.claude-sonnet-4-20250514-v1:0
        application_inference_profiles: {team: {platform: ${ARN_EAST}}}
      - id: anthropic-direct
        type: anthropic
        model: claude-sonnet-4-20250514
        application_inference_profiles: {team: {platform: ${ARN_EAST}}}`),
  );
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.match(problems[0], /^7:\d+: provider config sonnet-somewhere has no region: an application inference profile is regional, so set region: us-east-1$/);
  assert.match(problems[1], /^11:\d+: application_inference_profiles are for bedrock provider configs; anthropic-direct is anthropic$/);
});
