import { Inject, Injectable } from '@nestjs/common';
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { recordAudit } from '../db/audit/audit.repository';
import { AppealRepository } from '../db/repositories/appeal.repository';
import { ClaimLifecycleRepository } from '../db/repositories/claim-lifecycle.repository';
import { ReviewQueueRepository, type QueueItem } from '../db/repositories/review-queue.repository';
import { UserRepository } from '../db/repositories/user.repository';
import { inTenant, readInTenant } from '../db/unit-of-work';
import type { Runtime } from '../ops/runtime';
import {
  submitReview,
  type ClaimLifecycleState,
  type ReviewDecision,
} from '../workflows/contracts';
import { ClaimsService } from './claims.service';
import { AppError, conflict, notFound } from './errors';
import { phiRole, seesPhiOf } from './phi-scope';
import type { Actor } from './principal';
import { RUNTIME, TEMPORAL } from './tokens';

export type DecisionInput =
  | { decision: 'approve' }
  | { decision: 'edit'; letter: string }
  | { decision: 'reject'; reason: string }
  | { decision: 'reassign'; assignTo: string };

// Spelled out rather than spread: this runs for every item of every queue page. Returning the
// rows as read costs more: JSON.stringify leaves its fast path for every Date it meets.
const item = (t: QueueItem) => ({
  id: t.id,
  claimId: t.claimId,
  appealId: t.appealId,
  status: t.status,
  assignedTo: t.assignedTo,
  dueAt: t.dueAt.toISOString(),
  category: t.category,
  payerKey: t.payerKey,
  amountAtStakeCents: t.amountAtStakeCents,
  appealDeadline: t.appealDeadline,
  priorityScore: t.priorityScore,
});

/** Review tasks: queues (no PHI), one task with its claim and letter (PHI, audited), and decisions through the workflow's Update. */
@Injectable()
export class ReviewTasksService {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(TEMPORAL) private readonly temporal: Client,
    private readonly claims: ClaimsService,
  ) {}

  async mine(who: Actor, limit: number) {
    const rows = await readInTenant(this.runtime.db, who, (db) =>
      new ReviewQueueRepository(db).mine(who.principal.id, limit),
    );
    return rows.map(item);
  }

  async team(who: Actor, limit: number) {
    const rows = await readInTenant(this.runtime.db, who, (db) =>
      new ReviewQueueRepository(db).team(limit),
    );
    return rows.map(item);
  }

  /** The task, its claim's PHI and the draft letter: one audit event, in the read's transaction. */
  async get(who: Actor, taskId: string) {
    const result = await inTenant(this.runtime.db, who, async (tx) => {
      const task = await new ReviewQueueRepository(tx).find(taskId);
      if (!task || !(await seesPhiOf(tx, who, task.claim_id))) return undefined;
      const appeal = task.appeal_id
        ? await new AppealRepository(tx).find(task.appeal_id)
        : undefined;
      const letter = appeal?.letter_enc
        ? (JSON.parse(
            await this.runtime.cipher.decrypt(appeal.letter_enc, {
              tenantId: who.tenantId,
              column: 'appeals.letter_enc',
              rowId: appeal.id,
            }),
          ) as unknown)
        : null;
      const claim = await this.claims.phiView(tx, task.claim_id);
      await recordAudit(tx, {
        action: 'review_task.read',
        resourceType: 'review_task',
        resourceId: task.id,
        claimId: task.claim_id,
        purpose: 'payment',
        actorRole: phiRole(who),
      });
      return {
        id: task.id,
        status: task.status,
        assignedTo: task.assigned_to,
        decidedBy: task.decided_by,
        dueAt: new Date(task.due_at).toISOString(),
        appeal: appeal
          ? { id: appeal.id, status: appeal.status, level: appeal.level, letter }
          : null,
        claim,
      };
    });
    if (!result) throw notFound('review task');
    return result;
  }

  /**
   * Takes an open, unassigned task of the caller's queue. The workflow's own
   * `assignedTo` follows a reviewer's reassign only (its validator allows no
   * other path), so this marks the database row that the queues read.
   */
  async take(who: Actor, taskId: string) {
    const ok = await inTenant(this.runtime.db, who, async (tx) => {
      const task = await new ReviewQueueRepository(tx).find(taskId);
      if (!task || !(await seesPhiOf(tx, who, task.claim_id))) return 'missing';
      if (task.status !== 'open' || (task.assigned_to && task.assigned_to !== who.principal.id))
        return 'taken';
      await new ClaimLifecycleRepository(tx).assignTask(task.id, who.principal.id);
      await recordAudit(tx, {
        action: 'review_task.take',
        resourceType: 'review_task',
        resourceId: task.id,
        claimId: task.claim_id,
        purpose: 'payment',
      });
      return 'ok';
    });
    if (ok === 'missing') throw notFound('review task');
    if (ok === 'taken') throw conflict('TASK_NOT_OPEN', 'the task is not open for you');
  }

  /** The decision goes to the claim's workflow as an Update; the actor comes from the session. */
  async decide(who: Actor, taskId: string, input: DecisionInput): Promise<ClaimLifecycleState> {
    const task = await inTenant(this.runtime.db, who, async (tx) => {
      const t = await new ReviewQueueRepository(tx).find(taskId);
      if (!t || !(await seesPhiOf(tx, who, t.claim_id))) return undefined;
      if (input.decision === 'reassign' && !(await new UserRepository(tx).find(input.assignTo)))
        return 'no_assignee' as const;
      return t;
    });
    if (!task) throw notFound('review task');
    if (task === 'no_assignee') throw notFound('assignee');
    const decision = {
      ...input,
      actor: { userId: who.principal.id, roles: [...who.principal.roles] },
    } as ReviewDecision;
    try {
      return await this.temporal.workflow
        .getHandle(task.workflow_id)
        .executeUpdate(submitReview, { args: [decision] });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound('review task');
      if (err instanceof WorkflowUpdateFailedError) {
        // The validator's reason: fixed texts about state and roles, never PHI.
        const reason = (err.cause as Error | undefined)?.message ?? 'the review was refused';
        const field = /^(letter|reason|assignTo):/.exec(reason)?.[1];
        throw field
          ? new AppError('BAD_REQUEST', reason, 400, field)
          : new AppError('REVIEW_REFUSED', reason, 409);
      }
      throw err;
    }
  }
}
