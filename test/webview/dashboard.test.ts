// The built dashboard in headless Chromium against recorded API data: what each tab shows, live updates,
// the signed-out state, and a clean CSP. Screenshots of each tab: dashboard-<tab>.png (harness/screenshots.ts says where).
// tier: e2e — drives Debian's /usr/bin/chromium.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildDashboardBundle } from './bundle.js';
import { loadFixture, LOGIN_TOKEN, startFixtureServer, type FixtureServer } from './fixture-server.js';
import { eventually } from '../harness/eventually.js';
import { screenshotPath } from '../harness/screenshots.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const fixture = loadFixture();

describe('dashboard in a browser', () => {
  let browser: Browser;
  let server: FixtureServer;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    server = await startFixtureServer(fixture, await buildDashboardBundle());
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 }, colorScheme: 'dark' });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${server.url}/ui#token=${LOGIN_TOKEN}`);
    await page.locator('.tier-row').first().waitFor();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const tab = (title: string) => page.locator('vscode-tab-header', { hasText: title }).click();
  const shoot = async (name: string) => {
    await page.screenshot({ path: screenshotPath(`dashboard-${name}.png`) });
  };

  test('signing in removes the one-time token from the address bar', () => {
    assert.equal(new URL(page.url()).hash, '');
  });

  test('budgets tab shows team ml-engineering at $1,234.56 of $2,000.00 (61.7%) with remaining, reserve and reset', async () => {
    const team = page.locator('.tier-row[data-tier="team"][data-id="ml-engineering"]');
    assert.equal(await team.locator('.tier-spent').textContent(), '$1,234.56 of $2,000.00');
    assert.equal(await team.locator('.tier-percent').textContent(), '61.7%');
    assert.equal(await team.locator('.tier-remaining').textContent(), '$765.44 left');
    assert.equal(await team.locator('.tier-reserved').textContent(), '$0.418734 reserved');
    assert.equal(await team.locator('.tier-reset').textContent(), 'resets 2025-12-01 00:00 UTC');
    assert.equal(await team.locator('[role="meter"]').getAttribute('aria-valuenow'), '61.7');
  });

  test('budgets tab nests key under team under customer, with provider configs beside the tree', async () => {
    const nested = page.locator('li:has(> .tier-row[data-id="acme-corp"]) li:has(> .tier-row[data-id="ml-engineering"]) .tier-row[data-id="staging-key"]');
    assert.equal(await nested.count(), 1);
    const key = page.locator('.tier-row[data-tier="virtual_key"][data-id="staging-key"]');
    assert.equal(await key.locator('.tier-spent').textContent(), '$412.34 of $500.00');
    assert.equal(await key.locator('.tier-reset').textContent(), 'resets 2025-11-24 00:00 UTC');
    const provider = page.locator('.tier-row[data-tier="provider_config"][data-id="bedrock-claude"]');
    assert.equal(await provider.locator('.tier-percent').textContent(), '91.7%');
    assert.match((await provider.locator('[role="meter"]').getAttribute('class')) ?? '', /level-critical/);
    await shoot('budgets');
  });

  test('budgets tab shows each tier\'s burn rate and projected exhaustion, and lists the tiers that run out before reset', async () => {
    const team = page.locator('.tier-row[data-tier="team"][data-id="ml-engineering"]');
    assert.equal(await team.locator('.tier-burn').textContent(), '$6.20/h');
    assert.equal(await team.locator('.tier-runout').textContent(), '2025-11-25 17:27 UTC');
    assert.equal(await team.locator('.tier-runout').getAttribute('title'), 'team ml-engineering runs out Tuesday ~17:30 UTC at this pace ($765.44 left, resets Dec 1)');
    const customer = page.locator('.tier-row[data-tier="customer"][data-id="acme-corp"]');
    assert.equal(await customer.locator('.tier-runout').textContent(), 'not before reset');
    // bedrock-claude had no spend in the last hour: its pace is the last 24 hours'.
    assert.equal(await page.locator('.tier-row[data-id="bedrock-claude"] .tier-burn').textContent(), '$1.90/h');
    const notes = await page.locator('ul.runway-notes li').allTextContents();
    assert.deepEqual(notes, [
      'key staging-key runs out tomorrow ~11:25 UTC at this pace ($87.66 left, resets Nov 24)',
      'provider bedrock-claude runs out Saturday ~09:30 UTC at the pace of the last 24 hours ($82.60 left, resets Dec 1)',
      'team ml-engineering runs out Tuesday ~17:30 UTC at this pace ($765.44 left, resets Dec 1)',
    ]);
  });

  for (const width of [1400, 700]) {
    test(`at ${width} px the budget columns line up at every depth and no reset time is cut off`, async () => {
      await page.setViewportSize({ width, height: 900 });
      try {
        await tab('Budgets');
        const boxes = async (cell: string) =>
          Promise.all(['acme-corp', 'ml-engineering', 'staging-key', 'bedrock-claude'].map(async (id) => (await page.locator(`.tier-row[data-id="${id}"] ${cell}`).boundingBox())?.x));
        for (const cell of ['.tier-spent', '.tier-percent', '.tier-money', '.tier-burn', '.tier-runout', '.tier-reset', '[role="meter"]']) {
          const xs = await boxes(cell);
          assert.ok(xs.every((x) => x !== undefined && Math.abs(x - (xs[0] ?? 0)) < 1), `${cell} starts at ${xs.join(', ')}`);
        }
        const clipped = await page.$$eval('.tier-row:not(.tier-head) > *, .tier-row .tier-remaining', (cells) =>
          cells.filter((c) => !c.classList.contains('tier-name') && c.scrollWidth > c.clientWidth + 1).map((c) => `${c.className}: ${c.textContent}`),
        );
        assert.deepEqual(clipped, []);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
        await shoot(width === 1400 ? 'budgets' : 'budgets-narrow');
      } finally {
        await page.setViewportSize({ width: 1400, height: 900 });
      }
    });
  }

  test('prompt cache tab shows the read ratio, money saved and never-read writes per model and key, with the hints', async () => {
    await tab('Prompt cache');
    const figures = page.locator('.cache-figure .figure-value');
    await figures.first().waitFor();
    assert.deepEqual(await figures.allTextContents(), ['80.0%', '$773.55', '$17.63', '$750.63']);
    const sonnet = page.locator('.cache-models tr[data-name="anthropic.claude-sonnet-4-20250514-v1:0"] td');
    assert.deepEqual((await sonnet.allTextContents()).slice(1), ['8,420', '82.2%', '286,500,000', '$773.55', '$83.03', '$17.63', '$750.63']);
    const ci = page.locator('.cache-keys tr[data-name="ci-agent"]');
    assert.equal(await ci.locator('td.unread').textContent(), '$13.10');
    assert.match((await ci.locator('td.unread').getAttribute('class')) ?? '', /warning/);
    assert.deepEqual(await page.locator('ul.cache-hints li').allTextContents(), fixture.cache.hints);
    assert.ok(server.requests.some((r) => r.startsWith('/api/insights/cache?start_time=')));
    await shoot('cache');
  });

  test('reconciliation tab shows each day and model beside CloudWatch, the drift in tokens and dollars, and what it means', async () => {
    assert.ok(!server.requests.some((r) => r.startsWith('/api/reconcile')), 'CloudWatch is not asked until the tab is opened');
    await tab('Reconciliation');
    const outside = page.locator('.reconcile-table tr[data-day="2025-11-19"][data-model="us.anthropic.claude-sonnet-4-20250514-v1:0"]');
    await outside.waitFor();
    assert.deepEqual((await outside.locator('td').allTextContents()).slice(3), ['0 / 4', '0 / 1,500', '+1,500', '+$0.0105', 'outside traffic']);
    const profile = page.locator('.reconcile-table tr[data-model^="arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/"]');
    assert.match((await profile.locator('td.model').textContent()) ?? '', /priced as us\.anthropic\.claude-sonnet-4-20250514-v1:0/);
    assert.equal(await profile.locator('td.verdict').textContent(), 'match');
    assert.deepEqual(await page.locator('.reconcile-figures .figure-value').allTextContents(), ['+$0.014', '+13,600', '2 of 4']);
    assert.equal(await page.locator('.reconcile-explained li').count(), 2);
    assert.match((await page.locator('.reconcile-pricing li').textContent()) ?? '', /^pricing mismatch: spendgate prices us\.anthropic\.claude-3-5-haiku-20241022-v1:0/);
    const asked = server.requests.find((r) => r.startsWith('/api/reconcile'));
    assert.match(asked ?? '', /^\/api\/reconcile\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
    await shoot('reconcile');
    const asks = () => server.requests.filter((r) => r.startsWith('/api/reconcile')).length;
    await page.locator('.reconcile-refresh').click();
    await eventually(() => asks() === 2, 5_000, 'Refresh reads the report again');
    await page.locator('.reconcile-table').waitFor();
  });

  test('live requests tab lists recorded requests newest first with model, provider, status, tokens, cost, latency', async () => {
    await tab('Live requests');
    const rows = page.locator('.live-table tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), fixture.logs.logs.length);
    const first = await rows.first().locator('td').allTextContents();
    assert.deepEqual(first, ['13:59:42', 'staging-key', 'claude-sonnet-4-20250514 → anthropic.claude-sonnet-4-20250514-v1:0', 'bedrock-claude', '200', '50,446', '$0.026112', '3,120 ms']);
    const refused = page.locator('.live-table tbody tr.failed', { hasText: '429' });
    assert.equal(await refused.locator('td.status').textContent(), '429 rate_limit_error');
  });

  test('clicking a request shows its routing decision with excluded providers and reasons', async () => {
    await page.locator('.live-table tbody tr').first().click();
    const detail = page.locator('.log-detail');
    await detail.locator('.routing-decision').waitFor();
    assert.match((await detail.textContent()) ?? '', /Candidates: bedrock-claude, bedrock-mistral/);
    assert.match((await detail.textContent()) ?? '', /Routeanthropic messages \(stream\)/, 'the route names the operation');
    assert.equal(await detail.locator('.excluded li').textContent(), 'bedrock-mistral: rate limit: 60 requests per 1m reached (Bedrock ThrottlingException)');
    await shoot('live');
  });

  test('the live tab says nothing about dropped records while none were dropped', async () => {
    assert.equal(await page.locator('.live-dropped').isVisible(), false);
  });

  test('the filter box narrows the table', async () => {
    await page.locator('vscode-textfield.live-filter input').fill('mistral');
    const rows = page.locator('.live-table tbody tr');
    const expected = fixture.logs.logs.filter((l) => `${l.model_requested} ${l.model_served ?? ''} ${l.provider_config_id ?? ''}`.includes('mistral')).length;
    await page.waitForFunction((n) => document.querySelectorAll('.live-table tbody tr').length === n, expected);
    assert.equal(await page.locator('.live-count').textContent(), `${expected} of ${fixture.logs.logs.length} requests`);
    for (const text of await rows.allTextContents()) assert.match(text, /mistral/);
    await page.locator('vscode-textfield.live-filter input').fill('');
  });

  test('a live log message streams in on top and a budgets message redraws the tiers', async () => {
    await server.connected();
    server.pushLive();
    const top = page.locator('.live-table tbody tr').first();
    await page.waitForFunction(() => document.querySelector('.live-table tbody tr')?.getAttribute('data-id') === 'log_9200');
    assert.equal(await top.locator('td.model').textContent(), 'claude-opus-4-1 → anthropic.claude-sonnet-4-20250514-v1:0');
    assert.equal(await page.locator('.connection').textContent(), 'live');
    await tab('Budgets');
    const team = page.locator('.tier-row[data-tier="team"][data-id="ml-engineering"]');
    await page.waitForFunction(() => document.querySelector('.tier-row[data-id="ml-engineering"] .tier-reserved')?.textContent === '');
    assert.equal(await team.locator('.tier-spent').textContent(), '$1,234.56 of $2,000.00');
  });

  test('routing tab compares configured weight with actual share and says why a provider is excluded', async () => {
    await tab('Routing');
    const claude = page.locator('.routing-table tr[data-id="bedrock-claude"]');
    await claude.waitFor();
    const cells = await claude.locator('td').allTextContents();
    assert.deepEqual(cells.slice(2, 6), ['80', '80.0%', '76.5%', '81.2%']);
    assert.match(cells[6], /^eligible/);
    assert.equal(cells[7], '1.9%');
    assert.equal(cells[8], '2,140 ms / 7,810 ms');
    const mistral = page.locator('.routing-table tr[data-id="bedrock-mistral"]');
    assert.equal(await mistral.locator('.state .reason').textContent(), 'rate limit: 60 requests per 1m reached (Bedrock ThrottlingException)');
    assert.match((await mistral.locator('td.state').textContent()) ?? '', /excluded/);
    await shoot('routing');
  });

  test('spend tab charts cost per hour by model and totals each series', async () => {
    await tab('Spend over time');
    await page.locator('.chart canvas').waitFor();
    const expected = (key: string, group: string) => {
      const micros = fixture.stats[key].series.find((s) => s.group === group)?.points.reduce((sum, p) => sum + Math.round(p.cost * 1e6), 0) ?? 0;
      return new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(micros / 1e6);
    };
    const model = 'anthropic.claude-sonnet-4-20250514-v1:0';
    assert.equal(await page.locator(`.spend-totals li[data-group="${model}"] strong`).textContent(), expected('hour/model', model));
    assert.ok(server.requests.some((r) => r.startsWith('/api/logs/stats?interval=hour&group_by=model&start_time=')));
    await shoot('spend');
    await page.locator('select.spend-group').selectOption('team');
    await page.locator('select.spend-interval').selectOption('day');
    // The hour/team answer may draw first; wait for the day/team one.
    const dayTotal = expected('day/team', 'ml-engineering');
    await page.waitForFunction(
      (want) => document.querySelector('.spend-totals li[data-group="ml-engineering"] strong')?.textContent === want,
      dayTotal,
      { timeout: 10_000 },
    );
    assert.equal(await page.locator('.spend-totals li[data-group="ml-engineering"] strong').textContent(), dayTotal);
  });

  test('spend per branch: the branch grouping asks for the branch tag and totals each branch, untagged spend apart', async () => {
    await tab('Spend over time');
    await page.locator('select.spend-group').selectOption('branch');
    await page.locator('.spend-totals li[data-group="feature/prompt-cache"]').waitFor();
    assert.ok(server.requests.some((r) => r.includes('group_by=tag%3Abranch')));
    const series = fixture.stats['day/tag:branch'].series;
    const total = (group: string | null) =>
      new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format((series.find((s) => s.group === group)?.points.reduce((sum, p) => sum + Math.round(p.cost * 1e6), 0) ?? 0) / 1e6);
    assert.equal(await page.locator('.spend-totals li[data-group="main"] strong').textContent(), total('main'));
    assert.equal(await page.locator('.spend-totals li[data-group="fix/retry-loop"] strong').textContent(), total('fix/retry-loop'));
    assert.match((await page.locator('.spend-totals li[data-group=""]').textContent()) ?? '', /^\(untagged\): /);
    await shoot('branches');
  });

  test('the page ran under its CSP without errors', () => {
    assert.deepEqual(problems, []);
  });
});

