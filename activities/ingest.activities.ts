import { randomUUID } from 'node:crypto';
import { ApplicationFailure, Context, heartbeat } from '@temporalio/activity';
import type { PhiCipher } from '../db/crypto/phi-cipher';
import type { Database } from '../db/database';
import { recordAudit } from '../db/audit/audit.repository';
import { ClaimLifecycleRepository } from '../db/repositories/claim-lifecycle.repository';
import { ClaimRepository } from '../db/repositories/claim.repository';
import { PayerRepository } from '../db/repositories/payer.repository';
import { RemittanceRepository } from '../db/repositories/remittance.repository';
import type { Insertable } from 'kysely';
import type {
  ClaimAdjustmentsTable,
  ClaimRemarksTable,
  NewClaim,
  ServiceLinesTable,
} from '../db/schema';
import { inTenant } from '../db/unit-of-work';
import {
  claimWorkflowId,
  type LifecycleTimers,
  type RemittanceOutcome,
} from '../workflows/contracts';
import {
  parse835,
  X12Error,
  type Claim835,
  type Parse835Result,
  type Transaction835,
  type X12Issue,
} from '../x12';
import { centsOf } from '../x12/money';
import type { StoredName, StoredServiceDates } from './claim-context';
import { lifecycleStartOptions, startEach, startOnce } from './lifecycle-starter';
import { utcDay } from './triage';

export interface IngestDeps {
  db: Database;
  cipher: PhiCipher;
  timers: LifecycleTimers;
}

/** Outcomes that need a person: anything denied in whole or in part. */
const NEEDS_WORK = new Set(['denied', 'partially_paid']);
const CHUNK = 250;

function reasonOf(issue: X12Issue): string {
  // Positions and codes only: an 835's element values can be PHI.
  const p = issue.position;
  return `${issue.code} at segment ${p.segmentIndex} (${p.segmentId})${p.element ? ` element ${p.element}` : ''}`;
}

interface Row {
  claim: NewClaim & { id: string };
  source: Claim835;
  payerKey: string;
}

