// The dashboard login URL expires unused, and a real browser's session needs its page-held token, not just the cookie.
// tier: e2e — drives Debian's /usr/bin/chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ManualClock } from '../../proxy/core/clock.js';
import { AdminAuth, LOGIN_TOKEN_TTL_MS } from '../../proxy/server/admin-auth.js';
import { startGateway, type RunningGateway } from '../../proxy/server/gateway.js';
import { resolveServeOptions } from '../../proxy/server/options.js';
import { fourTierConfig } from '../harness/configs.js';

const ADMIN = 'admin-token-for-the-login-expiry-test-0000';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

describe('the one-time login token', () => {
  test('signs in until 10 minutes after start, and is refused as expired from then on, while the admin token still signs in', () => {
    const clock = new ManualClock(Date.UTC(2025, 0, 1));
    const fresh = new AdminAuth(ADMIN, { clock });
    clock.advance(LOGIN_TOKEN_TTL_MS - 1);
    assert.equal(fresh.login(fresh.pendingLoginToken ?? '').ok, true);

    const stale = new AdminAuth(ADMIN, { clock });
    clock.advance(LOGIN_TOKEN_TTL_MS);
    const refused = stale.login(stale.pendingLoginToken ?? '');
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.message, /expired/);
    assert.equal(stale.login(ADMIN).ok, true);
  });
});

describe('dashboard login in a real browser', () => {
  let dir: string;
  let clock: ManualClock;
  let browser: Browser;
  const gateways: RunningGateway[] = [];

  async function start(): Promise<RunningGateway> {
    const configPath = join(dir, `bifrost-${gateways.length}.yaml`);
    await writeFile(configPath, fourTierConfig('http://127.0.0.1:9'));
    const env = { TEST_ANTHROPIC_KEY: 'sk-ant-unused' };
    const options = resolveServeOptions({ config: configPath, port: '0', 'data-dir': join(dir, `data-${gateways.length}`) }, env, dir);
    const gateway = await startGateway(options, { clock, env, log: () => undefined });
    gateways.push(gateway);
    return gateway;
  }

  async function newPage(): Promise<Page> {
    const context = await browser.newContext();
    return context.newPage();
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'spendgate-login-'));
    clock = new ManualClock(Date.now());
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    for (const g of gateways) await g.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('an expired login URL shows "Not signed in" with the reason it expired and sets no cookie', async () => {
    const gateway = await start();
    assert.ok(gateway.loginUrl);
    clock.advance(LOGIN_TOKEN_TTL_MS + 1);
    const page = await newPage();
    await page.goto(gateway.loginUrl);
    await page.getByRole('heading', { name: 'Not signed in' }).waitFor();
    assert.match((await page.locator('.signed-out-reason').textContent()) ?? '', /login URL expired.*10 minutes/);
    assert.deepEqual(await page.context().cookies(), []);
  });

  test('a signed-in page stays signed in across a reload with its live WebSocket up, and its own fetch without the session token is refused 401', async () => {
    const gateway = await start();
    assert.ok(gateway.loginUrl);
    const page = await newPage();
    await page.goto(gateway.loginUrl);
    await page.locator('.tier-row').first().waitFor();
    await page.reload();
    await page.locator('.tier-row').first().waitFor();
    await page.locator('.connection[data-state="up"]').waitFor({ timeout: 5_000 });
    const bare = await page.evaluate(async () => (await fetch('/api/budgets', { credentials: 'same-origin' })).status);
    assert.equal(bare, 401, 'the cookie alone, even from the dashboard origin, is not a session');
  });
});
