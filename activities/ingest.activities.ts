import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import type { Database } from '../db/database';
import type { PhiCipher } from '../db/crypto/phi-cipher';
import { ClaimRepository } from '../db/repositories/claim.repository';
import { RemittanceRepository } from '../db/repositories/remittance.repository';
import type { NewClaim } from '../db/schema';
import { inTenant } from '../db/unit-of-work';
import { claimWorkflowId, type IngestRemittanceInput } from '../workflows/contracts';
import { parse835, type X12Issue } from '../x12';
import { centsOf } from '../x12/money';

export interface IngestDeps {
  db: Database;
  cipher: PhiCipher;
  reviewTimeout: string;
}

export interface ParsedRemittance {
  claimCount: number;
  claimsToWork: string[];
  reviewTimeout: string;
  quarantineReason?: string;
}

/** Outcomes that need a person: anything not paid in full. */
const NEEDS_WORK = new Set(['denied', 'partially_paid']);

function describe(issue: X12Issue): string {
  const p = issue.position;
  return `${issue.code} at segment ${p.segmentIndex} (${p.segmentId})${p.element ? ` element ${p.element}` : ''}: ${issue.message}`;
}

export function createIngestActivities(deps: IngestDeps) {
  const { db, cipher } = deps;
  return {
    async parseAndStoreClaims(input: IngestRemittanceInput): Promise<ParsedRemittance> {
      const scope = { tenantId: input.tenantId, actor: `workflow:ingest:${input.fileId}` };
      const encrypted = await inTenant(db, scope, (tx) =>
        new RemittanceRepository(tx).content(input.fileId),
      );
      if (!encrypted)
        throw ApplicationFailure.nonRetryable(`remittance ${input.fileId} not found`, 'NotFound');
      const content = await cipher.decryptBuffer(encrypted, {
        tenantId: input.tenantId,
        column: 'remittance_file_contents.content_enc',
        rowId: input.fileId,
      });
      const result = parse835(content);
      const errors = result.issues.filter((i) => i.severity === 'error');
      if (result.transactions.length === 0) {
        const reason = errors[0] ? describe(errors[0]) : 'no transaction found';
        await inTenant(db, scope, (tx) =>
          new RemittanceRepository(tx).update(input.fileId, {
            status: 'quarantined',
            quarantine_reason: reason,
            processed: true,
          }),
        );
        return {
          claimCount: 0,
          claimsToWork: [],
          reviewTimeout: deps.reviewTimeout,
          quarantineReason: reason,
        };
      }

      const rows: NewClaim[] = [];
      for (const txn of result.transactions) {
        const payerKey = txn.payer?.id ?? txn.payer?.name ?? 'unknown';
        for (const claim of txn.claims) {
          const id = randomUUID();
          const pcn = claim.patientControlNumber;
          rows.push({
            id,
            tenant_id: input.tenantId,
            remittance_file_id: input.fileId,
            transaction_control_number: txn.controlNumber ?? '',
            payer_key: payerKey,
            payer_claim_control_number: claim.payerClaimControlNumber ?? '',
            patient_control_number_enc: await cipher.encrypt(pcn, {
              tenantId: input.tenantId,
              column: 'claims.patient_control_number_enc',
              rowId: id,
            }),
            patient_control_number_bidx: await cipher.blindIndex(
              pcn,
              input.tenantId,
              'patient_control_number',
            ),
            status_code: claim.statusCode,
            outcome: claim.derived.outcome,
            charge_cents: centsOf(claim.chargeAmount),
            paid_cents: centsOf(claim.paymentAmount),
            patient_responsibility_cents: centsOf(claim.patientResponsibility),
          });
        }
      }

      return inTenant(db, scope, async (tx) => {
        const claims = new ClaimRepository(tx);
        await claims.insertMany(rows);
        const stored = await claims.listByFile(input.fileId);
        const toWork = stored.filter((c) => NEEDS_WORK.has(c.outcome));
        await claims.setWorkflowIds(
          toWork.map((c) => ({ id: c.id, workflowId: claimWorkflowId(c.id) })),
        );
        await new RemittanceRepository(tx).update(input.fileId, {
          status: 'processing',
          claim_count: stored.length,
        });
        return {
          claimCount: stored.length,
          claimsToWork: toWork.map((c) => c.id),
          reviewTimeout: deps.reviewTimeout,
        };
      });
    },

    async markRemittance(
      input: IngestRemittanceInput & {
        status: 'processed';
        claimCount: number;
        workflowId: string;
      },
    ): Promise<void> {
      await inTenant(
        db,
        { tenantId: input.tenantId, actor: `workflow:ingest:${input.fileId}` },
        (tx) =>
          new RemittanceRepository(tx).update(input.fileId, {
            status: input.status,
            claim_count: input.claimCount,
            workflow_id: input.workflowId,
            processed: true,
          }),
      );
    },
  };
}

export type IngestActivities = ReturnType<typeof createIngestActivities>;
