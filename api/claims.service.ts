import { Inject, Injectable } from '@nestjs/common';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import { ClaimRepository } from '../db/repositories/claim.repository';
import { inTenant } from '../db/unit-of-work';
import type { Runtime } from '../ops/runtime';
import { getClaimState, type ClaimLifecycleState } from '../workflows/contracts';
import { notFound } from './errors';
import type { RequestActor } from './tenant-context';
import { RUNTIME, TEMPORAL } from './tokens';

@Injectable()
export class ClaimsService {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(TEMPORAL) private readonly temporal: Client,
  ) {}

  /** The lifecycle's live state; a claim of another tenant is simply not found. */
  async state(who: RequestActor, claimId: string): Promise<ClaimLifecycleState> {
    const claim = await inTenant(this.runtime.db, who, (tx) =>
      new ClaimRepository(tx).find(claimId),
    );
    if (!claim?.workflow_id) throw notFound('claim workflow');
    try {
      return await this.temporal.workflow.getHandle(claim.workflow_id).query(getClaimState);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw notFound('claim workflow');
      throw err;
    }
  }
}
