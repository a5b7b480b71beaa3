import { createHash } from 'node:crypto';
import { ApplicationFailure, heartbeat } from '@temporalio/activity';
import { recordAudit } from '../db/audit/audit.repository';
import { AppealRepository } from '../db/repositories/appeal.repository';
import { ClaimLifecycleRepository } from '../db/repositories/claim-lifecycle.repository';
import type { AppealLevel, ClaimOutcome, RemittanceOutcome } from '../workflows/contracts';
import { carcDescription } from '../x12/codes/code-lists';
import { renderPacket } from './appeal/packet';
import type { Tx } from '../db/unit-of-work';
import { claimForAnalysis } from './claim-context';
import { writeAsYouGo, type StepContext } from './claim-preparation';
import { loadDetails, lockedState, scope, type LifecycleDeps } from './lifecycle-deps';
import { SubmissionRejected } from './payer/payer-adapter';
import { nextAppealLevel } from './triage';

const APPEAL_RESULTS = new Set([
  'overturned',
  'partially_overturned',
  'upheld',
  'written_off',
  'patient_responsibility',
]);
const money = (c: number) => `$${(c / 100).toFixed(2)}`;

export function createSubmissionActivities(deps: LifecycleDeps) {
  const now = deps.now ?? (() => new Date());

  async function letterOf(tenantId: string, appealId: string, letterEnc: Buffer | null) {
    if (!letterEnc)
      throw ApplicationFailure.nonRetryable('the appeal has no letter', 'InvalidInput');
    return JSON.parse(
      await deps.cipher.decrypt(letterEnc, {
        tenantId,
        column: 'appeals.letter_enc',
        rowId: appealId,
      }),
    ) as { subject: string; body: string };
  }

  return {
    async renderPacket(input: { tenantId: string; claimId: string; appealId: string }) {
      return scope(deps, input.tenantId, input.claimId, async (tx) => {
        const state = await lockedState(tx, input.claimId);
        const appeal = await new AppealRepository(tx).find(input.appealId);
        if (!appeal) throw ApplicationFailure.nonRetryable('appeal not found', 'NotFound');
        if (state === 'preparing_packet' && appeal.packet_enc && appeal.packet_sha256) {
          // Rendered, stored and audited before the completion was lost.
          const stored = await deps.cipher.decryptBuffer(appeal.packet_enc, {
            tenantId: input.tenantId,
            column: 'appeals.packet_enc',
            rowId: appeal.id,
          });
          return { sha256: appeal.packet_sha256, bytes: stored.length };
        }
        const details = await loadDetails(tx, input.claimId);
        const claim = await claimForAnalysis(details, deps.cipher, details.claim.payer_key);
        const letter = await letterOf(input.tenantId, appeal.id, appeal.letter_enc);
        heartbeat();
        const pdf = await renderPacket({
          title: letter.subject,
          letter,
          facts: [
            ['Payer claim number', claim.payerClaimControlNumber ?? ''],
            ['Patient account number', claim.patientControlNumber],
            [
              'Dates of service',
              [claim.serviceDateFrom, claim.serviceDateTo].filter(Boolean).join(' to '),
            ],
            ['Billed', money(claim.chargeCents)],
            ['Paid', money(claim.paidCents)],
            ...claim.adjustments.map((a): [string, string] => [
              `${a.group}-${a.reason}`,
              `${money(a.amountCents)} ${carcDescription(a.reason)?.description ?? ''}`.trim(),
            ]),
          ],
          attachments: [
            'Copy of the remittance advice',
            'Supporting documentation listed in the letter',
          ],
          createdAt: now(),
        });
        const sha256 = createHash('sha256').update(pdf).digest('hex');
        const packetEnc = await deps.cipher.encrypt(pdf, {
          tenantId: input.tenantId,
          column: 'appeals.packet_enc',
          rowId: appeal.id,
        });
        const repo = new ClaimLifecycleRepository(tx);
        await repo.setPacket(appeal.id, packetEnc, sha256);
        await repo.update(input.claimId, { lifecycle_state: 'preparing_packet' });
        await recordAudit(tx, {
          action: 'appeal.packet',
          resourceType: 'appeal',
          resourceId: appeal.id,
          claimId: input.claimId,
          purpose: 'payment',
          details: { sha256, bytes: pdf.length },
        });
        return { sha256, bytes: pdf.length };
      });
    },

    /** Idempotent on the key: the submission row is claimed first, so a retry never submits twice. */
    async submitAppeal(input: {
      tenantId: string;
      claimId: string;
      appealId: string;
      idempotencyKey: string;
    }) {
      const prepared = await scope(deps, input.tenantId, input.claimId, async (tx) => {
        const appeals = new AppealRepository(tx);
        const appeal = await appeals.find(input.appealId);
        if (!appeal?.packet_enc)
          throw ApplicationFailure.nonRetryable('the appeal has no packet', 'InvalidInput');
        const submission = await appeals.addSubmission(input.tenantId, {
          appeal_id: appeal.id,
          channel: deps.payer.name === 'http' ? 'api' : 'mail',
          idempotency_key: input.idempotencyKey,
        });
        const packet = await deps.cipher.decryptBuffer(appeal.packet_enc, {
          tenantId: input.tenantId,
          column: 'appeals.packet_enc',
          rowId: appeal.id,
        });
        const details = await loadDetails(tx, input.claimId);
        return { submission, packet, icn: details.claim.payer_claim_control_number };
      });
      if (prepared.submission.status === 'sent' || prepared.submission.status === 'acknowledged') {
        return {
          submissionId: prepared.submission.id,
          payerReference: prepared.submission.payer_reference,
        };
      }
      let receipt;
      try {
        receipt = await deps.payer.submit({
          idempotencyKey: input.idempotencyKey,
          tenantId: input.tenantId,
          appealId: input.appealId,
          payerClaimControlNumber: prepared.icn,
          packet: prepared.packet,
        });
      } catch (err) {
        if (err instanceof SubmissionRejected) {
          await scope(deps, input.tenantId, input.claimId, async (tx) => {
            await new AppealRepository(tx).markSubmission(prepared.submission.id, {
              status: 'failed',
              failure_code: 'REJECTED',
            });
            await recordAudit(tx, {
              action: 'appeal.submit',
              resourceType: 'appeal_submission',
              resourceId: prepared.submission.id,
              claimId: input.claimId,
              purpose: 'payment',
              outcome: 'failure',
              details: { reason: err.message },
            });
          });
          throw ApplicationFailure.nonRetryable(err.message, 'SubmissionRejected');
        }
        throw err; // transient: retried with the same key
      }
      await scope(deps, input.tenantId, input.claimId, async (tx) => {
        await new AppealRepository(tx).markSubmission(prepared.submission.id, {
          status: 'sent',
          payer_reference: receipt.payerReference,
        });
        await recordAudit(tx, {
          action: 'appeal.submit',
          resourceType: 'appeal_submission',
          resourceId: prepared.submission.id,
          claimId: input.claimId,
          purpose: 'payment',
          details: { channel: receipt.channel, adapter: deps.payer.name },
        });
      });
      return { submissionId: prepared.submission.id, payerReference: receipt.payerReference };
    },

    async withdrawSubmission(input: {
      tenantId: string;
      claimId: string;
      appealId: string;
      submissionId: string;
    }) {
      const sub = await scope(deps, input.tenantId, input.claimId, (tx) =>
        new ClaimLifecycleRepository(tx).submission(input.submissionId),
      );
      if (!sub || sub.status === 'compensated') return;
      if (sub.payer_reference)
        await deps.payer.withdraw({
          idempotencyKey: sub.idempotency_key,
          tenantId: input.tenantId,
          payerReference: sub.payer_reference,
        });
      await scope(deps, input.tenantId, input.claimId, async (tx) => {
        await new AppealRepository(tx).markSubmission(sub.id, { status: 'compensated' });
        await recordAudit(tx, {
          action: 'appeal.withdraw',
          resourceType: 'appeal_submission',
          resourceId: sub.id,
          claimId: input.claimId,
          purpose: 'payment',
        });
      });
    },

    async markSubmitted(input: {
      tenantId: string;
      claimId: string;
      appealId: string;
      submissionId: string;
    }) {
      await scope(deps, input.tenantId, input.claimId, async (tx) => {
        if ((await lockedState(tx, input.claimId)) === 'awaiting_outcome') return; // a retry
        await new AppealRepository(tx).update(input.appealId, { status: 'submitted' });
        await new ClaimLifecycleRepository(tx).update(input.claimId, {
          lifecycle_state: 'awaiting_outcome',
        });
        await recordAudit(tx, {
          action: 'appeal.submitted',
          resourceType: 'appeal',
          resourceId: input.appealId,
          claimId: input.claimId,
          purpose: 'payment',
          details: { submissionId: input.submissionId },
        });
      });
    },

    async recordFollowUp(input: {
      tenantId: string;
      claimId: string;
      appealId: string;
      attempt: number;
    }) {
      await scope(deps, input.tenantId, input.claimId, (tx) =>
        recordAudit(tx, {
          action: 'appeal.follow_up',
          resourceType: 'appeal',
          resourceId: input.appealId,
          claimId: input.claimId,
          purpose: 'payment',
          details: { attempt: input.attempt },
        }),
      );
    },

    /** The payer's answer, from the later 835's claim: paid in full, in part, or denied again. */
    async judgeOutcome(input: {
      tenantId: string;
      claimId: string;
      appealId: string;
      outcome: RemittanceOutcome;
      level: AppealLevel | null;
    }) {
      return scope(deps, input.tenantId, input.claimId, async (tx) => {
        const details = await loadDetails(tx, input.claimId);
        const atStake = Number(details.claim.amount_at_stake_cents ?? 0);
        const paid = input.outcome.paidCents;
        const result: ClaimOutcome =
          paid <= 0 || input.outcome.statusCode === '4'
            ? 'upheld'
            : paid >= atStake
              ? 'overturned'
              : 'partially_overturned';
        const nextLevel =
          result === 'upheld' && input.level
            ? nextAppealLevel(input.level, details.claim.claim_filing_indicator ?? undefined)
            : null;
        const answer = {
          result,
          recoveredCents: result === 'upheld' ? 0 : Math.max(0, paid),
          nextLevel: nextLevel as AppealLevel | null,
        };
        // An appeal is judged once; a retry whose first attempt committed answers the same.
        const judged = await tx
          .selectFrom('audit_events')
          .select('seq')
          .where('action', '=', 'appeal.outcome')
          .where('resource_type', '=', 'appeal')
          .where('resource_id', '=', input.appealId)
          .executeTakeFirst();
        if (judged) return answer;
        await recordAudit(tx, {
          action: 'appeal.outcome',
          resourceType: 'appeal',
          resourceId: input.appealId,
          claimId: input.claimId,
          purpose: 'payment',
          details: {
            result,
            sourceFileId: input.outcome.fileId,
            answeredBy: input.outcome.claimId,
            nextLevel,
          },
        });
        return answer;
      });
    },

    async closeClaim(input: {
      tenantId: string;
      claimId: string;
      workflowId: string;
      appealId?: string | undefined;
      outcome: ClaimOutcome;
      recoveredCents: number;
      sourceFileId?: string | undefined;
    }) {
      await scope(deps, input.tenantId, input.claimId, async (tx) => {
        // Closed already: a retry after the close committed. A next level reopens the
        // claim (triage), so this never swallows a later close.
        if ((await lockedState(tx, input.claimId)) === 'closed') return;
        await closeClaimIn(tx, { ...input, ...writeAsYouGo(tx, input.claimId) }, input);
      });
    },
  };
}

