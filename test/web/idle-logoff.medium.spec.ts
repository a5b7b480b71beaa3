import type { Browser, Page } from 'playwright-core';
import type { Tenant } from '../../db/schema';
import { createUser, startStack, type TestStack } from '../harness';
import {
  ensureWebBuild,
  launchBrowser,
  openPage,
  screenshot,
  signInThroughPages,
  type WatchedPage,
} from './browser';

const MINUTE = 60_000;

/**
 * The 15-minute idle logoff as a person meets it. The page's clock and the
 * API's clock are moved forward together, so the real limit is tested
 * without waiting for it.
 */
describe('the idle logoff of the pages', () => {
  let stack: TestStack;
  let browser: Browser;
  let tenant: Tenant;
  const pages: WatchedPage[] = [];

  /** Moves both clocks: the browser's timers fire as they would have. */
  const pass = async (page: Page, ms: number) => {
    stack.clock.advance(ms);
    await page.clock.fastForward(ms);
  };
  const signedInPage = async () => {
    const watched = await openPage(browser);
    pages.push(watched);
    await watched.page.clock.install();
    const user = await createUser(stack, tenant.id, ['appeal_specialist']);
    await signInThroughPages(watched.page, stack.baseUrl, tenant, user.email, {
      now: () => stack.clock.now(),
    });
    const token = await watched.page.evaluate(
      () => (JSON.parse(sessionStorage.getItem('claimflow.session')!) as { token: string }).token,
    );
    return { page: watched.page, token };
  };
  const me = (token: string) =>
    fetch(`${stack.baseUrl}/auth/me`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    ensureWebBuild();
    [browser, stack] = await Promise.all([launchBrowser(), startStack({ api: true })]);
    tenant = await stack.newTenant();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('runs on the real 15-minute limit', async () => {
    const res = await fetch(`${stack.baseUrl}/app/config.json`);
    expect(((await res.json()) as { idleTimeoutMs: number }).idleTimeoutMs).toBe(15 * MINUTE);
  });

  it('warns a minute before the logoff, and "Stay signed in" keeps the session', async () => {
    const { page, token } = await signedInPage();
    await pass(page, 13 * MINUTE);
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    await pass(page, 65_000);
    const warning = page.getByRole('alertdialog', { name: 'Are you still there?' });
    await warning.waitFor();
    expect(await warning.innerText()).toMatch(/signed out in \d+ seconds/);
    await screenshot(page, 'idle-warning');
    const [keepAlive] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/auth/me')),
      warning.getByRole('button', { name: 'Stay signed in' }).click(),
    ]);
    expect(keepAlive.status()).toBe(200);
    await warning.waitFor({ state: 'detached' });
    // Staying told the server too: 24 minutes after sign-in, 10 after staying, the session lives.
    await pass(page, 10 * MINUTE);
    expect((await me(token)).status).toBe(200);
    expect(await page.getByRole('heading', { name: 'Review queue' }).count()).toBe(1);
  });

  it('signs out cleanly when the warning runs out, and the old session is dead', async () => {
    const { page, token } = await signedInPage();
    await pass(page, 14 * MINUTE + 10_000);
    await page.getByRole('alertdialog', { name: 'Are you still there?' }).waitFor();
    await pass(page, 60_000);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('status').innerText()).toContain(
      'You were signed out after 15 minutes without activity',
    );
    expect(page.url()).toMatch(/\/app\/login$/);
    expect(await page.evaluate(() => sessionStorage.getItem('claimflow.session'))).toBeNull();
    const res = await me(token);
    expect(res.status).toBe(401);
    await screenshot(page, 'idle-signed-out');
  });

  it('returns to sign-in when the server ended the session, instead of showing a broken page', async () => {
    const { page, token } = await signedInPage();
    // The queue has loaded: the next request is the click's, not one already on its way.
    await page.getByRole('table').waitFor();
    const logout = await fetch(`${stack.baseUrl}/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(logout.status).toBe(204);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('status').innerText()).toContain('Your session ended');
  });

  it('raised no script error and no CSP refusal', () => {
    expect(pages).toHaveLength(3);
    expect(pages.flatMap((p) => p.problems)).toEqual([]);
  });
});
