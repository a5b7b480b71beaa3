import { triage, type TriageResult } from '../../triage';
import type { ClaimForAnalysis } from '../claim-facts';

/** The real rules engine's result for a synthetic claim, as the lead's activity will compute it. */
export function triageOf(claim: ClaimForAnalysis): TriageResult {
  return triage(
    {
      claimStatusCode: claim.statusCode,
      claimFilingIndicator: claim.filingIndicator,
      payerId: claim.payer.id,
      payerName: claim.payer.name,
      chargeCents: claim.chargeCents,
      paidCents: claim.paidCents,
      patientResponsibilityCents: claim.patientResponsibilityCents,
      adjustments: claim.adjustments,
      remarks: [...claim.remarks, ...claim.services.flatMap((s) => s.remarks)],
      determinationDate: claim.determinationDate,
      serviceDateFrom: claim.serviceDateFrom,
    },
    { today: claim.determinationDate },
  );
}
