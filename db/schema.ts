import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * The one declaration of the schema. Insert, select and update types derive
 * from it; the migrations are the hand-written SQL that must agree with it.
 */
/** Optional on insert where the column has a default. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** bigint columns come back from pg as strings; money is integer cents. */
type Cents = ColumnType<string, string | number | bigint, string | number | bigint>;

export interface TenantsTable {
  id: Generated<string>;
  slug: string;
  name: string;
  created_at: Timestamp;
}

export interface TenantKeysTable {
  tenant_id: string;
  key_id: string;
  /** The data key, wrapped (encrypted) by the master key. */
  wrapped_key: Buffer;
  master_key_id: string;
  status: 'active' | 'retired';
  created_at: Timestamp;
  retired_at: Timestamp | null;
}

export interface TenantIndexKeysTable {
  tenant_id: string;
  /** The blind-index key, wrapped by the master key; stable across master rotations. */
  wrapped_key: Buffer;
  master_key_id: string;
  created_at: Timestamp;
}

export interface RemittanceFilesTable {
  id: Generated<string>;
  tenant_id: string;
  sha256: string;
  size_bytes: number;
  original_name_enc: Buffer | null;
  status: 'received' | 'processing' | 'processed' | 'quarantined';
  quarantine_reason: string | null;
  claim_count: number | null;
  workflow_id: string | null;
  received_at: Timestamp;
  processed_at: Timestamp | null;
}

export interface RemittanceFileContentsTable {
  file_id: string;
  tenant_id: string;
  content_enc: Buffer;
}

export interface ClaimsTable {
  id: Generated<string>;
  tenant_id: string;
  remittance_file_id: string;
  transaction_control_number: string;
  payer_key: string;
  payer_claim_control_number: string;
  patient_control_number_enc: Buffer;
  patient_control_number_bidx: string;
  status_code: string;
  outcome: string;
  charge_cents: Cents;
  paid_cents: Cents;
  patient_responsibility_cents: Cents;
  workflow_id: string | null;
  created_at: Timestamp;
  payer_id: string | null;
  patient_name_enc: Buffer | null;
  member_id_enc: Buffer | null;
  member_id_bidx: string | null;
  /** From 2026112410_lifecycle: JSON of the dates of service, encrypted (dates are PHI). */
  service_dates_enc: Buffer | null;
  claim_filing_indicator: string | null;
  /** The payer's remittance date (BPR16, else DTM 405): appeal deadlines count from it. */
  determination_date: DateColumn;
  lifecycle_state: ClaimLifecycleState | null;
  lifecycle_outcome: ClaimLifecycleOutcome | null;
  category: string | null;
  recommended_action: 'appeal' | 'corrected_claim' | 'write_off' | 'bill_patient' | 'none' | null;
  appeal_level: string | null;
  appeal_deadline: DateColumn;
  amount_at_stake_cents: ColumnType<
    string | null,
    string | number | bigint | null | undefined,
    string | number | bigint | null
  >;
  priority_score: number | null;
  recovered_cents: ColumnType<
    string | null,
    string | number | bigint | null | undefined,
    string | number | bigint | null
  >;
  /** The earlier claim, under appeal, that this later 835's claim answers. */
  answers_claim_id: string | null;
}

/** pg's `date`: a calendar day, 'YYYY-MM-DD' both ways (db/database.ts keeps it a string). */
type DateColumn = ColumnType<string | null, string | null | undefined, string | null>;

export type ClaimLifecycleState =
  | 'triage'
  | 'analysis'
  | 'drafting'
  | 'awaiting_review'
  | 'preparing_packet'
  | 'submitting'
  | 'awaiting_outcome'
  | 'closed';

export type ClaimLifecycleOutcome =
  | 'overturned'
  | 'partially_overturned'
  | 'upheld'
  | 'written_off'
  | 'patient_responsibility'
  | 'no_action'
  | 'review_missed'
  | 'rejected_by_reviewer';

export type RoleName = 'admin' | 'appeal_specialist' | 'reviewer' | 'ops' | 'auditor';

export interface RolesTable {
  name: RoleName;
  description: string;
  sees_phi: boolean;
}

export interface UsersTable {
  id: Generated<string>;
  tenant_id: string;
  /** Lower-case; unique per tenant: one account per person. */
  email: string;
  display_name: string;
  /** Opaque (argon2id, written by the API); never a password. */
  password_hash: string | null;
  mfa_secret_enc: Buffer | null;
  mfa_enrolled_at: Timestamp | null;
  status: Generated<'invited' | 'active' | 'locked' | 'disabled'>;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** From 2026112420_auth: the last TOTP time step accepted, so a code is never accepted twice. */
  mfa_last_counter: ColumnType<
    string | null,
    string | number | null | undefined,
    string | number | null
  >;
  /** sha256 of the one-time invitation secret; cleared when the user sets a password. */
  invite_hash: string | null;
  invite_expires_at: Timestamp | null;
  password_changed_at: Timestamp | null;
}

