import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runDiff } from '../../proxy/cli/diff.js';
import { loadConfigText } from '../../proxy/config/load.js';
import { ManualClock } from '../../proxy/core/clock.js';
import { BudgetLedger, type TierStatus } from '../../proxy/governance/ledger.js';
import { charge } from '../governance/ledger-helpers.js';
import { DOLLAR } from '../governance/seed.js';

const SEED = readFileSync(resolve(__dirname, '..', '..', 'examples', 'bifrost.yaml'), 'utf8');
/** The edit under review: the team limit lowered to $1,500 and Claude/Mistral traffic split evenly. */
const EDITED = SEED.replace(/(id: "ml-engineering"\n\s+customer_id: "acme-corp"\n\s+limit: )2000/, '$11500')
  .replace('weight: 80', 'weight: 50')
  .replace('weight: 20', 'weight: 50');

function git(repo: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=spendgate test', '-c', 'user.email=test@example.invalid', ...args], { cwd: repo, encoding: 'utf8' });
}

/** The running gateway's view: the seed policy with $1,620 spent by the team this month. */
function snapshotWithTeamSpend(): TierStatus[] {
  const loaded = loadConfigText(SEED, 'bifrost.yaml');
  assert.ok(loaded.ok);
  const ledger = new BudgetLedger(new ManualClock(Date.parse('2026-11-19T12:00:00Z')));
  ledger.configure(loaded.config);
  charge(ledger, [{ tier: 'team', id: 'ml-engineering' }, { tier: 'customer', id: 'acme-corp' }], 1620 * DOLLAR);
  return ledger.snapshot();
}

async function diff(argv: string[], deps: Parameters<typeof runDiff>[2] = {}): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runDiff(argv, (line) => lines.push(line), deps);
  return { code, lines };
}

describe('spendgate diff', () => {
  let repo: string;
  let config: string;
  let noGateway: string;

  before(() => {
    repo = mkdtempSync(join(tmpdir(), 'spendgate-diff-'));
    noGateway = join(repo, '.no-gateway');
    mkdirSync(join(repo, 'policy'));
    config = join(repo, 'policy', 'bifrost.yaml');
    git(repo, 'init', '-q');
    writeFileSync(config, SEED);
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'seed policy');
    writeFileSync(config, EDITED);
    git(repo, 'commit', '-q', '-am', 'lower the team limit, rebalance providers');
  });
  after(() => rmSync(repo, { recursive: true, force: true }));

  it('prints each tier’s consequence of the edit given current spend', async () => {
    const spend = snapshotWithTeamSpend();
    const { code, lines } = await diff(['HEAD~1', 'HEAD', '--config', config], { spend: async () => spend });
    assert.equal(code, 0);
    assert.deepEqual(lines, [
      'policy changes in policy/bifrost.yaml: HEAD~1 → HEAD',
      'BLOCKING team ml-engineering limit $2,000 → $1,500: already spent $1,620 — would be blocked immediately',
      "info     provider bedrock-claude weight 80 (80%) → 50 (50%): 50% of account ml-team's traffic instead of 80%",
      "info     provider bedrock-mistral weight 20 (20%) → 50 (50%): 50% of account ml-team's traffic instead of 20%",
    ]);
  });

  it('compares against the working tree by default, found from the working directory', async () => {
    writeFileSync(config, EDITED.replace('limit: 5000', 'limit: 4000'));
    try {
      const { code, lines } = await diff(['HEAD', '--data-dir', noGateway], { cwd: join(repo, 'policy'), env: {} });
      assert.equal(code, 0);
      assert.deepEqual(lines, [
        'policy changes in policy/bifrost.yaml: HEAD → working tree',
        'no running gateway: consequences shown without current spend',
        'info     customer acme-corp limit $5,000 → $4,000: limit lowered; current spend unknown',
      ]);
    } finally {
      writeFileSync(config, EDITED);
    }
  });

  it('says when nothing changed', async () => {
    const { code, lines } = await diff(['HEAD', 'HEAD', '--config', config], { spend: async () => undefined });
    assert.equal(code, 0);
    assert.equal(lines.at(-1), 'no changes to budgets, routing, rate limits or keys');
  });

  it('--json prints the changes as data', async () => {
    const { code, lines } = await diff(['HEAD~1', 'HEAD', '--config', config, '--json'], { spend: async () => snapshotWithTeamSpend() });
    assert.equal(code, 0);
    const parsed = JSON.parse(lines.join('\n')) as { changes: { tier: string; id: string; kind: string; severity: string }[] };
    assert.deepEqual(parsed.changes.map((c) => [c.tier, c.id, c.kind, c.severity]), [
      ['team', 'ml-engineering', 'limit_changed', 'blocking'],
      ['provider_config', 'bedrock-claude', 'weight_changed', 'info'],
      ['provider_config', 'bedrock-mistral', 'weight_changed', 'info'],
    ]);
  });

  it('exits 1 and prints REV:FILE:LINE:COL problems when a revision is invalid', async () => {
    writeFileSync(config, EDITED.replace('customer_id: "acme-corp"', 'customer_id: "acme"'));
    git(repo, 'commit', '-q', '-am', 'typo in the customer id');
    try {
      const { code, lines } = await diff(['HEAD~1', 'HEAD', '--config', config], { spend: async () => undefined });
      assert.equal(code, 1);
      assert.equal(lines.length, 1);
      assert.match(lines[0], /^HEAD:policy\/bifrost\.yaml:25:\d+: .*acme/);
    } finally {
      git(repo, 'revert', '--no-edit', 'HEAD');
    }
  });

  it('exits 2 on an unknown revision or missing arguments', async () => {
    const unknown = await diff(['no-such-rev', '--config', config], { spend: async () => undefined });
    assert.equal(unknown.code, 2);
    assert.match(unknown.lines[0], /^spendgate diff: git show no-such-rev:policy\/bifrost\.yaml: /);
    const missing = await diff([], {});
    assert.equal(missing.code, 2);
    assert.match(missing.lines[0], /^usage: spendgate diff REV1/);
  });
});
