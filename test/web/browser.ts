import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Tenant } from '../../db/schema';
import { aptInstall } from '../debian-packages';
import { withDirectoryLock } from '../directory-lock';
import { TEST_PASSWORD, totpCode } from '../harness';

const ROOT = path.resolve(__dirname, '../..');
export const SCREENSHOTS = path.join(ROOT, 'test-results', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const VIEWPORT = { width: 1280, height: 800 };

/*
 * The functions handed to page.evaluate run inside the page. The project's
 * typecheck has no DOM library (it is server code), so these are the few DOM
 * shapes they touch, declared for this module only.
 */
interface PageNode {
  nodeType: number;
  textContent: string | null;
}
interface PageElement extends PageNode {
  id: string;
  tagName: string;
  className: string;
  value?: string;
  disabled?: boolean;
  parentElement: PageElement | null;
  childNodes: Iterable<PageNode>;
  closest(selector: string): PageElement | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
}
declare const document: {
  documentElement: { outerHTML: string };
  body: { querySelectorAll(selector: string): Iterable<PageElement> };
  activeElement: PageElement | null;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
};
declare function getComputedStyle(e: PageElement): {
  backgroundColor: string;
  color: string;
  fontSize: string;
  fontWeight: string;
  visibility: string;
};

/** One build or install at a time across Jest's workers. */
function withLock<T>(name: string, work: () => T): T {
  return withDirectoryLock(path.join(ROOT, '.data', `${name}.lock`), 10 * 60_000, work);
}

/** dist/web as `bin/claimflow` builds it: the bootstrap's own step, a no-op when current. */
export function ensureWebBuild(): void {
  withLock('web-build', () => {
    const r = spawnSync('bash', ['-c', 'source ops/bootstrap.sh && cf_ensure_web_build'], {
      cwd: ROOT,
      env: { ...process.env, CLAIMFLOW_ROOT: ROOT },
      encoding: 'utf8',
    });
    if (r.status !== 0)
      throw new Error(`the web build failed: ${r.stderr.trim().split('\n').slice(-6).join(' | ')}`);
  });
}

/**
 * The system's Chromium (Debian's package; no browser download). Where it is
 * missing, CI machines run as root with Debian's archive reachable: install it.
 */
export function ensureChromium(): string {
  if (fs.existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0)
    throw new Error(
      `Chromium is missing at ${CHROMIUM}: install it as root with "apt-get install -y chromium", or set CHROMIUM_PATH`,
    );
  return withLock('chromium-install', () => {
    if (fs.existsSync(CHROMIUM)) return CHROMIUM;
    const failed = aptInstall(['chromium']);
    if (failed || !fs.existsSync(CHROMIUM))
      throw new Error(`could not install Chromium: ${failed ?? `${CHROMIUM} is still missing`}`);
    return CHROMIUM;
  });
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page at 1280x800 that records every script error and CSP refusal, for the spec to assert none. */
export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  problems: string[];
}

export async function openPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: VIEWPORT, acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text()))
      problems.push(`console: ${m.text()}`);
  });
  return { page, context, problems };
}

/** A 1280x800 screenshot under test-results/screenshots/; a long page whole, when asked. */
export async function screenshot(
  page: Page,
  name: string,
  opts: { fullPage?: boolean } = {},
): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? false });
  return file;
}

/** Everything a person could read or a script could find in the page: text, attributes and values. */
export async function domText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const values = [...document.querySelectorAll('input, textarea, select')].map((e) => e.value);
    return `${document.documentElement.outerHTML}\n${values.join('\n')}`;
  });
}

/**
 * Signs in through the pages: password, then the second factor. A user
 * without one enrols it from the QR page, reading the setup key it shows;
 * the key is returned for later sign-ins.
 */
export async function signInThroughPages(
  page: Page,
  baseUrl: string,
  tenant: Tenant,
  email: string,
  /** `now`: the API's clock, when a spec moves it (codes are checked against it). */
  opts: { totpSecret?: string; screenshots?: string; now?: () => Date } = {},
): Promise<{ totpSecret: string; recoveryCodes: string[] }> {
  await page.goto(`${baseUrl}/app/`);
  await page.getByLabel('Organization').fill(tenant.slug);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  if (opts.screenshots) await screenshot(page, `${opts.screenshots}-login`);
  await page.getByRole('button', { name: 'Sign in' }).click();
  const now = opts.now ?? (() => new Date());
  let totpSecret = opts.totpSecret;
  let recoveryCodes: string[] = [];
  if (!totpSecret) {
    await page.getByRole('heading', { name: 'Set up two-step sign-in' }).waitFor();
    await page.getByRole('img', { name: /QR code/ }).waitFor();
    totpSecret = (await page.locator('code.secret').innerText()).replace(/\s/g, '');
    if (opts.screenshots) await screenshot(page, `${opts.screenshots}-mfa-enrol`);
    await page.getByLabel('Code from your app').fill(totpCode(totpSecret, now()));
    await page.getByRole('button', { name: 'Verify and continue' }).click();
    const list = page.getByRole('list', { name: 'Recovery codes' });
    await list.waitFor();
    recoveryCodes = await list.getByRole('listitem').allInnerTexts();
    await page.getByRole('button', { name: /I have saved them/ }).click();
  } else {
    await page.getByLabel('Authentication code').fill(totpCode(totpSecret, now()));
    await page.getByRole('button', { name: 'Verify' }).click();
  }
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
  return { totpSecret, recoveryCodes };
}

const NAMED_ROLES = new Set([
  'button',
  'link',
  'textbox',
  'searchbox',
  'combobox',
  'listbox',
  'checkbox',
  'radio',
  'spinbutton',
  'tab',
  'img',
  'dialog',
  'alertdialog',
]);

/** Controls and images without an accessible name, as Chromium's accessibility tree computes names. */
export async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as {
      nodes: { ignored: boolean; role?: { value?: string }; name?: { value?: string } }[];
    };
    return nodes
      .filter((n) => !n.ignored && NAMED_ROLES.has(n.role?.value ?? '') && !n.name?.value?.trim())
      .map((n) => n.role!.value!);
  } finally {
    await cdp.detach();
  }
}

/**
 * Text whose colour against its background falls below WCAG AA (4.5:1, or 3:1
 * for large text). Disabled controls are exempt, as WCAG exempts them.
 */
export async function lowContrastText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const rgba = (s: string) => {
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(s);
      return m
        ? [Number(m[1]), Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])]
        : [0, 0, 0, 0];
    };
    const lum = ([r, g, b]: number[]) => {
      const c = [r!, g!, b!].map((v) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
    };
    const background = (el: PageElement | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgba(getComputedStyle(e).backgroundColor);
        if (c[3]! > 0.5) return c;
      }
      return [255, 255, 255, 1];
    };
    const bad: string[] = [];
    for (const el of document.body.querySelectorAll('*')) {
      if (el.closest('svg') || el.disabled) continue;
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim());
      if (!own) continue;
      const rect = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (!rect.width || !rect.height || style.visibility === 'hidden') continue;
      if (rect.width <= 1 && rect.height <= 1) continue; // visually hidden, for screen readers
      const fg = rgba(style.color);
      const [a, b] = [lum(fg), lum(background(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5))
        bad.push(`${el.tagName.toLowerCase()}.${el.className}: ${ratio.toFixed(2)}:1`);
    }
    return bad;
  });
}

/** The name of the focused element: its aria-label, its <label>, else its own text. */
export async function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    const label = el?.id ? document.querySelector(`label[for="${el.id}"]`) : null;
    return el?.getAttribute('aria-label') ?? (label ?? el)?.textContent ?? '';
  });
}
