import { Controller, Get, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import {
  ClaimLinesRepository,
  type LineAdjustment,
  type LineRemark,
} from '../db/repositories/claim-lines.repository';
import { ClaimRepository } from '../db/repositories/claim.repository';
import { inTenant } from '../db/unit-of-work';
import type { Runtime } from '../ops/runtime';
import { carcDescription, rarcDescription } from '../x12/codes/code-lists';
import { notFound } from './errors';
import { seesPhiOf } from './phi-scope';
import { Requires } from './permissions';
import { type Actor, Who } from './principal';
import { RUNTIME } from './tokens';

const adjustment = (a: LineAdjustment) => ({
  group: a.group,
  reason: a.reason,
  amountCents: a.amountCents,
  quantity: a.quantity,
  description: carcDescription(a.reason)?.description ?? null,
});

const remark = (r: LineRemark) => ({
  qualifier: r.qualifier,
  code: r.code,
  description: rarcDescription(r.code)?.description ?? null,
});

/**
 * The remittance facts of a claim (service lines, adjustments and remark codes
 * with their published CARC/RARC descriptions) for the claim page. Codes and
 * amounts only, under the claim detail's rule: ops see any claim of the
 * tenant, a worker only the claims in their work.
 */
@ApiTags('claims')
@ApiBearerAuth()
@Controller('claims')
export class ClaimLinesController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get(':id/lines')
  @Requires('claim.read')
  async lines(@Who() who: Actor, @Param('id', new ParseUUIDPipe()) id: string) {
    const result = await inTenant(this.runtime.db, who, async (tx) => {
      if (!(await new ClaimRepository(tx).find(id))) return undefined;
      const ops = who.principal.roles.includes('ops');
      if (!ops && !(await seesPhiOf(tx, who, id))) return undefined;
      const read = new ClaimLinesRepository(tx);
      const [lines, adjustments, remarks] = await Promise.all([
        read.lines(id),
        read.adjustments(id),
        read.remarks(id),
      ]);
      return { lines, adjustments, remarks };
    });
    if (!result) throw notFound('claim');
    const of = <T extends { lineId: string | null }>(rows: T[], lineId: string | null) =>
      rows.filter((r) => r.lineId === lineId);
    return {
      claimId: id,
      adjustments: of(result.adjustments, null).map(adjustment),
      remarks: of(result.remarks, null).map(remark),
      lines: result.lines.map((l) => ({
        lineNumber: l.lineNumber,
        procedure: {
          qualifier: l.procedureQualifier,
          code: l.procedureCode,
          modifiers: l.modifiers,
        },
        chargeCents: l.chargeCents,
        paidCents: l.paidCents,
        units: l.units,
        adjustments: of(result.adjustments, l.id).map(adjustment),
        remarks: of(result.remarks, l.id).map(remark),
      })),
    };
  }
}
