// The extension's pure insight rules: branch tags from .git/HEAD, runway warnings, guard pauses, policy change placement.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { branchFromHead, originUrl, readBranch, remoteName, repositoryName, resolveGitDir } from '../../extension/git-head.js';
import { PauseAnnouncements } from '../../extension/guard-signal.js';
import { changeLine, changeText, type PolicyChangeJson } from '../../extension/policy-locate.js';
import { runwayAlertsDue, runwayAlertKey, runwayAlertMessage } from '../../extension/runway-rule.js';
import { tagEnvironment, tagHeaderValue } from '../../extension/spend-tags.js';
import { clientEnvironment } from '../../extension/terminal-env.js';
import type { LiveMessage, LogJson } from '../../proxy/api/wire/index.js';
import { loadFixture } from '../webview/fixture-server.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8' });
const fixture = loadFixture();
const ROOT = join(__dirname, '..', '..');

test('HEAD text names the branch, or the commit when detached', () => {
  assert.equal(branchFromHead('ref: refs/heads/main\n'), 'main');
  assert.equal(branchFromHead('ref: refs/heads/feature/runway\n'), 'feature/runway');
  assert.equal(branchFromHead('0123456789abcdef0123456789abcdef01234567\n'), 'detached@0123456');
  assert.equal(branchFromHead('garbage'), undefined);
});

test('in a real repository the branch read from .git/HEAD follows a checkout', () => {
  const repo = mkdtempSync(join(tmpdir(), 'spendgate-head-'));
  git(repo, 'init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'bifrost.yaml'), 'accounts: []\n');
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'seed');
  const gitDir = resolveGitDir(repo);
  assert.equal(gitDir, join(repo, '.git'));
  assert.equal(readBranch(join(repo, '.git')), 'main');
  git(repo, 'checkout', '-q', '-b', 'feature/cache-hints');
  assert.equal(readBranch(join(repo, '.git')), 'feature/cache-hints');
  git(repo, 'remote', 'add', 'origin', 'https://dev:ghp_secret@github.com/acme/agents.git');
  assert.equal(repositoryName(repo, gitDir), 'github.com/acme/agents');
  // A linked worktree has a .git file pointing at its own gitdir, which shares the main config.
  const tree = join(mkdtempSync(join(tmpdir(), 'spendgate-wt-')), 'wt');
  git(repo, 'worktree', 'add', '-q', '-b', 'hotfix', tree);
  const treeGitDir = resolveGitDir(tree);
  assert.ok(treeGitDir);
  assert.equal(readBranch(treeGitDir), 'hotfix');
  assert.equal(repositoryName(tree, treeGitDir), 'github.com/acme/agents');
});

test('outside a repository there is no branch and the repo is the folder name', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'spendgate-plain-')), 'my-app');
  mkdirSync(dir);
  assert.equal(resolveGitDir(dir), undefined);
  assert.equal(repositoryName(dir, undefined), 'my-app');
});

test('remote URLs lose scheme, credentials and .git', () => {
  assert.equal(remoteName('git@github.com:acme/agents.git'), 'github.com/acme/agents');
  assert.equal(remoteName('ssh://git@gitlab.example.com:2222/team/app.git'), 'gitlab.example.com:2222/team/app');
  assert.equal(remoteName('https://user:token@github.com/acme/agents'), 'github.com/acme/agents');
  assert.equal(originUrl('[core]\n\tbare = false\n[remote "upstream"]\n\turl = git@a:x/y.git\n[remote "origin"]\n\turl = git@b:z/w.git\n'), 'git@b:z/w.git');
});

test('terminals send the tags in ANTHROPIC_CUSTOM_HEADERS; commas in a branch cannot split a tag', () => {
  const tags = { branch: 'feature/a,b', workspace: 'app', repo: 'github.com/acme/app' };
  assert.equal(tagHeaderValue(tags), 'branch=feature/a_b,workspace=app,repo=github.com/acme/app');
  assert.deepEqual(tagEnvironment(tags), { ANTHROPIC_CUSTOM_HEADERS: 'x-spendgate-tags: branch=feature/a_b,workspace=app,repo=github.com/acme/app' });
  assert.equal(tagHeaderValue({ branch: undefined, workspace: 'app', repo: 'app' }), 'workspace=app,repo=app');
  const env = clientEnvironment(8080, undefined, { branch: 'main', workspace: 'app', repo: 'app' });
  assert.equal(env.ANTHROPIC_CUSTOM_HEADERS, 'x-spendgate-tags: branch=main,workspace=app,repo=app');
  assert.equal(env.ANTHROPIC_BASE_URL, 'http://127.0.0.1:8080/anthropic');
});

