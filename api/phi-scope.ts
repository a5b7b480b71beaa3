import { ReviewQueueRepository } from '../db/repositories/review-queue.repository';
import type { Tx } from '../db/unit-of-work';
import { PHI_ROLES } from './permissions';
import type { Actor } from './principal';

/**
 * May this caller see the PHI of this claim? Only a user past MFA in a PHI
 * role, and only for claims in their work: a reviewer the team's tasks, an
 * appeal specialist their own (assigned, decided, or open to anyone).
 */
export async function seesPhiOf(tx: Tx, who: Actor, claimId: string): Promise<boolean> {
  const p = who.principal;
  if (p.kind !== 'user' || !p.mfaVerified) return false;
  if (!p.roles.some((r) => PHI_ROLES.includes(r))) return false;
  return new ReviewQueueRepository(tx).inScope(claimId, p.id, p.roles.includes('reviewer'));
}

/** The role a PHI read is recorded under: the caller's PHI role. */
export function phiRole(who: Actor): string {
  return who.principal.roles.includes('reviewer')
    ? 'reviewer'
    : who.principal.roles.includes('appeal_specialist')
      ? 'appeal_specialist'
      : who.role;
}
