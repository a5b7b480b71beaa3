import { ParentClosePolicy, proxyActivities, startChild, workflowInfo } from '@temporalio/workflow';
import type { IngestActivities } from '../activities/ingest.activities';
import { claimLifecycle } from './claim-lifecycle.workflow';
import {
  claimWorkflowId,
  type IngestRemittanceInput,
  type IngestRemittanceResult,
} from './contracts';

const { parseAndStoreClaims, markRemittance } = proxyActivities<IngestActivities>({
  startToCloseTimeout: '5 minutes',
  retry: {
    initialInterval: '1s',
    maximumInterval: '30s',
    nonRetryableErrorTypes: ['InvalidRemittance'],
  },
});

export async function ingestRemittance(
  input: IngestRemittanceInput,
): Promise<IngestRemittanceResult> {
  const parsed = await parseAndStoreClaims(input);
  if (parsed.quarantineReason !== undefined) {
    return {
      fileId: input.fileId,
      status: 'quarantined',
      claims: 0,
      lifecyclesStarted: 0,
      quarantineReason: parsed.quarantineReason,
    };
  }
  const reviewTimeout = parsed.reviewTimeout;
  for (const claimId of parsed.claimsToWork) {
    try {
      await startChild(claimLifecycle, {
        workflowId: claimWorkflowId(claimId),
        args: [{ tenantId: input.tenantId, claimId, reviewTimeout }],
        // A claim's life outlasts the ingestion that found it.
        parentClosePolicy: ParentClosePolicy.ABANDON,
        searchAttributes: { TenantId: [input.tenantId], ClaimState: ['awaiting_review'] },
      });
    } catch (err) {
      // Already started by an earlier attempt of this workflow: idempotent.
      if ((err as Error).name !== 'WorkflowExecutionAlreadyStartedError') throw err;
    }
  }
  await markRemittance({
    ...input,
    status: 'processed',
    claimCount: parsed.claimCount,
    workflowId: workflowInfo().workflowId,
  });
  return {
    fileId: input.fileId,
    status: 'processed',
    claims: parsed.claimCount,
    lifecyclesStarted: parsed.claimsToWork.length,
  };
}