test('runway warnings: tiers that run out before reset, once per tier per period', () => {
  const tiers = fixture.budgets.tiers;
  const due = runwayAlertsDue(tiers, new Set());
  assert.deepEqual(due.map((t) => t.id), ['ml-engineering', 'staging-key', 'bedrock-claude']);
  assert.equal(runwayAlertMessage(due[0]), 'spendgate: team ml-engineering runs out Tuesday ~17:30 UTC at this pace ($765.44 left, resets Dec 1)');
  const warned = new Set(due.map(runwayAlertKey));
  assert.deepEqual(runwayAlertsDue(tiers, warned), []);
  // The next period is a new warning.
  const nextPeriod = tiers.map((t) => ({ ...t, period_start: '2025-12-01T00:00:00Z' }));
  assert.equal(runwayAlertsDue(nextPeriod, warned).length, 3);
});

const record = (over: Partial<LogJson>): LiveMessage => ({ type: 'log', operation: 'create', payload: { ...fixture.logs.logs[0], ...over } });

test('a guard pause of the developer\'s key is announced once, and again only after the key ran', () => {
  const a = new PauseAnnouncements();
  const paused = record({ virtual_key_id: 'staging-key', status: 429, error_type: 'guard_paused', error_message: 'virtual key "staging-key" is paused by the runaway-agent guard: made 50 requests within 1m (guard: 50)' });
  assert.deepEqual(a.onLive(paused, 'staging-key'), { keyId: 'staging-key', reason: 'made 50 requests within 1m (guard: 50)' });
  assert.equal(a.onLive(paused, 'staging-key'), undefined);
  assert.deepEqual(a.onGuards({ paused: [{ virtual_key_id: 'staging-key', reason: 'x', since: '2026-03-01T00:00:00.000Z' }] }, 'staging-key'), []);
  assert.equal(a.onLive(record({ virtual_key_id: 'other-key', status: 429, error_type: 'guard_paused' }), 'staging-key'), undefined, 'another developer\'s key');
  a.onLive(record({ virtual_key_id: 'staging-key', status: 200, error_type: null }), 'staging-key');
  assert.equal(a.onLive(paused, 'staging-key')?.keyId, 'staging-key');
  a.resumed('staging-key');
  assert.deepEqual(a.onGuards({ paused: [{ virtual_key_id: 'staging-key', reason: 'spent $5 within 10m (guard: $5)', since: '2026-03-01T00:00:00.000Z' }] }, 'staging-key'), [{ keyId: 'staging-key', reason: 'spent $5 within 10m (guard: $5)' }]);
});

const SEED = readFileSync(join(ROOT, 'examples', 'bifrost.yaml'), 'utf8');
const lineOf = (text: string, needle: string, after = 0) => text.split('\n').findIndex((l, i) => i >= after && l.includes(needle));

test('a policy change sits on the changed field of its tier in the edited text', () => {
  const edited = SEED.replace('limit: 2000', 'limit: 1500');
  const change: PolicyChangeJson = { tier: 'team', id: 'ml-engineering', kind: 'limit_changed', before: '$2,000', after: '$1,500', consequence: 'already spent $1,620 — would be blocked immediately', severity: 'blocking' };
  assert.equal(changeLine(edited, change), lineOf(edited, 'limit: 1500'));
  assert.equal(changeText(change), 'limit $2,000 → $1,500: already spent $1,620 — would be blocked immediately');
  const weight: PolicyChangeJson = { tier: 'provider_config', id: 'bedrock-mistral', kind: 'weight_changed', before: '20', after: '40', consequence: 'share 20% → 33%', severity: 'info' };
  assert.equal(changeLine(SEED.replace('weight: 20', 'weight: 40'), weight), lineOf(SEED, 'weight: 20'));
  const rate: PolicyChangeJson = { tier: 'virtual_key', id: 'staging-key', kind: 'rate_limit_changed', before: '100/1h', after: '50/1h', consequence: '', severity: 'info' };
  assert.equal(changeLine(SEED, rate), lineOf(SEED, 'id: "staging-key"', lineOf(SEED, 'rate_limits:')));
  const removed: PolicyChangeJson = { tier: 'customer', id: 'gone', kind: 'tier_removed', before: '$10 per 1M', after: null, consequence: '', severity: 'info' };
  assert.equal(changeLine(SEED, removed), lineOf(SEED, '  customer:'));
});
