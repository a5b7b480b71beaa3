import type { AdjustmentGroup, ClaimRemark } from '../schema';
import type { Tx } from '../unit-of-work';

export interface LineAdjustment {
  lineId: string | null;
  group: AdjustmentGroup;
  reason: string;
  amountCents: string;
  quantity: string | null;
}

export interface LineRemark {
  lineId: string | null;
  qualifier: ClaimRemark['qualifier'];
  code: string;
}

/**
 * The 835's facts of one claim as the claim page shows them: service lines
 * with their adjustments and remark codes. Codes and amounts only; the dates
 * of service are PHI and stay in the claim's encrypted column.
 */
export class ClaimLinesRepository {
  constructor(private readonly tx: Tx) {}

  async lines(claimId: string) {
    return this.tx
      .selectFrom('service_lines')
      .select([
        'id',
        'line_number as lineNumber',
        'procedure_qualifier as procedureQualifier',
        'procedure_code as procedureCode',
        'modifiers',
        'charge_cents as chargeCents',
        'paid_cents as paidCents',
        'units',
      ])
      .where('claim_id', '=', claimId)
      .orderBy('line_number')
      .execute();
  }

  /** Claim-level and line-level adjustments, in the 835's order. */
  async adjustments(claimId: string): Promise<LineAdjustment[]> {
    return this.tx
      .selectFrom('claim_adjustments')
      .select([
        'service_line_id as lineId',
        'group_code as group',
        'reason_code as reason',
        'amount_cents as amountCents',
        'quantity',
      ])
      .where('claim_id', '=', claimId)
      .orderBy('position')
      .execute();
  }

  async remarks(claimId: string): Promise<LineRemark[]> {
    return this.tx
      .selectFrom('claim_remarks')
      .select(['service_line_id as lineId', 'qualifier', 'code'])
      .where('claim_id', '=', claimId)
      .orderBy('position')
      .execute();
  }
}
