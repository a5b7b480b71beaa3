/** The API's answers as the pages use them (see the controllers under api/ and /docs-json). */

export type Role = 'admin' | 'appeal_specialist' | 'reviewer' | 'ops' | 'auditor';

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  mfaRequired: true;
  mfaEnrolled: boolean;
}

export interface Enrolment {
  secret: string;
  otpauthUri: string;
}

export interface Me {
  id: string;
  tenantId: string;
  roles: Role[];
  mfaVerified: boolean;
}

export interface WebSettings {
  idleTimeoutMs: number;
  absoluteTimeoutMs: number;
}

export interface QueueItem {
  id: string;
  claimId: string;
  appealId: string | null;
  status: string;
  assignedTo: string | null;
  dueAt: string;
  category: string | null;
  payerKey: string;
  amountAtStakeCents: string | null;
  /** YYYY-MM-DD */
  appealDeadline: string | null;
  priorityScore: number | null;
}

export interface Adjustment {
  group: string;
  reason: string;
  amountCents: string;
  quantity?: string | null;
  description?: string | null;
}

export interface Remark {
  qualifier: string;
  code: string;
  description: string | null;
}

export interface ClaimLines {
  claimId: string;
  adjustments: Required<Adjustment>[];
  remarks: Remark[];
  lines: {
    lineNumber: number;
    procedure: { qualifier: string; code: string; modifiers: string[] };
    chargeCents: string;
    paidCents: string;
    units: string | null;
    adjustments: Required<Adjustment>[];
    remarks: Remark[];
  }[];
}

export interface AnalysisOutcome {
  source: 'anthropic' | 'rules';
  model: string | null;
  label: string;
  category: string;
  recommendedAction: string;
  rationale: string[];
  missingDocuments: string[];
  appealArguments: string[];
  confidence: number | null;
  fallbackReason: string | null;
}

export interface Analysis {
  id: string;
  analyzer: 'rules' | 'ai';
  model: string | null;
  category: string;
  appealable: boolean;
  confidence: number;
  createdAt: string;
  /** Only for a worker whose work holds the claim (it may quote the claim). */
  outcome?: AnalysisOutcome;
}

export interface PatientView {
  payerClaimControlNumber: string;
  name: { last?: string; first?: string; middle?: string } | null;
  memberId: string | null;
  patientControlNumber: string | null;
  serviceDates: { from?: string; to?: string; lines?: Record<string, string> } | null;
}

export interface ClaimView {
  id: string;
  remittanceFileId: string;
  payerKey: string;
  statusCode: string;
  outcome: string;
  chargeCents: string;
  paidCents: string;
  patientResponsibilityCents: string;
  amountAtStakeCents: string | null;
  category: string | null;
  recommendedAction: string | null;
  appealLevel: string | null;
  appealDeadline: string | null;
  state: string | null;
  lifecycleOutcome: string | null;
  priorityScore: number | null;
  adjustments: Adjustment[];
  analyses: Analysis[];
  appeals: { id: string; level: number; status: string; appealLevel: string | null }[];
  patient?: PatientView;
  history?: StateChange[];
}

export interface StateChange {
  state: string;
  at: string;
  note?: string;
}

export interface ClaimState {
  claimId: string;
  state: string;
  category?: string;
  recommendedAction?: string;
  appealLevel?: string | null;
  appealDeadline?: string | null;
  priority?: { score: number; band: string };
  analysis?: { source: string; label: string; fallbackReason: string | null };
  reviewTaskId?: string;
  assignedTo?: string | null;
  appealId?: string;
  submission?: { id: string; payerReference: string | null };
  outcome?: string;
  recoveredCents?: number;
  history: StateChange[];
}

export interface Letter {
  subject: string;
  body: string;
  source: string;
}

export interface ReviewTask {
  id: string;
  status: string;
  assignedTo: string | null;
  decidedBy: string | null;
  dueAt: string;
  appeal: { id: string; status: string; level: number; letter: Letter | null } | null;
  claim: ClaimView;
}

export type Decision =
  | { decision: 'approve' }
  | { decision: 'edit'; letter: string }
  | { decision: 'reject'; reason: string }
  | { decision: 'reassign'; assignTo: string };

export interface TeamMember {
  id: string;
  displayName: string;
  email: string;
  roles: Role[];
  self: boolean;
}

export interface Dashboard {
  asOf: string;
  windowDays: number;
  totals: {
    denials: number;
    open: number;
    atStakeCents: number;
    recoveredCents: number;
    appealsWon: number;
    appealsLost: number;
    deadlinesInWindow: number;
    overdue: number;
  };
  byCategory: { category: string; claims: number; open: number; atStakeCents: number }[];
  byPayer: {
    payerKey: string;
    name: string | null;
    claims: number;
    open: number;
    atStakeCents: number;
  }[];
  outcomes: { result: string; appeals: number; recoveredCents: number }[];
  deadlines: { date: string; claims: number; atStakeCents: number }[];
}

export interface AuditTimelineEntry {
  source: 'audit';
  at: string;
  seq: number;
  actor: string;
  actorRole: string;
  action: string;
  outcome: string;
  purpose: string;
  resourceType: string;
  resourceId: string | null;
  details: Record<string, string | number | boolean | null>;
}

export interface WorkflowTimelineEntry {
  source: 'workflow';
  at: string;
  runId: string;
  eventId: number;
  eventType: string;
  name: string | null;
  attempt: number | null;
}

export interface Timeline {
  claimId: string;
  workflowId: string;
  auditEvents: number;
  auditTruncated: boolean;
  workflowEvents: number;
  runs: string[];
  historyAvailable: boolean;
  entries: (AuditTimelineEntry | WorkflowTimelineEntry)[];
}

export interface ChainReport {
  intact: boolean;
  events: number;
  lastSeq: number;
  firstBroken?: number;
  problem?: string;
}

/** The ops contract (api/workflows.controller.ts). */
export type FailedStatus = 'FAILED' | 'TIMED_OUT' | 'TERMINATED' | 'STUCK';

export interface FailedWorkflow {
  workflowId: string;
  runId: string;
  type: string;
  status: FailedStatus;
  claimId: string | null;
  claimState: string | null;
  payerId: string | null;
  category: string | null;
  reason: string;
  since: string;
}

export interface WorkflowCounts {
  byState: Record<string, number>;
  byStatus: Record<string, number>;
}

export interface ReplayResult {
  results: { workflowId: string; runId: string; ok: boolean; error?: string }[];
}
