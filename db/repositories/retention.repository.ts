import { sql } from 'kysely';
import { recordAudit } from '../audit/audit.repository';
import type { Database } from '../database';
import { inTenant } from '../unit-of-work';

export interface RetentionReport {
  tenantId: string;
  fileContents: number;
  claimPhi: number;
  appealDocuments: number;
}

/**
 * Every query names its tenant as well: a superuser owner bypasses RLS, and
 * one tenant's purge must never reach (or be audited for) another's rows.
 *
 * Removes PHI that has outlived its retention policy, and nothing else.
 * Only finished work qualifies (a file whose claims are all closed, a closed
 * claim, a closed appeal), older than the cutoff. Audit events are never
 * touched: the database refuses DELETE on them for every role, so the trail
 * outlives the data it describes. Each tenant's purge is one audited unit of
 * work; a dry run counts without changing anything.
 */
export class RetentionRepository {
  /** Cross-tenant by nature: the operator's handle, loudly named. */
  static async purgeExpiredPhiUnscoped(
    ownerDb: Database,
    cutoff: Date,
    opts: { dryRun: boolean },
  ): Promise<RetentionReport[]> {
    const tenants = await ownerDb.selectFrom('tenants').select('id').orderBy('id').execute();
    const reports: RetentionReport[] = [];
    for (const { id: tenantId } of tenants) {
      reports.push(
        await inTenant(ownerDb, { tenantId, actor: 'system:retention' }, async (tx) => {
          const oldClosedClaims = tx
            .selectFrom('claims')
            .select('id')
            .where('tenant_id', '=', tenantId)
            .where('lifecycle_state', '=', 'closed')
            .where('created_at', '<', cutoff);
          const finishedFiles = tx
            .selectFrom('remittance_files as f')
            .select('f.id')
            .where('f.tenant_id', '=', tenantId)
            .where('f.received_at', '<', cutoff)
            .where('f.status', 'in', ['processed', 'quarantined'])
            .where(({ not, exists, selectFrom }) =>
              not(
                exists(
                  selectFrom('claims as c')
                    .select(sql`1`.as('x'))
                    .whereRef('c.remittance_file_id', '=', 'f.id')
                    .where((eb) =>
                      eb.or([
                        eb('c.lifecycle_state', 'is', null),
                        eb('c.lifecycle_state', '!=', 'closed'),
                      ]),
                    )
                    .where('c.workflow_id', 'is not', null),
                ),
              ),
            );
          const report: RetentionReport = {
            tenantId,
            fileContents: 0,
            claimPhi: 0,
            appealDocuments: 0,
          };
          if (opts.dryRun) {
            const count = async (q: { execute(): Promise<unknown[]> }) =>
              (await q.execute()).length;
            report.fileContents = await count(
              tx
                .selectFrom('remittance_file_contents')
                .select('file_id')
                .where('file_id', 'in', finishedFiles),
            );
            report.claimPhi = await count(
              oldClosedClaims.where('patient_name_enc', 'is not', null),
            );
            report.appealDocuments = await count(
              tx
                .selectFrom('appeals')
                .select('id')
                .where('tenant_id', '=', tenantId)
                .where('status', '=', 'closed')
                .where('updated_at', '<', cutoff)
                .where('packet_enc', 'is not', null),
            );
            return report;
          }
          report.fileContents = Number(
            (
              await tx
                .deleteFrom('remittance_file_contents')
                .where('file_id', 'in', finishedFiles)
                .executeTakeFirst()
            ).numDeletedRows,
          );
          report.claimPhi = Number(
            (
              await tx
                .updateTable('claims')
                .set({
                  patient_name_enc: null,
                  member_id_enc: null,
                  member_id_bidx: null,
                  service_dates_enc: null,
                })
                .where('id', 'in', oldClosedClaims)
                .where('patient_name_enc', 'is not', null)
                .executeTakeFirst()
            ).numUpdatedRows,
          );
          report.appealDocuments = Number(
            (
              await tx
                .updateTable('appeals')
                .set({ packet_enc: null, packet_sha256: null })
                .where('tenant_id', '=', tenantId)
                .where('status', '=', 'closed')
                .where('updated_at', '<', cutoff)
                .where('packet_enc', 'is not', null)
                .executeTakeFirst()
            ).numUpdatedRows,
          );
          if (report.fileContents + report.claimPhi + report.appealDocuments > 0) {
            await recordAudit(tx, {
              action: 'retention.purge',
              resourceType: 'tenant',
              resourceId: tenantId,
              purpose: 'operations',
              details: {
                cutoff: cutoff.toISOString(),
                fileContents: report.fileContents,
                claimPhi: report.claimPhi,
                appealDocuments: report.appealDocuments,
              },
            });
          }
          return report;
        }),
      );
    }
    return reports;
  }
}
