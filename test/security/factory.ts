import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PhiCipher } from '../../db/crypto/phi-cipher';
import { APP_ROLE, createDatabase, OWNER_ROLE, type Database } from '../../db/database';
import { AuditRepository } from '../../db/audit/audit.repository';
import { ClaimRepository } from '../../db/repositories/claim.repository';
import { PayerRepository } from '../../db/repositories/payer.repository';
import { RemittanceRepository } from '../../db/repositories/remittance.repository';
import { TenantRepository } from '../../db/repositories/tenant.repository';
import type { AdjustmentGroup, NewClaim, Tenant } from '../../db/schema';
import { inTenant } from '../../db/unit-of-work';
import { createRuntime, applicationDatabaseUrl, type Runtime } from '../../ops/runtime';
import { centsOf, parse835 } from '../../x12';
import { FIXTURES, testConfig } from '../harness';

export const FIXTURE_835 = path.join(FIXTURES, 'pyx12/835_mult_loops.txt');

/**
 * Handles for the security specs: `admin` is the superuser (RLS does not bind
 * it: used only to seed, tamper and look), `owner` the schema owner, `app` the
 * application role through the runtime, exactly as API and worker connect.
 */
export interface SecurityWorld {
  admin: Database;
  owner: Database;
  runtime: Runtime;
  newTenant(prefix?: string): Promise<Tenant>;
  close(): Promise<void>;
}

export function securityWorld(): SecurityWorld {
  const config = testConfig();
  const admin = createDatabase(config.database.url!, { max: 2 });
  const owner = createDatabase(config.database.url!, { max: 2, role: OWNER_ROLE });
  const runtime = createRuntime(config, { poolSize: 4 });
  return {
    admin,
    owner,
    runtime,
    newTenant: (prefix = 't') =>
      TenantRepository.create(admin, `${prefix}-${randomUUID().slice(0, 8)}`, `Tenant ${prefix}`),
    async close() {
      await Promise.all([admin.destroy(), owner.destroy(), runtime.close()]);
    },
  };
}

export function appDatabase(): Database {
  return createDatabase(applicationDatabaseUrl(testConfig()), { max: 2 });
}

export { APP_ROLE };

const GROUPS = new Set(['CO', 'CR', 'OA', 'PI', 'PR']);

/**
 * Stores an 835 the way ingest will: the file encrypted, every claim with its
 * PHI encrypted and blind-indexed, lines, adjustments and remarks, and one
 * audit event per claim, all through the repositories as the application role.
 */
export async function ingestFixture(
  runtime: Runtime,
  tenantId: string,
  file = FIXTURE_835,
): Promise<{ fileId: string; claimIds: string[] }> {
  const { cipher, db } = runtime;
  const content = fs.readFileSync(file);
  const fileId = randomUUID();
  const enc = (value: string | Buffer, column: string, rowId: string) =>
    cipher.encrypt(value, { tenantId, column, rowId });
  const contentEnc = await enc(content, 'remittance_file_contents.content_enc', fileId);
  const parsed = parse835(content);
  const claims: NewClaim[] = [];
  const details: Parameters<ClaimRepository['insertDetails']>[0] = {
    serviceLines: [],
    adjustments: [],
    remarks: [],
  };
  for (const txn of parsed.transactions) {
    for (const c of txn.claims) {
      const id = randomUUID();
      const patient = [c.patient?.lastName, c.patient?.firstName, c.patient?.middleName]
        .filter(Boolean)
        .join('^');
      const memberId = c.patient?.id ?? c.insured?.id;
      claims.push({
        id,
        tenant_id: tenantId,
        remittance_file_id: fileId,
        transaction_control_number: txn.controlNumber,
        payer_key: txn.payer.id ?? txn.payer.name,
        payer_claim_control_number: c.payerClaimControlNumber ?? '',
        patient_control_number_enc: await enc(
          c.patientControlNumber,
          'claims.patient_control_number_enc',
          id,
        ),
        patient_control_number_bidx: await cipher.blindIndex(
          c.patientControlNumber,
          tenantId,
          'patient_control_number',
        ),
        patient_name_enc: patient ? await enc(patient, 'claims.patient_name_enc', id) : null,
        member_id_enc: memberId ? await enc(memberId, 'claims.member_id_enc', id) : null,
        member_id_bidx: memberId ? await cipher.blindIndex(memberId, tenantId, 'member_id') : null,
        status_code: c.statusCode,
        outcome: c.derived.outcome,
        charge_cents: centsOf(c.chargeAmount),
        paid_cents: centsOf(c.paymentAmount),
        patient_responsibility_cents: centsOf(c.patientResponsibility),
      });
      const lineIds = c.services.map(() => randomUUID());
      c.services.forEach((s, i) =>
        details.serviceLines!.push({
          id: lineIds[i],
          tenant_id: tenantId,
          claim_id: id,
          line_number: s.lineNumber,
          procedure_qualifier: s.procedure.qualifier,
          procedure_code: s.procedure.code,
          modifiers: s.procedure.modifiers,
          charge_cents: centsOf(s.chargeAmount),
          paid_cents: centsOf(s.paymentAmount),
        }),
      );
      c.adjustments
        .filter((a) => GROUPS.has(a.group))
        .forEach((a, i) =>
          details.adjustments!.push({
            tenant_id: tenantId,
            claim_id: id,
            service_line_id: a.serviceLine ? (lineIds[a.serviceLine - 1] ?? null) : null,
            position: i,
            group_code: a.group as AdjustmentGroup,
            reason_code: a.reason,
            amount_cents: centsOf(a.amount),
          }),
        );
      c.remarks.forEach((r, i) =>
        details.remarks!.push({
          tenant_id: tenantId,
          claim_id: id,
          service_line_id: r.serviceLine ? (lineIds[r.serviceLine - 1] ?? null) : null,
          position: i,
          qualifier: r.source === 'LQ' ? (r.qualifier === 'RX' ? 'RX' : 'HE') : r.source,
          code: r.code,
        }),
      );
    }
  }
  await inTenant(db, { tenantId, actor: 'workflow:test-ingest', role: 'system' }, async (tx) => {
    await new RemittanceRepository(tx).createOrGet({
      id: fileId,
      tenantId,
      sha256: createHash('sha256').update(content).update(fileId).digest('hex'),
      sizeBytes: content.length,
      originalNameEnc: await enc(path.basename(file), 'remittance_files.original_name_enc', fileId),
      contentEnc,
    });
    const payers = new PayerRepository(tx);
    for (const key of new Set(claims.map((c) => c.payer_key)))
      await payers.upsert(tenantId, key, key);
    const repo = new ClaimRepository(tx);
    await repo.insertMany(claims);
    await repo.insertDetails(details);
    await new AuditRepository(tx).recordMany(
      claims.map((c) => ({
        action: 'claim.create',
        resourceType: 'claim',
        resourceId: c.id!,
        claimId: c.id!,
        purpose: 'payment' as const,
        workflowId: `ingest:${fileId}`,
      })),
    );
  });
  return { fileId, claimIds: claims.map((c) => c.id!) };
}

export type { PhiCipher };
