import { Inject, Injectable } from '@nestjs/common';
import { recordAudit } from '../db/audit/audit.repository';
import { AppealRepository } from '../db/repositories/appeal.repository';
import { ClaimReadRepository } from '../db/repositories/claim-read.repository';
import { inTenant } from '../db/unit-of-work';
import type { Runtime } from '../ops/runtime';
import { notFound } from './errors';
import { phiRole, seesPhiOf } from './phi-scope';
import type { Actor } from './principal';
import { RUNTIME } from './tokens';

/** Appeals: submission status for ops and workers; the letter and the packet (PHI) for workers whose work holds the claim. */
@Injectable()
export class AppealsService {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async status(who: Actor, appealId: string) {
    const r = await inTenant(this.runtime.db, who, async (tx) => {
      const appeal = await new AppealRepository(tx).find(appealId);
      if (!appeal) return undefined;
      const read = new ClaimReadRepository(tx);
      const [submissions, outcomes] = await Promise.all([
        read.submissions(appealId),
        read.outcomes(appealId),
      ]);
      return {
        id: appeal.id,
        claimId: appeal.claim_id,
        level: appeal.level,
        appealLevel: appeal.appeal_level,
        status: appeal.status,
        deadline: appeal.deadline,
        packetSha256: appeal.packet_sha256,
        submissions: submissions.map((s) => ({
          id: s.id,
          channel: s.channel,
          status: s.status,
          payerReference: s.payer_reference,
          failureCode: s.failure_code,
          sentAt: s.sent_at ? new Date(s.sent_at).toISOString() : null,
        })),
        outcomes,
      };
    });
    if (!r) throw notFound('appeal');
    return r;
  }

  async letter(who: Actor, appealId: string) {
    return this.readPhi(who, appealId, 'letter', async (appeal) =>
      appeal.letter_enc
        ? (JSON.parse(
            await this.runtime.cipher.decrypt(appeal.letter_enc, {
              tenantId: who.tenantId,
              column: 'appeals.letter_enc',
              rowId: appeal.id,
            }),
          ) as { subject: string; body: string; source: string })
        : undefined,
    );
  }

  async packet(who: Actor, appealId: string): Promise<Buffer> {
    return this.readPhi(who, appealId, 'packet', async (appeal) =>
      appeal.packet_enc
        ? this.runtime.cipher.decryptBuffer(appeal.packet_enc, {
            tenantId: who.tenantId,
            column: 'appeals.packet_enc',
            rowId: appeal.id,
          })
        : undefined,
    );
  }

  private async readPhi<T>(
    who: Actor,
    appealId: string,
    what: 'letter' | 'packet',
    decrypt: (
      a: NonNullable<Awaited<ReturnType<AppealRepository['find']>>>,
    ) => Promise<T | undefined>,
  ): Promise<T> {
    const r = await inTenant(this.runtime.db, who, async (tx) => {
      const appeal = await new AppealRepository(tx).find(appealId);
      if (!appeal || !(await seesPhiOf(tx, who, appeal.claim_id))) return undefined;
      const value = await decrypt(appeal);
      if (value === undefined) return undefined;
      await recordAudit(tx, {
        action: `appeal.${what}_read`,
        resourceType: 'appeal',
        resourceId: appeal.id,
        claimId: appeal.claim_id,
        purpose: 'payment',
        actorRole: phiRole(who),
      });
      return { value };
    });
    if (!r) throw notFound(`appeal ${what}`);
    return r.value;
  }
}
