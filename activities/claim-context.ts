import type { PhiCipher } from '../db/crypto/phi-cipher';
import type { ClaimDetails } from '../db/repositories/claim-lifecycle.repository';
import type { ClaimForAnalysis } from './ai/claim-facts';
import { utcDay, type TriageFacts } from './triage';

/** How a patient's name is kept in claims.patient_name_enc (JSON, encrypted). */
export interface StoredName {
  last?: string;
  first?: string;
  middle?: string;
}

/** claims.service_dates_enc: dates of service are PHI too. */
export interface StoredServiceDates {
  from?: string;
  to?: string;
  lines?: Record<string, string>;
}

const cents = (v: string | number | bigint | null | undefined): number => Number(v ?? 0);

/** A calendar day: a `date` column is one already; a timestamp's is its UTC day. */
function isoDate(d: Date | string | null | undefined): string | undefined {
  if (!d) return undefined;
  return typeof d === 'string' ? d.slice(0, 10) : utcDay(d);
}

/** The PHI-free facts the rules need, from the stored 835 data. */
export function triageFactsOf(
  details: ClaimDetails,
  extra: {
    serviceDateFrom?: string;
    previousAppealLevel?: TriageFacts['previousAppealLevel'];
  } = {},
): TriageFacts {
  const { claim, adjustments, remarks, serviceLines } = details;
  const lineOf = new Map(serviceLines.map((l) => [l.id, l.line_number]));
  return {
    claimStatusCode: claim.status_code,
    ...(claim.claim_filing_indicator ? { claimFilingIndicator: claim.claim_filing_indicator } : {}),
    payerId: claim.payer_key,
    chargeCents: cents(claim.charge_cents),
    paidCents: cents(claim.paid_cents),
    patientResponsibilityCents: cents(claim.patient_responsibility_cents),
    adjustments: adjustments.map((a) => ({
      group: a.group_code,
      reason: a.reason_code,
      amountCents: cents(a.amount_cents),
      level: a.service_line_id ? ('service' as const) : ('claim' as const),
      ...(a.service_line_id ? { serviceLine: lineOf.get(a.service_line_id) } : {}),
    })),
    remarks: [...new Set(remarks.map((r) => r.code))],
    determinationDate: isoDate(claim.determination_date) ?? isoDate(claim.created_at)!,
    ...(extra.serviceDateFrom ? { serviceDateFrom: extra.serviceDateFrom } : {}),
    ...(extra.previousAppealLevel ? { previousAppealLevel: extra.previousAppealLevel } : {}),
  };
}

/** The claim with its PHI decrypted, for the minimizer, letters and packets; never returned from an activity. */
export async function claimForAnalysis(
  details: ClaimDetails,
  cipher: PhiCipher,
  payerName: string,
): Promise<ClaimForAnalysis> {
  const { claim } = details;
  const ctx = (column: string) => ({
    tenantId: claim.tenant_id,
    column: `claims.${column}`,
    rowId: claim.id,
  });
  const name: StoredName = claim.patient_name_enc
    ? JSON.parse(await cipher.decrypt(claim.patient_name_enc, ctx('patient_name_enc')))
    : {};
  const dates: StoredServiceDates = claim.service_dates_enc
    ? JSON.parse(await cipher.decrypt(claim.service_dates_enc, ctx('service_dates_enc')))
    : {};
  const memberId = claim.member_id_enc
    ? await cipher.decrypt(claim.member_id_enc, ctx('member_id_enc'))
    : undefined;
  const facts = triageFactsOf(details);
  const byLine = new Map<
    string,
    { adjustments: ClaimForAnalysis['services'][number]['adjustments']; remarks: string[] }
  >();
  for (const l of details.serviceLines) byLine.set(l.id, { adjustments: [], remarks: [] });
  for (const a of details.adjustments) {
    if (a.service_line_id)
      byLine.get(a.service_line_id)?.adjustments.push({
        group: a.group_code,
        reason: a.reason_code,
        amountCents: cents(a.amount_cents),
      });
  }
  for (const r of details.remarks)
    if (r.service_line_id) byLine.get(r.service_line_id)?.remarks.push(r.code);
  return {
    claimId: claim.id,
    patient: {
      ...(name.first ? { firstName: name.first } : {}),
      ...(name.last ? { lastName: name.last } : {}),
      ...(name.middle ? { middleName: name.middle } : {}),
      ...(memberId ? { memberId } : {}),
    },
    patientControlNumber: await cipher.decrypt(
      claim.patient_control_number_enc,
      ctx('patient_control_number_enc'),
    ),
    payerClaimControlNumber: claim.payer_claim_control_number,
    payer: { name: payerName, id: claim.payer_key },
    provider: {},
    statusCode: claim.status_code,
    ...(claim.claim_filing_indicator ? { filingIndicator: claim.claim_filing_indicator } : {}),
    chargeCents: facts.chargeCents,
    paidCents: facts.paidCents,
    patientResponsibilityCents: facts.patientResponsibilityCents,
    ...(dates.from ? { serviceDateFrom: dates.from } : {}),
    ...(dates.to ? { serviceDateTo: dates.to } : {}),
    determinationDate: facts.determinationDate,
    adjustments: facts.adjustments,
    remarks: facts.remarks,
    services: details.serviceLines.map((l) => ({
      line: l.line_number,
      procedure: l.procedure_code,
      modifiers: l.modifiers,
      chargeCents: cents(l.charge_cents),
      paidCents: cents(l.paid_cents),
      ...(dates.lines?.[String(l.line_number)]
        ? { serviceDate: dates.lines[String(l.line_number)] }
        : {}),
      ...byLine.get(l.id)!,
    })),
  };
}
