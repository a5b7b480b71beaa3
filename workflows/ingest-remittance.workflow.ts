import {
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  patched,
  proxyActivities,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import type { IngestActivities } from '../activities/ingest.activities';
import { claimLifecycle } from './claim-lifecycle.workflow';
import {
  claimWorkflowId,
  PATCHES,
  remittanceOutcome,
  type IngestRemittanceInput,
  type IngestRemittanceResult,
} from './contracts';

const { storeRemittance, claimsToStart, startLifecycles, outcomesToSignal, markRemittance } =
  proxyActivities<IngestActivities>({
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '1 minute',
    retry: {
      initialInterval: '1s',
      maximumInterval: '1 minute',
      nonRetryableErrorTypes: ['NotFound', 'InvalidInput'],
    },
  });

/**
 * Children per page, and pages per run before continue-as-new: about 2,000
 * children (some 8,000 events) per run keeps every history far below
 * Temporal's 50k-event limit, whatever the file's size.
 */
export const PAGE_SIZE = 200;
export const PAGES_PER_RUN = 10;

/**
 * Runs patched with PATCHES.startedByActivity start a page of lifecycles per
 * activity, with the client: no child per claim in this history. A page costs
 * six events, so a run of 20 pages of 500 covers 10,000 claims in about 130.
 */
export const START_PAGE_SIZE = 500;
export const START_PAGES_PER_RUN = 20;

/**
 * Parses and stores a remittance once, signals the claims it answers, then
 * starts one lifecycle per claim to work, in pages, continuing as new so a
 * 50k-claim file never grows one history past Temporal's limits.
 */
export async function ingestRemittance(
  input: IngestRemittanceInput,
): Promise<IngestRemittanceResult> {
  const { tenantId, fileId } = input;
  const byActivity = patched(PATCHES.startedByActivity);
  const stored = await storeRemittance({ tenantId, fileId });
  if (stored.quarantineReason !== undefined) {
    return {
      fileId,
      status: 'quarantined',
      claims: 0,
      lifecyclesStarted: 0,
      outcomesSignalled: 0,
      quarantineReason: stored.quarantineReason,
    };
  }

  let outcomesSignalled = input.outcomesSignalled ?? 0;
  if (input.cursor === undefined) {
    for (const match of await outcomesToSignal({ tenantId, fileId })) {
      try {
        await getExternalWorkflowHandle(match.workflowId).signal(remittanceOutcome, match.outcome);
        outcomesSignalled++;
      } catch {
        // The lifecycle has closed meanwhile: the new claim stands on its own.
      }
    }
  }

  let cursor = input.cursor;
  let started = input.started ?? 0;
  const pageSize = input.pageSize ?? (byActivity ? START_PAGE_SIZE : PAGE_SIZE);
  const pagesPerRun = input.pagesPerRun ?? (byActivity ? START_PAGES_PER_RUN : PAGES_PER_RUN);
  const finish = async (): Promise<IngestRemittanceResult> => {
    await markRemittance({
      tenantId,
      fileId,
      status: 'processed',
      claimCount: stored.claimCount,
      workflowId: workflowInfo().workflowId,
    });
    return {
      fileId,
      status: 'processed',
      claims: stored.claimCount,
      lifecyclesStarted: started,
      outcomesSignalled,
    };
  };
  for (let page = 0; page < pagesPerRun; page++) {
    if (byActivity) {
      const { count, last } = await startLifecycles({
        tenantId,
        fileId,
        after: cursor ?? null,
        limit: pageSize,
      });
      started += count;
      cursor = last ?? cursor;
      // A short page is the last one: no empty page to ask for.
      if (count < pageSize) return finish();
      continue;
    }
    const batch = await claimsToStart({ tenantId, fileId, after: cursor ?? null, limit: pageSize });
    if (batch.claimIds.length === 0) return finish();
    await Promise.all(
      batch.claimIds.map(async (claimId) => {
        try {
          await startChild(claimLifecycle, {
            workflowId: claimWorkflowId(claimId),
            args: [{ tenantId, claimId, timers: stored.timers }],
            // A claim's life outlasts the ingestion that found it.
            parentClosePolicy: ParentClosePolicy.ABANDON,
            searchAttributes: { TenantId: [tenantId], ClaimState: ['triage'] },
          });
        } catch (err) {
          // Started by an earlier attempt or run: idempotent.
          if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
        }
      }),
    );
    started += batch.claimIds.length;
    cursor = batch.claimIds[batch.claimIds.length - 1];
  }
  return continueAsNew<typeof ingestRemittance>({
    tenantId,
    fileId,
    cursor,
    started,
    outcomesSignalled,
    pageSize,
    pagesPerRun,
  });
}