describe('dashboard in a browser without a session', () => {
  test('says it is not signed in, points at the login URL, and shows no data', async () => {
    const server = await startFixtureServer(fixture, await buildDashboardBundle());
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      await page.goto(`${server.url}/ui`);
      const notice = page.locator('.signed-out');
      await notice.waitFor();
      assert.match((await notice.textContent()) ?? '', /Not signed in.*open the login URL printed by spendgate serve/i);
      assert.equal(await page.locator('.tier-row').count(), 0);
      assert.deepEqual(server.requests, ['/api/status']);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

describe('dashboard when the record cap has dropped older requests', () => {
  let browser: Browser;
  let server: FixtureServer;

  before(async () => {
    const dropped = { count: 1_234_567, before: '2025-11-20T08:15:00.000Z' };
    server = await startFixtureServer({ ...fixture, logs: { ...fixture.logs, dropped } }, await buildDashboardBundle());
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  test('the live tab says how many older requests were dropped and from when, and that totals still count them', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}/ui#token=${LOGIN_TOKEN}`);
    await page.locator('vscode-tab-header', { hasText: 'Live requests' }).click();
    const note = page.locator('.live-dropped');
    await note.waitFor();
    assert.equal(
      await note.textContent(),
      '1,234,567 older requests were dropped from the log (logging.max_records); records before 2025-11-20 08:15 UTC are no longer listed. Totals and budgets still count them.',
    );
  });
});
