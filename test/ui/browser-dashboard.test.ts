// The real engine's /ui in headless Chromium: signed out without the login URL, signed in through the one-time
// URL printed at start (HttpOnly SameSite=Strict cookie plus a page-held session token), budgets and live requests from the running gateway.
// tier: e2e — drives Debian's /usr/bin/chromium against a spawned dist/proxy/cli.js.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startAnthropicUpstream } from '../upstreams/anthropic.js';
import type { TestUpstream } from '../upstreams/common.js';
import { eventually, spawnGateway, type SpawnedGateway } from '../harness/gateway.js';
import { fourTierConfig } from '../harness/configs.js';
import { csvObjects } from '../export/csv.js';
import { screenshotPath } from '../harness/screenshots.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

const TIERS = [
  ['customer', 'acme-corp'],
  ['team', 'ml-engineering'],
  ['virtual_key', 'staging-key'],
  ['provider_config', 'anthropic-direct'],
] as const;

const configFor = (anthropicUrl: string): string => fourTierConfig(anthropicUrl);

describe('browser dashboard on the real engine', () => {
  let upstream: TestUpstream;
  let gw: SpawnedGateway;
  let browser: Browser;
  let loginUrl: string;
  /** The page the one-time login signed in; later tests keep using it (the login URL works once). */
  let signedIn: Page | undefined;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    return page;
  }

  before(async () => {
    upstream = await startAnthropicUpstream();
    gw = await spawnGateway({ config: configFor(upstream.url), env: { TEST_ANTHROPIC_KEY: 'sk-ant-upstream' } });
    // Printed right after the listening line, possibly in a later chunk of the pipe.
    const line = await eventually(() => gw.output.find((l) => l.startsWith('dashboard: ')), 5000, `a dashboard login line in:\n${gw.output.join('\n')}`);
    loginUrl = line.slice('dashboard: '.length);
    assert.match(loginUrl, new RegExp(`^${gw.url.replace(/[.:/]/g, '\\$&')}/ui#token=[A-Za-z0-9_-]{16,}$`));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await gw?.stop();
    await upstream?.close();
  });

  test('without the login step the page says "Not signed in" and /api answers the page 401', async () => {
    const page = await newPage();
    await page.goto(`${gw.url}/ui`);
    await page.getByRole('heading', { name: 'Not signed in' }).waitFor();
    assert.match((await page.locator('.signed-out').textContent()) ?? '', /dashboard:/, 'it tells the user where the login URL is');
    const status = await page.evaluate(async () => (await fetch('/api/budgets', { credentials: 'same-origin' })).status);
    assert.equal(status, 401);
    assert.deepEqual(await page.context().cookies(), [], 'no session without logging in');
  });

  test('the login URL signs in: the Budgets tab shows every configured tier; the cookie is HttpOnly and SameSite=Strict and needs the page-held token', async () => {
    const page = await newPage();
    await page.goto(loginUrl);
    await page.locator('.tier-row').first().waitFor();
    assert.equal(new URL(page.url()).hash, '', 'the one-time token is dropped from the address bar');
    for (const [tier, id] of TIERS) {
      const row = page.locator(`.tier-row[data-tier="${tier}"][data-id="${id}"]`);
      assert.equal(await row.count(), 1, `${tier} ${id} is shown`);
    }
    const team = page.locator('.tier-row[data-tier="team"][data-id="ml-engineering"]');
    assert.equal(await team.locator('.tier-spent').textContent(), '$0.00 of $2,000.00');
    const nested = page.locator('li:has(> .tier-row[data-id="acme-corp"]) li:has(> .tier-row[data-id="ml-engineering"]) .tier-row[data-id="staging-key"]');
    assert.equal(await nested.count(), 1, 'the key sits under its team under its customer');

    const cookies = await page.context().cookies();
    assert.equal(cookies.length, 1);
    const [session] = cookies;
    assert.equal(session.name, 'spendgate_session');
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Strict');
    assert.equal(session.path, '/');
    assert.equal(await page.evaluate(() => document.cookie), '', 'page scripts cannot read the session');
    // The cookie alone is not a session (it reaches every port of this host): the page adds the token the login gave it.
    const bare = await page.evaluate(async () => (await fetch('/api/budgets', { credentials: 'same-origin' })).status);
    assert.equal(bare, 401);
    const status = await page.evaluate(async () => {
      const token = sessionStorage.getItem('spendgate.session_token') ?? '';
      return (await fetch('/api/budgets', { credentials: 'same-origin', headers: { 'x-spendgate-session': token } })).status;
    });
    assert.equal(status, 200);

    // A request through the gateway appears on the Live requests tab, and its spend on the Budgets tab.
    await page.locator('vscode-tab-header', { hasText: 'Live requests' }).click();
    upstream.script({ text: 'hello', inputTokens: 1000, outputTokens: 100 });
    const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'staging-key', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 200, messages: [{ role: 'user', content: 'hi' }] }),
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const row = page.locator('.live-table tbody tr', { hasText: 'staging-key' });
    await row.first().waitFor({ timeout: 5_000 });
    const cells = await row.first().locator('td').allTextContents();
    assert.ok(cells.includes('claude-sonnet-4-20250514'), cells.join(' | '));
    assert.ok(cells.includes('anthropic-direct'), cells.join(' | '));
    assert.ok(cells.includes('200'), cells.join(' | '));
    assert.ok(cells.includes('$0.0045'), `1000 × $3/M + 100 × $15/M: ${cells.join(' | ')}`);

    await page.locator('vscode-tab-header', { hasText: 'Budgets' }).click();
    await eventually(async () => (await team.locator('.tier-spent').textContent()) === '$0.0045 of $2,000.00' || undefined, 3_000, 'the team spend to update').catch(async (err: Error) => {
      throw new Error(`${err.message}; shown: ${await team.locator('.tier-spent').textContent()}`);
    });
    await page.screenshot({ path: screenshotPath('browser-dashboard.png'), fullPage: true });
    signedIn = page;
  });

  test('"Download CSV" on the Spend tab saves /api/export\'s CSV for the range and grouping the chart shows', async () => {
    const page = signedIn;
    assert.ok(page, 'the sign-in test left a signed-in page');
    for (const [branch, inputTokens] of [['main', 2000], ['say "hi"', 500], ['main', 10]] as const) {
      upstream.script({ text: 'ok', inputTokens, outputTokens: 20 });
      const res = await fetch(`${gw.url}/anthropic/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': 'staging-key', 'anthropic-version': '2023-06-01', 'x-spendgate-tags': `branch=${branch}` },
        body: JSON.stringify({ model: 'claude-sonnet-4-20250514', max_tokens: 50, messages: [{ role: 'user', content: branch }] }),
      });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    await eventually(async () => (await gw.api<{ pagination: { total_count: number } }>('/api/logs')).pagination.total_count === 4 || undefined, 5_000, 'four records');

    await page.locator('vscode-tab-header', { hasText: 'Spend over time' }).click();
    const stats = page.waitForRequest((r) => r.url().includes('/api/logs/stats?') && r.url().includes('group_by=tag%3Abranch'));
    await page.locator('select.spend-group').selectOption('branch');
    const statsUrl = new URL((await stats).url());
    await page.locator('.spend-totals li[data-group="say \\"hi\\""]').waitFor();
    const button = page.locator('vscode-button.spend-download');
    await page.waitForFunction(() => !document.querySelector('vscode-button.spend-download')?.hasAttribute('disabled'));
    assert.match((await button.getAttribute('title')) ?? '', /no time column/, 'the tooltip says the per-hour points are not in the file');

    const exported = page.waitForRequest((r) => r.url().includes('/api/export?'));
    const download = page.waitForEvent('download');
    await button.click();
    const exportUrl = new URL((await exported).url());
    const file = await download;
    const params: Record<string, string> = Object.fromEntries(exportUrl.searchParams);
    const chartRange = { from: statsUrl.searchParams.get('start_time') ?? 'missing', to: statsUrl.searchParams.get('end_time') ?? 'missing' };
    assert.deepEqual(params, { ...chartRange, group_by: 'tag:branch', format: 'csv' }, 'the chart\'s range and grouping');
    const day = (iso: string) => iso.slice(0, 10);
    assert.equal(file.suggestedFilename(), `spendgate-export-${day(params.from)}-${day(params.to)}.csv`, 'named by the content-disposition');
    const text = await readFile(await file.path(), 'utf8');

    const direct = await fetch(`${gw.url}/api/export?${exportUrl.searchParams}`, { headers: { authorization: `Bearer ${gw.adminToken}` } });
    assert.equal(direct.status, 200);
    assert.equal(text, await direct.text(), 'the file is the API\'s CSV byte for byte');
    assert.match(text, /^tag:branch,requests,missing_cost_requests,input_tokens,.*,cost_total_usd,cost_total_micros\r\n/);
    const rows = csvObjects(text);
    assert.deepEqual(rows.map((r) => [r['tag:branch'], r.requests]), [['', '1'], ['main', '2'], ['say "hi"', '1']]);
    const json = await gw.api<{ totals: { requests: number; cost_total_micros: number } }>(`/api/export?${new URLSearchParams({ ...params, format: 'json' })}`);
    const micros = rows.reduce((sum, r) => sum + Number(r.cost_total_micros), 0);
    assert.equal(micros, json.totals.cost_total_micros, 'the rows sum to the export\'s JSON totals');
    assert.equal(micros, 4500 + (2000 + 500 + 10) * 3 + 3 * 20 * 15, 'every request the chart shows, to the micro-dollar');
    assert.equal(await page.locator('.spend-totals li[data-group="main"] strong').textContent(), '$0.00663', 'the chart shows the main total the file has: 2010 × $3/M + 40 × $15/M');
    assert.equal(rows.find((r) => r['tag:branch'] === 'main')?.cost_total_micros, '6630');
    assert.equal(await page.locator('.spend-download-status').textContent(), '', 'no error');
    assert.equal(await button.getAttribute('disabled'), null, 'enabled again after the download');
  });

  test('the one-time login token cannot be used twice', async () => {
    const page = await newPage();
    await page.goto(loginUrl);
    await page.getByRole('heading', { name: 'Not signed in' }).waitFor();
    assert.deepEqual(await page.context().cookies(), []);
    const token = new URL(loginUrl).hash.replace(/^#token=/, '');
    const res = await fetch(`${gw.url}/ui/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('set-cookie'), null);
  });

  test('the pages ran without script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
