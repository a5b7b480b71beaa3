import { defineQuery, defineUpdate } from '@temporalio/workflow';

/**
 * Messages and inputs shared by workflows and their clients. Workflows carry
 * ids, never patient data.
 */
export interface IngestRemittanceInput {
  tenantId: string;
  fileId: string;
}

export interface IngestRemittanceResult {
  fileId: string;
  status: 'processed' | 'quarantined';
  claims: number;
  lifecyclesStarted: number;
  quarantineReason?: string;
}

export interface ClaimLifecycleInput {
  tenantId: string;
  claimId: string;
  /** How long a review task may wait for a person, e.g. "30d"; tests use seconds. */
  reviewTimeout: string;
}

export type ClaimState = 'awaiting_review' | 'approved' | 'rejected' | 'review_missed';

export interface ClaimLifecycleState {
  claimId: string;
  state: ClaimState;
  history: { state: ClaimState; at: string }[];
}

export interface ReviewDecision {
  decision: 'approve' | 'reject';
  reason?: string;
  reviewer: string;
}

export const getClaimState = defineQuery<ClaimLifecycleState>('getClaimState');
export const submitReview = defineUpdate<ClaimLifecycleState, [ReviewDecision]>('submitReview');

export const ingestWorkflowId = (fileId: string): string => `remittance-${fileId}`;
export const claimWorkflowId = (claimId: string): string => `claim-${claimId}`;
