import * as fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { Tenant } from '../../db/schema';
import { carcDescription, rarcDescription } from '../../x12/codes/code-lists';
import { claimWorkflowId, getClaimState } from '../../workflows/contracts';
import { claimAwaitingReview } from '../api/world';
import { startFakeAnthropic, type FakeAnthropic } from '../fakes/anthropic-server';
import {
  createUser,
  eventually,
  signIn,
  startStack,
  totpCode,
  type SignedIn,
  type TestStack,
} from '../harness';
import {
  domText,
  ensureWebBuild,
  focusedName,
  launchBrowser,
  lowContrastText,
  openPage,
  screenshot,
  signInThroughPages,
  unnamedControls,
  type WatchedPage,
} from './browser';

type Claim = Awaited<ReturnType<typeof claimAwaitingReview>>;

/** What the fake model answers for the claim's analysis and letter (placeholders are filled in locally). */
const AI_ANALYSIS = {
  category: 'medical_necessity',
  recommendedAction: 'appeal',
  rationale: ['CARC 50 with RARC N386: the payer applied a coverage determination to the visit.'],
  missingDocuments: ['Office notes for the date of service'],
  appealArguments: ['The documented exam and decision making support the level of the visit.'],
  confidence: 0.74,
};
const AI_LETTER = {
  subject: 'Request for redetermination of claim {{PAYER_CLAIM_NUMBER}}',
  body:
    'Dear appeals reviewer,\n\nWe request a redetermination of claim {{PAYER_CLAIM_NUMBER}} for ' +
    '{{PATIENT_NAME}}. The visit was denied as not medically necessary (CARC 50, RARC N386). The ' +
    'office notes we enclose document the history, examination and medical decision making that ' +
    'support the service as billed.\n\nPlease reprocess the claim for payment.',
};

/** Every identifier of the claim's synthetic patient, unique to this run. */
const phiOf = (c: Claim) => Object.values(c.patient);
const short = (id: string) => id.slice(0, 8);

/**
 * The pages in a real Chromium against the real stack (API, worker, Temporal,
 * PostgreSQL): sign-in with MFA, a task worked from the queue to an approved
 * appeal, the auditor's timeline of it, the ops pages without PHI, and the
 * accessibility of each page. The describe blocks follow one claim's story in order.
 */