export interface RoleAssignmentsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  role: RoleName;
  granted_by: string;
  granted_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface ApiKeysTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  /** The public part of the key, used to find its row. */
  prefix: string;
  secret_hash: string;
  role: RoleName;
  created_by: string;
  created_at: Timestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  last_used_at: Timestamp | null;
  /** From 2026112420_auth: permissions the key is limited to, within its role; empty = the role's non-PHI permissions. */
  scopes: ColumnType<string[], string[] | undefined, string[]>;
}

/** Global (not tenant-owned): only id and slug, so a login can name its tenant before RLS knows it. */
export interface TenantDirectoryTable {
  id: string;
  slug: string;
}

export interface SessionsTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  /** sha256 of the opaque token; the token itself is never stored. */
  token_hash: string;
  mfa_verified_at: Timestamp | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_reason: 'logout' | 'idle' | 'expired' | 'revoked' | 'credentials' | 'disabled' | null;
}

export interface MfaRecoveryCodesTable {
  id: Generated<string>;
  tenant_id: string;
  user_id: string;
  code_hash: string;
  created_at: Timestamp;
  used_at: Timestamp | null;
}

export interface PayersTable {
  id: Generated<string>;
  tenant_id: string;
  payer_key: string;
  name: string;
  appeal_window_days: number | null;
  created_at: Timestamp;
}

export interface ServiceLinesTable {
  id: Generated<string>;
  tenant_id: string;
  claim_id: string;
  line_number: number;
  procedure_qualifier: string;
  procedure_code: string;
  modifiers: ColumnType<string[], string[] | undefined, string[]>;
  charge_cents: Cents;
  paid_cents: Cents;
  units: string | null;
}

export type AdjustmentGroup = 'CO' | 'CR' | 'OA' | 'PI' | 'PR';

export interface ClaimAdjustmentsTable {
  id: Generated<string>;
  tenant_id: string;
  claim_id: string;
  service_line_id: string | null;
  position: number;
  group_code: AdjustmentGroup;
  reason_code: string;
  amount_cents: Cents;
  quantity: string | null;
}

export interface ClaimRemarksTable {
  id: Generated<string>;
  tenant_id: string;
  claim_id: string;
  service_line_id: string | null;
  position: number;
  qualifier: 'HE' | 'RX' | 'MIA' | 'MOA';
  code: string;
}

export interface DenialAnalysesTable {
  id: Generated<string>;
  tenant_id: string;
  claim_id: string;
  analyzer: 'rules' | 'ai';
  model: string | null;
  category: string;
  appealable: boolean;
  /** numeric(4,3), as a string. */
  confidence: ColumnType<string, string | number, string | number>;
  rationale_enc: Buffer | null;
  payload_sha256: string | null;
  workflow_id: string | null;
  created_at: Timestamp;
}

export type AppealStatus =
  'draft' | 'in_review' | 'approved' | 'rejected' | 'submitted' | 'closed' | 'withdrawn';

export interface AppealsTable {
  id: Generated<string>;
  tenant_id: string;
  claim_id: string;
  level: Generated<number>;
  status: Generated<AppealStatus>;
  letter_enc: Buffer | null;
  deadline: DateColumn;
  created_by: string;
  created_at: Timestamp;
  updated_at: Timestamp;
  appeal_level: string | null;
  /** The packet PDF, encrypted; its sha256 is kept in clear to prove what was sent. */
  packet_enc: Buffer | null;
  packet_sha256: string | null;
}

export interface ReviewTasksTable {
  id: Generated<string>;
  tenant_id: string;
  claim_id: string;
  appeal_id: string | null;
  status: Generated<'open' | 'approved' | 'edited' | 'rejected' | 'expired'>;
  assigned_to: string | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  due_at: ColumnType<Date, Date | string, Date | string>;
  workflow_id: string;
  created_at: Timestamp;
}

export interface AppealSubmissionsTable {
  id: Generated<string>;
  tenant_id: string;
  appeal_id: string;
  channel: 'portal' | 'edi' | 'fax' | 'mail' | 'api';
  idempotency_key: string;
  status: Generated<'pending' | 'sent' | 'acknowledged' | 'failed' | 'compensated'>;
  payer_reference: string | null;
  failure_code: string | null;
  created_at: Timestamp;
  sent_at: Timestamp | null;
}

