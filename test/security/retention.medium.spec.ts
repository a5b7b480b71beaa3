import { sql } from 'kysely';
import { RemittancesService } from '../../api/remittances.service';
import { AuditRepository } from '../../db/audit/audit.repository';
import { RetentionRepository } from '../../db/repositories/retention.repository';
import { claimWorkflowId } from '../../workflows/contracts';
import { eventually, startStack, type TestStack } from '../harness';
import { remitForMany, uniquePatient } from '../synthetic-remit';

describe('retention removes only PHI past its policy, and never the audit trail', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('purges an old closed claim and its finished file, keeps young or open work, and leaves every audit event', async () => {
    const tenantId = (await stack.newTenant()).id;
    const service = new RemittancesService(stack.runtime, stack.temporal, stack.config);
    const who = { tenantId, actor: 'test:retention', requestId: '' } as Parameters<
      RemittancesService['upload']
    >[0];
    const oldFile = await service.upload(
      who,
      Buffer.from(remitForMany([uniquePatient()], 'denied')),
      'old.835',
    );
    const youngFile = await service.upload(
      who,
      Buffer.from(remitForMany([uniquePatient(), uniquePatient()], 'denied')),
      'young.835',
    );
    for (const f of [oldFile, youngFile])
      await stack.temporal.workflow.getHandle(f.workflowId).result();
    const claims = await eventually('claims triaged', async () => {
      const rows = await stack.ownerDb
        .selectFrom('claims')
        .select(['id', 'remittance_file_id'])
        .where('lifecycle_state', '=', 'awaiting_review')
        .where('tenant_id', '=', tenantId)
        .execute();
      return rows.length === 3 ? rows : undefined;
    });
    const old = claims.find((c) => c.remittance_file_id === oldFile.id)!;
    const [youngClosed, youngOpen] = claims.filter((c) => c.remittance_file_id === youngFile.id);
    // The lifecycles stop first, so no late activity can move the hand-made state back.
    for (const c of [old, youngClosed!]) {
      await stack.temporal.workflow
        .getHandle(claimWorkflowId(c.id))
        .terminate('retention test closes this claim by hand');
    }
    // Age the data by hand (as a superuser would restore an old backup): 8 years, closed.
    const eightYearsAgo = sql<Date>`now() - interval '8 years'`;
    await stack.ownerDb
      .updateTable('claims')
      .set({
        lifecycle_state: 'closed',
        lifecycle_outcome: 'written_off',
        created_at: eightYearsAgo,
      })
      .where('id', '=', old.id)
      .execute();
    await stack.ownerDb
      .updateTable('remittance_files')
      .set({ received_at: eightYearsAgo })
      .where('id', '=', oldFile.id)
      .execute();
    await stack.ownerDb
      .updateTable('claims')
      .set({ lifecycle_state: 'closed', lifecycle_outcome: 'written_off' })
      .where('id', '=', youngClosed!.id)
      .execute();
    await stack.ownerDb
      .updateTable('claims')
      .set({ created_at: eightYearsAgo })
      .where('id', '=', youngOpen!.id)
      .execute();
    const auditBefore = await stack.ownerDb
      .selectFrom('audit_events')
      .select(sql<string>`count(*)`.as('n'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();

    const cutoff = new Date(Date.now() - 7 * 365.25 * 86_400_000);
    const dry = await RetentionRepository.purgeExpiredPhiUnscoped(stack.ownerDb, cutoff, {
      dryRun: true,
    });
    expect(dry.find((r) => r.tenantId === tenantId)).toEqual({
      tenantId,
      fileContents: 1,
      claimPhi: 1,
      appealDocuments: 0,
    });
    // The outcome is judged on the data, not on this call's counts: the purge is idempotent.
    await RetentionRepository.purgeExpiredPhiUnscoped(stack.ownerDb, cutoff, { dryRun: false });
    const phi = await stack.ownerDb
      .selectFrom('claims')
      .select(['id', 'patient_name_enc', 'member_id_enc'])
      .where('tenant_id', '=', tenantId)
      .execute();
    const byId = new Map(phi.map((r) => [r.id, r]));
    expect(byId.get(old.id)).toMatchObject({ patient_name_enc: null, member_id_enc: null });
    expect(byId.get(youngClosed!.id)!.patient_name_enc).not.toBeNull();
    expect(byId.get(youngOpen!.id)!.patient_name_enc).not.toBeNull(); // old but still being worked
    const contents = await stack.ownerDb
      .selectFrom('remittance_file_contents')
      .select('file_id')
      .where('tenant_id', '=', tenantId)
      .execute();
    expect(contents.map((c) => c.file_id)).toEqual([youngFile.id]);

    const auditAfter = await stack.ownerDb
      .selectFrom('audit_events')
      .select(['action'])
      .where('tenant_id', '=', tenantId)
      .execute();
    expect(auditAfter.length).toBeGreaterThanOrEqual(Number(auditBefore.n));
    expect(auditAfter.map((e) => e.action)).toContain('retention.purge');
    const [report] = await AuditRepository.verifyUnscoped(stack.ownerDb, { tenantId });
    expect(report!.firstBroken).toBeUndefined();
  });

  it('cannot delete an audit event even as the owner running the job', async () => {
    await expect(
      sql`DELETE FROM audit_events WHERE seq = (SELECT max(seq) FROM audit_events)`.execute(
        stack.ownerDb,
      ),
    ).rejects.toThrow();
  });
});
