import { sql } from 'kysely';
import type {
  Claim,
  ClaimAdjustmentsTable,
  ClaimRemarksTable,
  ClaimsTable,
  ServiceLinesTable,
} from '../schema';
import type { Selectable, Updateable } from 'kysely';
import type { Tx } from '../unit-of-work';
import { OPEN } from './plan-literals';

export interface ClaimDetails {
  claim: Claim;
  serviceLines: Selectable<ServiceLinesTable>[];
  adjustments: Selectable<ClaimAdjustmentsTable>[];
  remarks: Selectable<ClaimRemarksTable>[];
}

export type LifecyclePatch = Pick<
  Updateable<ClaimsTable>,
  | 'lifecycle_state'
  | 'lifecycle_outcome'
  | 'category'
  | 'recommended_action'
  | 'appeal_level'
  | 'appeal_deadline'
  | 'priority_score'
  | 'amount_at_stake_cents'
  | 'recovered_cents'
>;

/**
 * The claim aggregate as its lifecycle sees it: the 835 facts in one read, the
 * decisions written back, and the match between a later 835 and the appeal it
 * answers.
 */
export class ClaimLifecycleRepository {
  constructor(private readonly tx: Tx) {}

  async details(claimId: string): Promise<ClaimDetails | undefined> {
    const claim = await this.tx
      .selectFrom('claims')
      .selectAll()
      .where('id', '=', claimId)
      .executeTakeFirst();
    if (!claim) return undefined;
    const [serviceLines, adjustments, remarks] = await Promise.all([
      this.tx
        .selectFrom('service_lines')
        .selectAll()
        .where('claim_id', '=', claimId)
        .orderBy('line_number')
        .execute(),
      this.tx
        .selectFrom('claim_adjustments')
        .selectAll()
        .where('claim_id', '=', claimId)
        .orderBy('position')
        .execute(),
      this.tx
        .selectFrom('claim_remarks')
        .selectAll()
        .where('claim_id', '=', claimId)
        .orderBy('position')
        .execute(),
    ]);
    return { claim, serviceLines, adjustments, remarks };
  }

  async update(claimId: string, patch: LifecyclePatch): Promise<void> {
    await this.tx.updateTable('claims').set(patch).where('id', '=', claimId).execute();
  }

  /** Claims of a file that get a lifecycle of their own, in id order from a cursor. */
  async toStart(fileId: string, after: string | null, limit: number): Promise<string[]> {
    let q = this.tx
      .selectFrom('claims')
      .select('id')
      .where('remittance_file_id', '=', fileId)
      .where('workflow_id', '=', sql<string>`'claim-' || id::text`)
      .orderBy('id')
      .limit(limit);
    if (after) q = q.where('id', '>', after);
    return (await q.execute()).map((r) => r.id);
  }

  /** The open appeal a new claim answers: same payer, patient account and charge, waiting for an outcome. */
  async awaitingOutcome(
    payerKey: string,
    patientControlNumberBidx: string,
    chargeCents: string | number | bigint,
    excludeFileId: string,
  ): Promise<Claim | undefined> {
    return (
      this.tx
        .selectFrom('claims')
        .selectAll()
        .where('payer_key', '=', payerKey)
        .where('patient_control_number_bidx', '=', patientControlNumberBidx)
        .where('lifecycle_state', '=', 'awaiting_outcome')
        // Account numbers repeat across a patient's visits; the billed charge tells them apart.
        .where('charge_cents', '=', String(chargeCents))
        .where('remittance_file_id', '!=', excludeFileId)
        .orderBy('created_at', 'desc')
        .executeTakeFirst()
    );
  }

  async linkAnswer(claimId: string, answersClaimId: string, workflowId: string): Promise<void> {
    await this.tx
      .updateTable('claims')
      .set({ answers_claim_id: answersClaimId, workflow_id: workflowId })
      .where('id', '=', claimId)
      .execute();
  }

  /** Claims of a file that answer an earlier appeal, with the workflow to tell. */
  async answers(
    fileId: string,
  ): Promise<
    { id: string; workflowId: string; statusCode: string; paidCents: string; chargeCents: string }[]
  > {
    return this.tx
      .selectFrom('claims')
      .select([
        'id',
        'workflow_id as workflowId',
        'status_code as statusCode',
        'paid_cents as paidCents',
        'charge_cents as chargeCents',
      ])
      .where('remittance_file_id', '=', fileId)
      .where('answers_claim_id', 'is not', null)
      .$narrowType<{ workflowId: string }>()
      .execute();
  }

  async latestAnalysis(claimId: string) {
    return this.tx
      .selectFrom('denial_analyses')
      .selectAll()
      .where('claim_id', '=', claimId)
      .where('rationale_enc', 'is not', null)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
  }

  async setAppealLevel(appealId: string, level: string | null): Promise<void> {
    await this.tx
      .updateTable('appeals')
      .set({ appeal_level: level })
      .where('id', '=', appealId)
      .execute();
  }

  async setPacket(appealId: string, packetEnc: Buffer, sha256: string): Promise<void> {
    await this.tx
      .updateTable('appeals')
      .set({ packet_enc: packetEnc, packet_sha256: sha256 })
      .where('id', '=', appealId)
      .execute();
  }

  async assignTask(taskId: string, userId: string): Promise<void> {
    await this.tx
      .updateTable('review_tasks')
      .set({ assigned_to: userId })
      .where('id', '=', taskId)
      .where('status', '=', OPEN)
      .execute();
  }

  async submission(id: string) {
    return this.tx
      .selectFrom('appeal_submissions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** What ops and the CLI may see of every claim: codes, amounts and states, no PHI. */
  async summaries(limit = 10_000) {
    return this.tx
      .selectFrom('claims')
      .select([
        'id',
        'status_code as status',
        'outcome',
        'category',
        'recommended_action as recommendedAction',
        'appeal_deadline as deadline',
        'lifecycle_state as workflowState',
        'lifecycle_outcome as workflowOutcome',
      ])
      .orderBy('created_at')
      .limit(limit)
      .execute();
  }

  async countByOutcome(fileId: string, outcome: string): Promise<number> {
    const row = await this.tx
      .selectFrom('claims')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('remittance_file_id', '=', fileId)
      .where('outcome', '=', outcome)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