export function createIngestActivities(deps: IngestDeps) {
  const { db, cipher } = deps;
  const scopeOf = (tenantId: string, fileId: string) => ({
    tenantId,
    actor: `workflow:remittance-${fileId}`,
  });

  async function buildRow(
    tenantId: string,
    fileId: string,
    txn: Transaction835,
    claim: Claim835,
  ): Promise<Row> {
    const id = randomUUID();
    const ctx = (column: string) => ({ tenantId, column: `claims.${column}`, rowId: id });
    const payerKey = (txn.payer.id ?? txn.payer.name ?? 'unknown').slice(0, 80) || 'unknown';
    const patient = claim.correctedPatient?.lastName ? claim.correctedPatient : claim.patient;
    const name: StoredName = {
      last: patient?.lastName,
      first: patient?.firstName,
      middle: patient?.middleName,
    };
    const memberId = claim.patient?.id ?? claim.insured?.id;
    const dates: StoredServiceDates = {
      from: claim.serviceDateFrom,
      to: claim.serviceDateTo,
      lines: Object.fromEntries(
        claim.services
          .filter((s) => s.serviceDateFrom)
          .map((s) => [String(s.lineNumber), s.serviceDateFrom!]),
      ),
    };
    return {
      payerKey,
      source: claim,
      claim: {
        id,
        tenant_id: tenantId,
        remittance_file_id: fileId,
        transaction_control_number: txn.controlNumber,
        payer_key: payerKey,
        payer_claim_control_number: claim.payerClaimControlNumber ?? '',
        patient_control_number_enc: await cipher.encrypt(
          claim.patientControlNumber,
          ctx('patient_control_number_enc'),
        ),
        patient_control_number_bidx: await cipher.blindIndex(
          claim.patientControlNumber,
          tenantId,
          'patient_control_number',
        ),
        patient_name_enc: await cipher.encrypt(JSON.stringify(name), ctx('patient_name_enc')),
        member_id_enc: memberId ? await cipher.encrypt(memberId, ctx('member_id_enc')) : null,
        member_id_bidx: memberId ? await cipher.blindIndex(memberId, tenantId, 'member_id') : null,
        service_dates_enc: await cipher.encrypt(JSON.stringify(dates), ctx('service_dates_enc')),
        status_code: claim.statusCode,
        outcome: claim.derived.outcome,
        claim_filing_indicator:
          claim.claimFilingIndicator && /^[A-Z0-9]{1,2}$/.test(claim.claimFilingIndicator)
            ? claim.claimFilingIndicator
            : null,
        determination_date: txn.payment.date ?? txn.productionDate ?? utcDay(new Date()),
        charge_cents: centsOf(claim.chargeAmount),
        paid_cents: centsOf(claim.paymentAmount),
        patient_responsibility_cents: centsOf(claim.patientResponsibility),
      },
    };
  }

  /** Stores one chunk of claims with their lines, adjustments and remarks in one transaction. */
  async function storeChunk(tenantId: string, fileId: string, rows: Row[]): Promise<void> {
    await inTenant(db, scopeOf(tenantId, fileId), async (tx) => {
      const claims = new ClaimRepository(tx);
      const lifecycle = new ClaimLifecycleRepository(tx);
      const payers = new PayerRepository(tx);
      const payerIds = new Map<string, string>();
      for (const row of rows) {
        if (!payerIds.has(row.payerKey))
          payerIds.set(
            row.payerKey,
            (await payers.upsert(tenantId, row.payerKey, row.payerKey)).id,
          );
        row.claim.payer_id = payerIds.get(row.payerKey)!;
      }
      const inserted = new Set(await claims.insertManyReturningIds(rows.map((r) => r.claim)));
      const serviceLines: Insertable<ServiceLinesTable>[] = [];
      const adjustments: Insertable<ClaimAdjustmentsTable>[] = [];
      const remarks: Insertable<ClaimRemarksTable>[] = [];
      for (const row of rows.filter((r) => inserted.has(r.claim.id))) {
        const lineIds = new Map<number, string>();
        for (const s of row.source.services) {
          const lineId = randomUUID();
          lineIds.set(s.lineNumber, lineId);
          serviceLines.push({
            id: lineId,
            tenant_id: tenantId,
            claim_id: row.claim.id,
            line_number: s.lineNumber,
            procedure_qualifier: s.procedure.qualifier.slice(0, 3) || 'HC',
            procedure_code:
              s.procedure.code
                .replace(/[^A-Z0-9]/gi, '')
                .toUpperCase()
                .slice(0, 48) || 'UNKNOWN',
            modifiers: s.procedure.modifiers.slice(0, 4),
            charge_cents: centsOf(s.chargeAmount),
            paid_cents: centsOf(s.paymentAmount),
            units: s.units && /^-?\d+(\.\d+)?$/.test(s.units) ? s.units : null,
          });
        }
        row.source.adjustments.forEach((a, position) =>
          adjustments.push({
            tenant_id: tenantId,
            claim_id: row.claim.id,
            service_line_id: a.serviceLine ? (lineIds.get(a.serviceLine) ?? null) : null,
            position,
            group_code: a.group as 'CO',
            reason_code: a.reason,
            amount_cents: centsOf(a.amount),
            quantity: a.quantity && /^-?\d+(\.\d+)?$/.test(a.quantity) ? a.quantity : null,
          }),
        );
        row.source.remarks.forEach((r, position) =>
          remarks.push({
            tenant_id: tenantId,
            claim_id: row.claim.id,
            service_line_id: r.serviceLine ? (lineIds.get(r.serviceLine) ?? null) : null,
            position,
            qualifier: (r.source === 'LQ'
              ? r.qualifier === 'RX'
                ? 'RX'
                : 'HE'
              : r.source) as 'HE',
            code: r.code,
          }),
        );
        // A later 835 for a claim under appeal answers that appeal instead of opening a new one.
        const answered = await lifecycle.awaitingOutcome(
          row.payerKey,
          row.claim.patient_control_number_bidx,
          row.claim.charge_cents,
          fileId,
        );
        if (answered?.workflow_id)
          await lifecycle.linkAnswer(row.claim.id, answered.id, answered.workflow_id);
        else if (NEEDS_WORK.has(row.source.derived.outcome))
          await claims.setWorkflowIds([
            { id: row.claim.id, workflowId: claimWorkflowId(row.claim.id) },
          ]);
      }
      await claims.insertDetails({ serviceLines, adjustments, remarks });
    });
  }

  return {
    /**
     * Parses and stores the file once. A retry, or a continue-as-new run,
     * finds the claims stored and returns at once; claims are deduplicated by
     * their natural key, so a half-finished attempt completes without doubles.
     */
    async storeRemittance(input: {
      tenantId: string;
      fileId: string;
    }): Promise<{ claimCount: number; timers: LifecycleTimers; quarantineReason?: string }> {
      const scope = scopeOf(input.tenantId, input.fileId);
      const file = await inTenant(db, scope, (tx) =>
        new RemittanceRepository(tx).find(input.fileId),
      );
      if (!file)
        throw ApplicationFailure.nonRetryable(`remittance ${input.fileId} not found`, 'NotFound');
      if (file.status === 'quarantined')
        return {
          claimCount: 0,
          timers: deps.timers,
          quarantineReason: file.quarantine_reason ?? 'quarantined',
        };
      if (file.status !== 'received')
        return { claimCount: file.claim_count ?? 0, timers: deps.timers };

      const encrypted = await inTenant(db, scope, (tx) =>
        new RemittanceRepository(tx).content(input.fileId),
      );
      const content = await cipher.decryptBuffer(encrypted!, {
        tenantId: input.tenantId,
        column: 'remittance_file_contents.content_enc',
        rowId: input.fileId,
      });
      let result: Parse835Result;
      try {
        result = parse835(content);
      } catch (err) {
        // Input that cannot be read at all (empty, binary, UTF-16, no envelope) is quarantined too.
        if (!(err instanceof X12Error)) throw err;
        result = {
          transactions: [],
          issues: [
            { severity: 'error', code: err.code, message: err.reason, position: err.position },
          ],
        };
      }
      const errors = result.issues.filter((i) => i.severity === 'error');
      const good = result.transactions.filter((t) => t.valid);
      if (good.length === 0) {
        const reason = errors[0] ? reasonOf(errors[0]) : 'no valid transaction found';
        await inTenant(db, scope, async (tx) => {
          await new RemittanceRepository(tx).update(input.fileId, {
            status: 'quarantined',
            quarantine_reason: reason,
            processed: true,
          });
          await recordAudit(tx, {
            action: 'remittance.quarantine',
            resourceType: 'remittance_file',
            resourceId: input.fileId,
            purpose: 'payment',
            details: { reason, errors: errors.length },
          });
        });
        return { claimCount: 0, timers: deps.timers, quarantineReason: reason };
      }

      let rows: Row[] = [];
      let total = 0;
      for (const txn of good) {
        for (const claim of txn.claims) {
          rows.push(await buildRow(input.tenantId, input.fileId, txn, claim));
          if (rows.length === CHUNK) {
            await storeChunk(input.tenantId, input.fileId, rows);
            total += rows.length;
            rows = [];
            heartbeat(total);
          }
        }
      }
      if (rows.length) await storeChunk(input.tenantId, input.fileId, rows);
      return inTenant(db, scope, async (tx) => {
        const stored = await new ClaimRepository(tx).countByFile(input.fileId);
        await new RemittanceRepository(tx).update(input.fileId, {
          status: 'processing',
          claim_count: stored,
        });
        await recordAudit(tx, {
          action: 'remittance.ingest',
          resourceType: 'remittance_file',
          resourceId: input.fileId,
          purpose: 'payment',
          details: {
            claims: stored,
            transactions: result.transactions.length,
            badTransactions: result.transactions.length - good.length,
            issues: result.issues.length,
            firstIssue: errors[0] ? reasonOf(errors[0]) : null,
          },
        });
        return { claimCount: stored, timers: deps.timers };
      });
    },

    async claimsToStart(input: {
      tenantId: string;
      fileId: string;
      after: string | null;
      limit: number;
    }): Promise<{ claimIds: string[] }> {
      const claimIds = await inTenant(db, scopeOf(input.tenantId, input.fileId), (tx) =>
        new ClaimLifecycleRepository(tx).toStart(input.fileId, input.after, input.limit),
      );
      return { claimIds };
    },

    /**
     * Starts the lifecycles of one page of claims with the worker's client,
     * many requests in flight, instead of a child start per claim from the
     * ingestion workflow (each child start also writes to the parent's history,
     * one parent at a time). Ids are deterministic and never reused, so a
     * retried attempt starts nothing twice; it resumes after the last claim its
     * predecessor heartbeated. `count` is the page's size, started now or before.
     */
    async startLifecycles(input: {
      tenantId: string;
      fileId: string;
      after: string | null;
      limit: number;
    }): Promise<{ count: number; last: string | null }> {
      const ctx = Context.current();
      const claimIds = await inTenant(db, scopeOf(input.tenantId, input.fileId), (tx) =>
        new ClaimLifecycleRepository(tx).toStart(input.fileId, input.after, input.limit),
      );
      const resumeAfter = ctx.info.heartbeatDetails as string | undefined;
      const from = resumeAfter ? claimIds.indexOf(resumeAfter) + 1 : 0;
      const { taskQueue } = ctx.info;
      await startEach(
        claimIds.slice(from),
        (claimId) =>
          startOnce(
            ctx.client,
            'claimLifecycle',
            lifecycleStartOptions(taskQueue, {
              tenantId: input.tenantId,
              claimId,
              timers: deps.timers,
            }),
          ),
        { progress: (through) => ctx.heartbeat(claimIds[from + through - 1]) },
      );
      return { count: claimIds.length, last: claimIds.at(-1) ?? null };
    },

    async outcomesToSignal(input: {
      tenantId: string;
      fileId: string;
    }): Promise<{ workflowId: string; outcome: RemittanceOutcome }[]> {
      const answers = await inTenant(db, scopeOf(input.tenantId, input.fileId), (tx) =>
        new ClaimLifecycleRepository(tx).answers(input.fileId),
      );
      return answers.map((a) => ({
        workflowId: a.workflowId,
        outcome: {
          fileId: input.fileId,
          claimId: a.id,
          statusCode: a.statusCode,
          paidCents: Number(a.paidCents),
          chargeCents: Number(a.chargeCents),
        },
      }));
    },

    async markRemittance(input: {
      tenantId: string;
      fileId: string;
      status: 'processed';
      claimCount: number;
      workflowId: string;
    }): Promise<void> {
      await inTenant(db, scopeOf(input.tenantId, input.fileId), (tx) =>
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
