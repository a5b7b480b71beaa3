import { ApplicationFailure } from '@temporalio/activity';
import type { PhiCipher } from '../db/crypto/phi-cipher';
import type { Database } from '../db/database';
import {
  ClaimLifecycleRepository,
  type ClaimDetails,
} from '../db/repositories/claim-lifecycle.repository';
import { inTenant, type Tx } from '../db/unit-of-work';
import type { createAnalyzer } from './ai/analyzer';
import type { PayerAdapter } from './payer/payer-adapter';

export interface LifecycleDeps {
  db: Database;
  cipher: PhiCipher;
  analyzer: ReturnType<typeof createAnalyzer>;
  payer: PayerAdapter;
  /** Injected so tests can move time; activities may read the clock, workflows may not. */
  now?: () => Date;
}

/** Every lifecycle activity acts as its workflow, inside the claim's tenant. */
export function scope<T>(
  deps: LifecycleDeps,
  tenantId: string,
  claimId: string,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return inTenant(deps.db, { tenantId, actor: `workflow:claim-${claimId}` }, work);
}

export async function loadDetails(tx: Tx, claimId: string): Promise<ClaimDetails> {
  const details = await new ClaimLifecycleRepository(tx).details(claimId);
  if (!details) throw ApplicationFailure.nonRetryable(`claim ${claimId} not found`, 'NotFound');
  return details;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The claim's lifecycle state, with its row locked for the transaction. An
 * activity whose transaction committed but whose completion never reached
 * Temporal (the worker died in between) runs again; reading the state it left
 * behind, under the lock so a straggling attempt queues behind, is how such a
 * retry knows its work is done and writes nothing twice.
 */
export async function lockedState(tx: Tx, claimId: string): Promise<string | null> {
  const row = await tx
    .selectFrom('claims')
    .select('lifecycle_state')
    .where('id', '=', claimId)
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw ApplicationFailure.nonRetryable(`claim ${claimId} not found`, 'NotFound');
  return row.lifecycle_state;
}
