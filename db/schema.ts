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
}

export interface DB {
  tenants: TenantsTable;
  tenant_keys: TenantKeysTable;
  remittance_files: RemittanceFilesTable;
  remittance_file_contents: RemittanceFileContentsTable;
  claims: ClaimsTable;
}

export type Tenant = Selectable<TenantsTable>;
export type NewTenant = Insertable<TenantsTable>;
export type RemittanceFile = Selectable<RemittanceFilesTable>;
export type RemittanceFileUpdate = Updateable<RemittanceFilesTable>;
export type Claim = Selectable<ClaimsTable>;
export type NewClaim = Insertable<ClaimsTable>;