describe('the web pages, driven in Chromium against the real stack', () => {
  let stack: TestStack;
  let anthropic: FakeAnthropic;
  let browser: Browser;
  let tenant: Tenant;
  let uploader: SignedIn;
  let small: Claim;
  let large: Claim;
  const pages: WatchedPage[] = [];
  const open = async () => {
    const p = await openPage(browser);
    pages.push(p);
    return p;
  };

  /** One reviewer, signed in once, for the checks any worker's view serves (the last one signs out). */
  let reviewer: Promise<{ page: Page; email: string; totpSecret: string }> | undefined;
  const reviewerSession = () =>
    (reviewer ??= (async () => {
      const { page } = await open();
      const { email } = await createUser(stack, tenant.id, ['reviewer']);
      const { totpSecret } = await signInThroughPages(page, stack.baseUrl, tenant, email);
      return { page, email, totpSecret };
    })());

  beforeAll(async () => {
    ensureWebBuild();
    anthropic = await startFakeAnthropic();
    [browser, stack] = await Promise.all([
      launchBrowser(),
      startStack({
        api: true,
        env: { ANTHROPIC_API_KEY: 'sk-fake-key-for-tests', ANTHROPIC_BASE_URL: anthropic.url },
      }),
    ]);
    tenant = await stack.newTenant();
    uploader = await signIn(stack, tenant, ['appeal_specialist']);
    // One claim at a time: the fake model answers in order, analysis then letter.
    anthropic.enqueue({ kind: 'tool', input: AI_ANALYSIS });
    anthropic.enqueue({ kind: 'tool', input: AI_LETTER });
    small = await claimAwaitingReview(stack, uploader);
    anthropic.enqueue({ kind: 'tool', input: AI_ANALYSIS });
    anthropic.enqueue({ kind: 'tool', input: AI_LETTER });
    large = await claimAwaitingReview(stack, uploader);
    // The second claim carries more money at stake, so it must lead the queue.
    await stack.ownerDb
      .updateTable('claims')
      .set({ amount_at_stake_cents: '950000', priority_score: 90 })
      .where('id', '=', large.claimId)
      .execute();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await anthropic?.close();
  });

  describe('signing in', () => {
    it('refuses a wrong password with a message and stays on the sign-in page', async () => {
      const { page } = await open();
      const { email } = await createUser(stack, tenant.id, ['appeal_specialist']);
      await page.goto(`${stack.baseUrl}/app/`);
      await page.getByLabel('Organization').fill(tenant.slug);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('not-the-password-at-all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await expectText(page.getByRole('alert'), /tenant, email or password is wrong/i);
      expect(await page.evaluate(() => sessionStorage.getItem('claimflow.session'))).toBeNull();
    });

    it('refuses a wrong second-factor code and lets the right one in', async () => {
      const { page } = await open();
      const { email } = await createUser(stack, tenant.id, ['appeal_specialist']);
      await page.goto(`${stack.baseUrl}/app/`);
      await page.getByLabel('Organization').fill(tenant.slug);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill('violet-harbour-lantern-42');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('Code from your app').fill('12345');
      await page.getByRole('button', { name: 'Verify and continue' }).click();
      await expectText(page.getByRole('alert'), /6-digit code/);
      await page.getByLabel('Code from your app').fill('000000');
      await page.getByRole('button', { name: 'Verify and continue' }).click();
      await expectText(page.getByRole('alert'), /the code is not valid/i);
      expect(await page.getByRole('navigation', { name: 'Sections' }).count()).toBe(0);
    });
  });

  describe('an appeal specialist works a task from the queue to an approved appeal', () => {
    let specialist: WatchedPage;
    let specialistId: string;

    beforeAll(async () => {
      specialist = await open();
      const user = await createUser(stack, tenant.id, ['appeal_specialist']);
      specialistId = user.userId;
      await signInThroughPages(specialist.page, stack.baseUrl, tenant, user.email, {
        screenshots: 'specialist',
      });
    });

    it('enrols MFA from the QR page and lands on the queue, highest priority first', async () => {
      const { page } = specialist;
      await page.getByRole('heading', { name: 'Review queue' }).waitFor();
      const rows = page.getByRole('table').getByRole('row');
      await eventually('both tasks listed', async () =>
        (await rows.count()) === 3 ? true : undefined,
      );
      const first = await rows.nth(1).innerText();
      const second = await rows.nth(2).innerText();
      expect(first).toContain(short(large.claimId));
      expect(second).toContain(short(small.claimId));
      expect(first).toContain('$9,500.00');
      await screenshot(page, 'queue');
    });

    it('filters by payer, category and deadline and counts what is due this week', async () => {
      const { page } = specialist;
      const summary = await page.getByLabel('Queue summary').innerText();
      expect(summary).toMatch(/Open tasks\s+2/);
      // Both deadlines are months ahead (the remits are dated today).
      expect(summary).toMatch(/Due this week\s+0/);
      await page.getByLabel('Deadline').selectOption('week');
      await expectText(page.getByText('No open task matches these filters.'), /No open task/);
      await page.getByLabel('Deadline').selectOption('all');
      await page.getByLabel('Category').selectOption('medical_necessity');
      const payer = await page.getByLabel('Payer').locator('option').nth(1).getAttribute('value');
      await page.getByLabel('Payer').selectOption(payer!);
      expect(await page.getByRole('table').getByRole('row').count()).toBe(3);
      await page.getByRole('button', { name: 'Clear filters' }).click();
    });

    it('shows the remittance facts, the rules and the AI analysis side by side, and the letter', async () => {
      const { page } = specialist;
      await page
        .getByRole('button', { name: `Take task for claim ${short(small.claimId)}` })
        .click();
      await expectText(
        page.getByRole('status').filter({ hasText: 'assigned to you' }),
        /assigned to you/,
      );
      await page.getByRole('link', { name: `Open task for claim ${short(small.claimId)}` }).click();
      await page.getByRole('heading', { name: `Review claim ${short(small.claimId)}` }).waitFor();
      const remittance = page.getByRole('region', { name: 'Remittance' });
      await expectText(remittance, /CO-50/);
      const text = await remittance.innerText();
      expect(text).toContain(carcDescription('50')!.description);
      expect(text).toContain(rarcDescription('N386')!.description);
      const rules = page.getByRole('region', { name: 'Rules (triage)' });
      const analysis = page.getByRole('region', { name: /^Analysis/ });
      expect(await rules.innerText()).toContain('Medical necessity');
      await expectText(analysis, /AI/);
      expect(await analysis.innerText()).toContain(AI_ANALYSIS.appealArguments[0]);
      // The worker whose task it is sees the patient: the page is where PHI is needed.
      expect(await page.getByRole('region', { name: /^Patient/ }).innerText()).toContain(
        small.patient.last,
      );
      expect(await page.getByLabel('Letter', { exact: true }).inputValue()).toContain(
        'office notes we enclose',
      );
      await screenshot(page, 'task', { fullPage: true });
    });

    it('refuses a rejection without a reason on the page and sends nothing', async () => {
      const { page } = specialist;
      await page.getByRole('button', { name: 'Reject…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Reject this appeal' });
      await dialog.getByRole('button', { name: 'Reject appeal' }).click();
      await expectText(dialog.getByRole('alert'), /Say why/);
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      const state = await stack.temporal.workflow
        .getHandle(claimWorkflowId(small.claimId))
        .query(getClaimState);
      expect(state.state).toBe('awaiting_review');
    });

    it('approves with an edited letter through the workflow Update and shows the result without a reload', async () => {
      const { page } = specialist;
      // A value only this document holds: a reload would lose it.
      await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
      const letter = page.getByLabel('Letter', { exact: true });
      await letter.fill(`${await letter.inputValue()}\n\nEnclosed: office notes of the visit.`);
      await page.getByRole('button', { name: 'Approve with my edits' }).click();
      await expectText(
        page.getByRole('status').filter({ hasText: 'approved' }),
        /approved with your edited letter/,
      );
      await expectText(
        page.getByRole('status').filter({ hasText: 'approved' }),
        /Submitted, awaiting the payer/,
        30_000,
      );
      expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(
        42,
      );
      const task = await stack.ownerDb
        .selectFrom('review_tasks')
        .select(['status', 'decided_by'])
        .where('id', '=', small.state.reviewTaskId!)
        .executeTakeFirstOrThrow();
      expect(task).toEqual({ status: 'edited', decided_by: specialistId });
      await screenshot(page, 'task-approved', { fullPage: true });
    });
  });

  describe('an auditor follows the claim', () => {
    let auditor: WatchedPage;

    beforeAll(async () => {
      auditor = await open();
      const user = await createUser(stack, tenant.id, ['auditor']);
      await signInThroughPages(auditor.page, stack.baseUrl, tenant, user.email);
    });

    it('sees the approval in the claim’s timeline beside the workflow’s events, and the chain verified', async () => {
      const { page } = auditor;
      await page.getByRole('heading', { name: 'Audit trail' }).waitFor();
      await page.getByLabel('Claim ID').fill(small.claimId);
      await page.getByLabel('Claim ID').press('Enter');
      const timeline = page.getByRole('list', { name: `Timeline of claim ${small.claimId}` });
      await expectText(timeline, /Appeal approved with an edited letter/);
      const text = await timeline.innerText();
      expect(text).toContain('review.edit');
      expect(text).toContain('recordReviewDecision');
      expect(text).toMatch(/Workflow execution update accepted\s+submitReview/);
      await expectText(
        page.getByRole('status').filter({ hasText: 'chain' }),
        /The audit chain is intact/,
      );
      await screenshot(page, 'audit', { fullPage: true });
    });

    it('exports the claim’s trail as CSV without a patient identifier', async () => {
      const { page } = auditor;
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export CSV' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe(`audit-${small.claimId}.csv`);
      const csv = fs.readFileSync((await download.path())!, 'utf8');
      expect(csv.split('\r\n')[0]).toMatch(/^seq,occurredAt,actor,actorRole,action/);
      expect(csv).toContain('"review.edit"');
      for (const v of phiOf(small)) expect(csv).not.toContain(v);
    });

    it('refuses a malformed claim ID on the page without asking the API', async () => {
      const { page } = auditor;
      await page.getByLabel('Claim ID').fill('not-a-claim');
      await page.getByRole('button', { name: 'Show timeline' }).click();
      await expectText(page.getByRole('alert'), /Enter a claim ID/);
      expect(page.url()).toContain(small.claimId);
    });
  });

  describe('operations', () => {
    let ops: WatchedPage;

    beforeAll(async () => {
      ops = await open();
      const user = await createUser(stack, tenant.id, ['ops']);
      await signInThroughPages(ops.page, stack.baseUrl, tenant, user.email);
    });

    it('shows workflows by state and the dashboard as charts with their tables', async () => {
      const { page } = ops;
      await page.getByRole('heading', { name: 'Operations' }).waitFor();
      await page.getByRole('img', { name: /Claim workflows by state/ }).waitFor();
      await screenshot(page, 'ops');
      await page.getByRole('link', { name: 'Dashboard' }).click();
      await page.getByRole('img', { name: /Denials by category/ }).waitFor();
      for (const chart of ['Denials by category', 'Denials by payer', 'Appeal outcomes']) {
        const img = page.getByRole('img', { name: new RegExp(chart) });
        expect(await img.count()).toBe(1);
      }
      const byPayer = page.getByRole('figure').filter({ hasText: 'Denials by payer' });
      await byPayer.getByText('Show the numbers as a table').click();
      expect(await byPayer.getByRole('row', { name: /SYNTHETIC HEALTH PLAN/ }).innerText()).toMatch(
        /\b2\b/,
      );
      await screenshot(page, 'dashboard', { fullPage: true });
    });

    it('lists a stopped workflow with its reason, and acts on it only after a confirmation', async () => {
      const { page } = ops;
      const workflowId = claimWorkflowId(small.claimId);
      const handle = stack.temporal.workflow.getHandle(workflowId);
      await handle.terminate('stopped on purpose by the web spec');
      await page.goto(`${stack.baseUrl}/app/ops`);
      const row = page.getByRole('row', { name: new RegExp(workflowId) });
      await eventually(
        'the stopped workflow listed',
        async () => {
          if (await row.count()) return true;
          await page.getByRole('button', { name: 'Refresh' }).click();
          return undefined;
        },
        20_000,
        1_000,
      );
      expect(await row.innerText()).toMatch(/Terminated/);
      await screenshot(page, 'ops-failed', { fullPage: true });

      // Cancelling changes nothing; confirming without a reason is refused on the page.
      await row.getByRole('button', { name: `Retry ${workflowId}` }).click();
      const dialog = page.getByRole('dialog', { name: 'Retry workflow?' });
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await row.getByRole('button', { name: `Retry ${workflowId}` }).click();
      await dialog.getByRole('button', { name: 'Retry' }).click();
      await expectText(dialog.getByRole('alert'), /Give a reason/);
      expect((await handle.describe()).status.name).toBe('TERMINATED');

      // Replay only checks the history against the code.
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await row.getByRole('button', { name: `Replay ${workflowId}` }).click();
      await page
        .getByRole('dialog', { name: 'Replay workflow history?' })
        .getByRole('button', { name: 'Replay' })
        .click();
      await expectText(page.getByRole('status').filter({ hasText: 'Replayed' }), /same decisions/);

      await row.getByRole('button', { name: `Retry ${workflowId}` }).click();
      await dialog.getByLabel('Reason').fill('web spec: retry after a deliberate stop');
      await dialog.getByRole('button', { name: 'Retry' }).click();
      await expectText(page.getByRole('status').filter({ hasText: 'Retried' }), /new run/);
      expect((await handle.describe()).status.name).toBe('RUNNING');
    });

    it('sees no patient identifier on any page it can open, while the appeal team does', async () => {
      const { page } = ops;
      const seen: string[] = [];
      for (const path of [
        '/app/ops',
        '/app/dashboard',
        `/app/claims/${small.claimId}`,
        `/app/claims/${large.claimId}`,
      ]) {
        await page.goto(`${stack.baseUrl}${path}`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.waitForLoadState('networkidle');
        seen.push(await domText(page));
      }
      await expectText(page.getByRole('region', { name: 'Remittance' }), /CO-50/);
      await screenshot(page, 'claim-ops', { fullPage: true });
      const all = seen.join('\n');
      for (const v of [...phiOf(small), ...phiOf(large)]) expect(all).not.toContain(v);
      // The same check finds the names where they belong: the scan can fail.
      const { page: worker } = await reviewerSession();
      await worker.goto(`${stack.baseUrl}/app/claims/${large.claimId}`);
      await worker.getByRole('region', { name: /^Patient/ }).waitFor();
      expect(await domText(worker)).toContain(large.patient.last);
    });
  });

  describe('accessibility at 1280x800', () => {
    it('gives every control and image a name and keeps text contrast at WCAG AA on every page', async () => {
      const { page } = await reviewerSession();
      for (const path of [
        '/app/queue',
        `/app/tasks/${large.state.reviewTaskId}`,
        '/app/dashboard',
        '/app/account',
      ]) {
        await page.goto(`${stack.baseUrl}${path}`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.waitForLoadState('networkidle');
        expect([path, await unnamedControls(page), await lowContrastText(page)]).toEqual([
          path,
          [],
          [],
        ]);
      }
    });

    it('signs in and opens a task with the keyboard alone, from an accessible sign-in page', async () => {
      const { page, email, totpSecret } = await reviewerSession();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect([await unnamedControls(page), await lowContrastText(page)]).toEqual([[], []]);
      await page.keyboard.press('Tab');
      await expectFocus(page, 'Organization');
      await page.keyboard.press('Tab');
      await page.keyboard.type(email);
      await page.keyboard.press('Tab');
      await page.keyboard.type('violet-harbour-lantern-42');
      await page.keyboard.press('Enter');
      await page.getByLabel('Authentication code').waitFor();
      await expectFocus(page, 'Authentication code');
      await page.keyboard.type(nextCode(totpSecret));
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Review queue' }).waitFor();
      await expectFocus(page, 'Review queue');
      const target = `Open task for claim ${short(large.claimId)}`;
      await page.getByRole('link', { name: target }).waitFor();
      for (let i = 0; i < 40 && (await focusedName(page)) !== target; i++)
        await page.keyboard.press('Tab');
      expect(await focusedName(page)).toBe(target);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: `Review claim ${short(large.claimId)}` }).waitFor();
    });
  });

  it('raised no script error and no CSP refusal on any page it opened', () => {
    expect(pages.length).toBeGreaterThan(5);
    expect(pages.flatMap((p) => p.problems)).toEqual([]);
  });
});

/** Waits for a locator's text to match (the pages load their data after they render). */
async function expectText(
  locator: ReturnType<Page['locator']>,
  pattern: RegExp,
  timeoutMs = 10_000,
): Promise<void> {
  await eventually(
    `text ${pattern}`,
    async () =>
      (await locator.first().innerText({ timeout: 2_000 })).match(pattern) ? true : undefined,
    timeoutMs,
  );
}

async function expectFocus(page: Page, name: string): Promise<void> {
  await eventually(`focus on ${name}`, async () =>
    (await focusedName(page)).includes(name) ? true : undefined,
  );
}

/** A code of the next 30-second step: the current one was spent signing in a moment ago. */
const nextCode = (secret: string) => totpCode(secret, new Date(Date.now() + 30_000));