export interface AppealOutcomesTable {
  id: Generated<string>;
  tenant_id: string;
  appeal_id: string;
  result:
    'overturned' | 'partially_overturned' | 'upheld' | 'written_off' | 'patient_responsibility';
  recovered_cents: ColumnType<
    string,
    string | number | bigint | undefined,
    string | number | bigint
  >;
  source_remittance_file_id: string | null;
  decided_at: Timestamp;
}

export interface IncidentsTable {
  id: Generated<string>;
  tenant_id: string;
  kind: 'security' | 'privacy' | 'availability' | 'integrity' | 'break_glass';
  severity: 'low' | 'medium' | 'high' | 'critical';
  status: Generated<'open' | 'investigating' | 'resolved'>;
  summary: string;
  reported_by: string;
  detected_at: Timestamp;
  resolved_at: Timestamp | null;
}

export type AuditPurpose =
  'treatment' | 'payment' | 'operations' | 'audit' | 'security' | 'break_glass';
export type AuditOutcome = 'success' | 'failure' | 'denied';
/** References only (ids, codes, hashes, model names); never PHI. */
export type AuditDetails = Record<string, string | number | boolean | null>;
type Assigned<T> = ColumnType<T, never, never>;

/** Chain fields and time are assigned by the database's trigger, never by the caller. */
export interface AuditEventsTable {
  tenant_id: ColumnType<string, string | undefined, never>;
  seq: Assigned<string>;
  occurred_at: Assigned<Date>;
  actor: ColumnType<string, string | undefined, never>;
  actor_role: ColumnType<string, string | undefined, never>;
  action: ColumnType<string, string, never>;
  resource_type: ColumnType<string, string, never>;
  resource_id: ColumnType<string | null, string | null | undefined, never>;
  claim_id: ColumnType<string | null, string | null | undefined, never>;
  purpose: ColumnType<AuditPurpose, AuditPurpose, never>;
  outcome: ColumnType<AuditOutcome, AuditOutcome, never>;
  request_id: ColumnType<string | null, string | null | undefined, never>;
  workflow_id: ColumnType<string | null, string | null | undefined, never>;
  details: ColumnType<AuditDetails, AuditDetails | undefined, never>;
  prev_hash: Assigned<Buffer>;
  hash: Assigned<Buffer>;
}

export interface AuditChainHeadsTable {
  tenant_id: string;
  seq: string;
  hash: Buffer;
  updated_at: Timestamp;
}

export interface DB {
  tenants: TenantsTable;
  tenant_keys: TenantKeysTable;
  remittance_files: RemittanceFilesTable;
  remittance_file_contents: RemittanceFileContentsTable;
  claims: ClaimsTable;
  tenant_index_keys: TenantIndexKeysTable;
  roles: RolesTable;
  users: UsersTable;
  role_assignments: RoleAssignmentsTable;
  api_keys: ApiKeysTable;
  payers: PayersTable;
  service_lines: ServiceLinesTable;
  claim_adjustments: ClaimAdjustmentsTable;
  claim_remarks: ClaimRemarksTable;
  denial_analyses: DenialAnalysesTable;
  appeals: AppealsTable;
  review_tasks: ReviewTasksTable;
  appeal_submissions: AppealSubmissionsTable;
  appeal_outcomes: AppealOutcomesTable;
  incidents: IncidentsTable;
  audit_events: AuditEventsTable;
  audit_chain_heads: AuditChainHeadsTable;
  tenant_directory: TenantDirectoryTable;
  sessions: SessionsTable;
  mfa_recovery_codes: MfaRecoveryCodesTable;
}

export type Tenant = Selectable<TenantsTable>;
export type NewTenant = Insertable<TenantsTable>;
export type RemittanceFile = Selectable<RemittanceFilesTable>;
export type RemittanceFileUpdate = Updateable<RemittanceFilesTable>;
export type Claim = Selectable<ClaimsTable>;
export type NewClaim = Insertable<ClaimsTable>;
export type User = Selectable<UsersTable>;
export type ApiKey = Selectable<ApiKeysTable>;
export type Payer = Selectable<PayersTable>;
export type ServiceLine = Selectable<ServiceLinesTable>;
export type ClaimAdjustment = Selectable<ClaimAdjustmentsTable>;
export type ClaimRemark = Selectable<ClaimRemarksTable>;
export type DenialAnalysis = Selectable<DenialAnalysesTable>;
export type NewDenialAnalysis = Insertable<DenialAnalysesTable>;
export type Appeal = Selectable<AppealsTable>;
export type ReviewTask = Selectable<ReviewTasksTable>;
export type AppealSubmission = Selectable<AppealSubmissionsTable>;
export type AppealOutcome = Selectable<AppealOutcomesTable>;
export type Incident = Selectable<IncidentsTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
export type Session = Selectable<SessionsTable>;
