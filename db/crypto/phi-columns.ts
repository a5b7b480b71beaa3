import type { DB } from '../schema';

/**
 * Every encrypted column, with the column of its row id. The cipher's
 * associated data is `table.column` and that row id, so this list is also what
 * key rotation walks; a test fails when a `*_enc` column is missing here.
 */
export interface PhiColumn {
  table: keyof DB & string;
  column: string;
  idColumn: string;
}

export const PHI_COLUMNS: readonly PhiColumn[] = [
  { table: 'claims', column: 'patient_control_number_enc', idColumn: 'id' },
  { table: 'claims', column: 'patient_name_enc', idColumn: 'id' },
  { table: 'claims', column: 'member_id_enc', idColumn: 'id' },
  { table: 'claims', column: 'service_dates_enc', idColumn: 'id' },
  { table: 'remittance_files', column: 'original_name_enc', idColumn: 'id' },
  { table: 'remittance_file_contents', column: 'content_enc', idColumn: 'file_id' },
  { table: 'users', column: 'mfa_secret_enc', idColumn: 'id' },
  { table: 'denial_analyses', column: 'rationale_enc', idColumn: 'id' },
  { table: 'appeals', column: 'letter_enc', idColumn: 'id' },
  { table: 'appeals', column: 'packet_enc', idColumn: 'id' },
];

export function aadColumn(c: PhiColumn): string {
  return `${c.table}.${c.column}`;
}
