// Engine-level checks of what the extension sets up, against a spawned `spendgate serve`: requests carrying the
// tags header the extension puts in terminals are attributed to the branch checked out at the time, and the
// policy preview (spendgate diff through a scratch repository) reports an unsaved limit cut against real spend.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { workspaceTags } from '../../extension/workspace-tags.js';
import { PolicyPreviewer } from '../../extension/policy-preview.js';
import { TAGS_HEADER, tagHeaderValue } from '../../extension/spend-tags.js';
import { CLI, eventually, removeDir, spawnGateway, tempDir, type SpawnedGateway } from '../harness/gateway.js';
import { startAnthropicUpstream, type TestUpstream } from '../upstreams/anthropic.js';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });

const config = (upstream: string) => `accounts:
  - id: dev
    providers:
      - id: anthropic-direct
        type: anthropic
        model: claude-sonnet-4-20250514
        base_url: ${upstream}
        api_key: env.SPENDGATE_TEST_UPSTREAM_KEY
budgets:
  team:
    - id: ml-engineering
      limit: 100
      period: 1M
  virtual_key:
    - id: dev-key
      team_id: ml-engineering
      limit: 50
      period: 1M
`;

interface StatsAnswer {
  readonly series: readonly { readonly group: string | null; readonly totals: { readonly total_requests: number } }[];
}

describe('branch attribution and policy preview against a running gateway', () => {
  let upstream: TestUpstream;
  let gateway: SpawnedGateway;
  let repo: string;
  let dataDir: string;

  before(async () => {
    upstream = await startAnthropicUpstream();
    repo = await tempDir('spendgate-branch-');
    dataDir = await tempDir('spendgate-branch-data-');
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'bifrost.yaml'), config(upstream.url));
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'policy');
    gateway = await spawnGateway({ config: { path: join(repo, 'bifrost.yaml') }, dataDir, env: { SPENDGATE_TEST_UPSTREAM_KEY: 'sk-upstream' } });
  });

  after(async () => {
    await gateway?.stop();
    await upstream?.close();
    if (repo) await removeDir(repo);
    if (dataDir) await removeDir(dataDir);
  });

  const send = async () => {
    const res = await fetch(`${gateway.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'dev-key', [TAGS_HEADER]: tagHeaderValue(workspaceTags(repo)) },
      body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 32, messages: [{ role: 'user', content: 'hello' }] }),
    });
    assert.equal(res.status, 200, await res.text());
  };

  test('requests before and after a checkout are counted to the branch checked out when each was sent', async () => {
    await send();
    git(repo, 'checkout', '-q', '-b', 'feature/runway');
    assert.equal(workspaceTags(repo).branch, 'feature/runway');
    await send();
    await send();
    const perBranch = await eventually(async () => {
      const stats = await gateway.api<StatsAnswer>('/api/logs/stats?interval=day&group_by=tag:branch');
      const counts = Object.fromEntries(stats.series.map((s) => [s.group ?? '(untagged)', s.totals.total_requests]));
      return counts['feature/runway'] === 2 && counts;
    }, 10_000, 'both branches in the stats');
    assert.deepEqual(perBranch, { main: 1, 'feature/runway': 2 });
  });

  test('an unsaved limit cut below what the team already spent previews as blocking, on the committed file', async () => {
    const previewer = new PolicyPreviewer({ execPath: process.execPath, cliPath: CLI, dataDir, port: () => gateway.port });
    try {
      const edited = config(upstream.url).replace('limit: 100', 'limit: 0.000001');
      const outcome = await previewer.preview(join(repo, 'bifrost.yaml'), edited);
      assert.equal(outcome.kind, 'preview');
      if (outcome.kind !== 'preview') return;
      assert.equal(outcome.preview.current_spend, true);
      const [change] = outcome.preview.changes;
      assert.deepEqual([change.tier, change.id, change.kind, change.severity, change.before, change.after], ['team', 'ml-engineering', 'limit_changed', 'blocking', '$100', '$0.000001']);
      assert.match(change.consequence, /^already spent \$0\.\d+ — would be blocked immediately$/);
      // The same previewer answers the next edit (its scratch repository is reused), and an identical text has no changes.
      const same = await previewer.preview(join(repo, 'bifrost.yaml'), config(upstream.url));
      assert.deepEqual(same.kind === 'preview' && same.preview.changes, []);
      const broken = await previewer.preview(join(repo, 'bifrost.yaml'), config(upstream.url).replace('team_id: ml-engineering', 'team_id: nobody'));
      assert.equal(broken.kind, 'invalid');
    } finally {
      await previewer.dispose();
    }
  });

  test('a file that is not committed has nothing to compare with', async () => {
    const loose = await tempDir('spendgate-loose-');
    try {
      writeFileSync(join(loose, 'bifrost.yaml'), config(upstream.url));
      const previewer = new PolicyPreviewer({ execPath: process.execPath, cliPath: CLI, dataDir, port: () => gateway.port });
      assert.deepEqual(await previewer.preview(join(loose, 'bifrost.yaml'), config(upstream.url)), { kind: 'untracked' });
      await previewer.dispose();
    } finally {
      await removeDir(loose);
    }
  });
});
