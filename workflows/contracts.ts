import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

/**
 * Messages and inputs shared by workflows, activities and clients. Workflows
 * carry ids, codes and amounts, never patient data.
 */
export interface IngestRemittanceInput {
  tenantId: string;
  fileId: string;
  /** Continue-as-new carries where the last run stopped starting lifecycles. */
  cursor?: string;
  started?: number;
  outcomesSignalled?: number;
  /** Children started per page and pages per run; defaults suit 50k-claim files, tests use small ones. */
  pageSize?: number;
  pagesPerRun?: number;
}

export interface IngestRemittanceResult {
  fileId: string;
  status: 'processed' | 'quarantined';
  claims: number;
  lifecyclesStarted: number;
  outcomesSignalled: number;
  quarantineReason?: string;
}

/** Every timer is a configurable duration so tests can run a claim's life in seconds. */
export interface LifecycleTimers {
  /** Upper bound on how long a review task waits; the appeal deadline bounds it too. */
  reviewTimeout: string;
  reviewReminderEvery: string;
  reviewEscalateAfter: string;
  followUpEvery: string;
  followUpLimit: number;
  /** Set only to cap the slow (external) activities' retries, e.g. so ops can see a failure in a test. */
  externalRetryMaxAttempts?: number;
  externalRetryInitial?: string;
}

export type AppealLevel =
  | 'redetermination'
  | 'reconsideration'
  | 'alj_hearing'
  | 'council_review'
  | 'judicial_review'
  | 'first_level'
  | 'second_level'
  | 'external_review';

export interface ClaimLifecycleInput {
  tenantId: string;
  claimId: string;
  timers: LifecycleTimers;
  /** Set when an upheld appeal continues at the next level. */
  level?: AppealLevel;
  history?: StateChange[];
}

/** Every state, in the order a claim passes them (ops count workflows by them). */
export const CLAIM_STATES = [
  'triage',
  'analysis',
  'drafting',
  'awaiting_review',
  'preparing_packet',
  'submitting',
  'awaiting_outcome',
  'closed',
] as const;

export type ClaimState = (typeof CLAIM_STATES)[number];

export type ClaimOutcome =
  | 'overturned'
  | 'partially_overturned'
  | 'upheld'
  | 'written_off'
  | 'patient_responsibility'
  | 'no_action'
  | 'review_missed'
  | 'rejected_by_reviewer';

/** Actions that need no appeal, and the outcome the claim closes with. */
export const NO_APPEAL: Readonly<Record<string, ClaimOutcome>> = {
  none: 'no_action',
  bill_patient: 'patient_responsibility',
  write_off: 'written_off',
};

export interface StateChange {
  state: ClaimState;
  at: string;
  note?: string;
}

export interface ClaimLifecycleState {
  claimId: string;
  state: ClaimState;
  category?: string;
  recommendedAction?: string;
  appealLevel?: AppealLevel | null;
  appealDeadline?: string | null;
  priority?: { score: number; band: string };
  analysis?: { source: string; label: string; fallbackReason: string | null };
  reviewTaskId?: string;
  assignedTo?: string | null;
  appealId?: string;
  submission?: { id: string; payerReference: string | null };
  outcome?: ClaimOutcome;
  recoveredCents?: number;
  nextLevelOffered?: AppealLevel | null;
  history: StateChange[];
}

export type ReviewRole = 'appeal_specialist' | 'reviewer';

/** Who acts: set by the API from the session, never from the request body. */
export interface ReviewActor {
  userId: string;
  roles: string[];
}

export type ReviewDecision =
  | { decision: 'approve'; actor: ReviewActor }
  | { decision: 'edit'; actor: ReviewActor; letter: string }
  | { decision: 'reject'; actor: ReviewActor; reason: string }
  | { decision: 'reassign'; actor: ReviewActor; assignTo: string };

/** A later 835 for the same claim, matched at ingestion. */
export interface RemittanceOutcome {
  fileId: string;
  claimId: string;
  statusCode: string;
  paidCents: number;
  chargeCents: number;
}

export const getClaimState = defineQuery<ClaimLifecycleState>('getClaimState');
export const submitReview = defineUpdate<ClaimLifecycleState, [ReviewDecision]>('submitReview');
export const remittanceOutcome = defineSignal<[RemittanceOutcome]>('remittanceOutcome');

/**
 * Patch ids (`patched()`) of changes to running workflows' code paths. Temporal
 * records each in clear in a marker, beside the encrypted payloads: ids only.
 */
export const PATCHES = {
  /** The lifecycle prepares its review in one local activity; older runs replay step by step. */
  oneStepPreparation: 'one-step-preparation',
  /** The ingestion starts lifecycles from an activity, a page at a time, not as children. */
  startedByActivity: 'lifecycles-started-by-activity',
} as const;

export const ingestWorkflowId = (fileId: string): string => `remittance-${fileId}`;
export const claimWorkflowId = (claimId: string): string => `claim-${claimId}`;