/** Closes the claim (and its appeal, with the result) inside the caller's transaction. */
export async function closeClaimIn(
  tx: Tx,
  ctx: Pick<StepContext, 'tenantId' | 'claimId' | 'workflowId' | 'audit' | 'mirror'>,
  input: {
    appealId?: string | undefined;
    outcome: ClaimOutcome;
    recoveredCents: number;
    sourceFileId?: string | undefined;
  },
): Promise<void> {
  const appeals = new AppealRepository(tx);
  if (input.appealId && APPEAL_RESULTS.has(input.outcome)) {
    const appeal = await appeals.find(input.appealId);
    if (appeal && appeal.status !== 'closed') {
      await appeals.recordOutcome(ctx.tenantId, {
        appeal_id: input.appealId,
        result: input.outcome as 'overturned',
        recovered_cents: input.recoveredCents,
        source_remittance_file_id: input.sourceFileId ?? null,
      });
      await appeals.update(input.appealId, { status: 'closed' });
    }
  }
  await ctx.mirror({
    lifecycle_state: 'closed',
    lifecycle_outcome: input.outcome,
    recovered_cents: input.recoveredCents,
  });
  await ctx.audit({
    action: 'claim.close',
    resourceType: 'claim',
    resourceId: ctx.claimId,
    claimId: ctx.claimId,
    purpose: 'payment',
    workflowId: ctx.workflowId,
    details: { outcome: input.outcome, recoveredCents: input.recoveredCents },
  });
}

export type SubmissionActivities = ReturnType<typeof createSubmissionActivities>;
