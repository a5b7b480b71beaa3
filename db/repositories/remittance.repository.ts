import type { RemittanceFile, RemittanceFilesTable } from '../schema';
import type { Tx } from '../unit-of-work';

export interface NewRemittance {
  id: string;
  tenantId: string;
  sha256: string;
  sizeBytes: number;
  originalNameEnc: Buffer | null;
  contentEnc: Buffer;
}

export class RemittanceRepository {
  constructor(private readonly tx: Tx) {}

  /** Stores a new file, or returns the one with the same sha256 (created: false). */
  async createOrGet(file: NewRemittance): Promise<{ file: RemittanceFile; created: boolean }> {
    const inserted = await this.tx
      .insertInto('remittance_files')
      .values({
        id: file.id,
        tenant_id: file.tenantId,
        sha256: file.sha256,
        size_bytes: file.sizeBytes,
        original_name_enc: file.originalNameEnc,
        status: 'received',
      })
      .onConflict((oc) => oc.columns(['tenant_id', 'sha256']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) {
      await this.tx
        .insertInto('remittance_file_contents')
        .values({ file_id: file.id, tenant_id: file.tenantId, content_enc: file.contentEnc })
        .execute();
      return { file: inserted, created: true };
    }
    const existing = await this.tx
      .selectFrom('remittance_files')
      .selectAll()
      .where('sha256', '=', file.sha256)
      .executeTakeFirstOrThrow();
    return { file: existing, created: false };
  }

  async find(id: string): Promise<RemittanceFile | undefined> {
    return this.tx
      .selectFrom('remittance_files')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  }

  async content(id: string): Promise<Buffer | undefined> {
    const row = await this.tx
      .selectFrom('remittance_file_contents')
      .select('content_enc')
      .where('file_id', '=', id)
      .executeTakeFirst();
    return row?.content_enc;
  }

  async update(
    id: string,
    patch: Partial<
      Pick<RemittanceFilesTable, 'status' | 'quarantine_reason' | 'claim_count' | 'workflow_id'>
    > & {
      processed?: boolean;
    },
  ): Promise<void> {
    const { processed, ...rest } = patch;
    await this.tx
      .updateTable('remittance_files')
      .set({ ...rest, ...(processed ? { processed_at: new Date() } : {}) })
      .where('id', '=', id)
      .execute();
  }
}
