// Hostile edits to bifrost.yaml while the gateway runs: each is reported, the previous config keeps serving, nothing crashes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { eventually, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { assertHealthy } from './process-health.js';

function config(upstream: string): string {
  return `accounts:
  - id: dev
    providers:
      - id: claude
        type: anthropic
        model: claude-sonnet-4-20250514
        base_url: ${upstream}
        api_key: env.EDIT_UPSTREAM_KEY
budgets:
  virtual_key:
    - id: edit-key
      limit: 10
      period: 1d
`;
}

const HOSTILE_EDITS: Record<string, (valid: string) => string | Buffer> = {
  // What an editor that truncates before writing leaves for a moment; as a policy it would drop every key.
  'an empty file': () => '',
  'a file of blank lines': () => '\n  \n\t\n',
  'a mapping nested 5000 levels deep': (valid) => `${Array.from({ length: 5000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')}\n${valid}`,
  'a flow sequence nested 50000 levels deep': (valid) => `${valid}\nextra: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`,
  'an alias bomb': (valid) => {
    const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i <= 9; i++) lines.push(`a${i}: &a${i} [${Array.from({ length: 10 }, () => `*a${i - 1}`).join(', ')}]`);
    return `${valid}\n${lines.join('\n')}\n`;
  },
  'a __proto__ section': (valid) => `${valid}\n__proto__:\n  polluted: yes\nbudgets:\n  __proto__: []\n`,
  'invalid UTF-8 bytes in a value': (valid) =>
    Buffer.concat([Buffer.from(valid.replace('limit: 10', 'limit: ')), Buffer.from([0xc0, 0xaf, 0xff, 0xfe, 0xed, 0xa0, 0x80]), Buffer.from('\n')]),
};

describe('hostile config edits while serving', () => {
  let upstream: TestUpstream;
  let gw: SpawnedGateway;
  let valid: string;

  before(async () => {
    upstream = await startAnthropicUpstream();
    valid = config(upstream.url);
    gw = await spawnGateway({ config: valid, env: { EDIT_UPSTREAM_KEY: 'sk-edit' } });
  });

  after(async () => {
    assert.equal(await gw.stop(), 0);
    await upstream.close();
  });

  for (const [name, edit] of Object.entries(HOSTILE_EDITS)) {
    test(`${name}: POST /api/config/reload reports it, the previous config keeps serving, the gateway stays up`, async () => {
      const fromLine = gw.output.length;
      await writeFile(gw.configPath, edit(valid));
      const res = await fetch(`${gw.url}/api/config/reload`, { method: 'POST', headers: { authorization: `Bearer ${gw.adminToken}` } });
      const status = (await res.json()) as { ok: boolean; problems: { line: number; col: number; message: string }[] };
      assert.ok(res.status === 200 || res.status === 422, `HTTP ${res.status}: ${JSON.stringify(status).slice(0, 500)}`);
      assert.equal(status.ok, false);
      assert.ok(status.problems.length > 0);
      const answer = await fetch(`${gw.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'edit-key' },
        body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 8, messages: [{ role: 'user', content: 'hi' }] }),
      });
      assert.equal(answer.status, 200, 'the previous config still serves');
      await answer.arrayBuffer();
      // The file watcher sees the same edit; it must not take the process down either.
      await eventually(() => gw.output.slice(fromLine).filter((l) => l.includes('config_rejected')).length >= 2, 5_000, 'the watcher to report the edit');
      await assertHealthy(gw, { allowedEvents: ['config_rejected'], fromLine });
      await writeFile(gw.configPath, valid);
      await eventually(async () => (await gw.api<{ ok: boolean }>('/api/config')).ok !== false, 5_000, 'the valid config back');
    });
  }
});
