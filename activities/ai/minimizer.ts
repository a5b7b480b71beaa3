import type { ClaimForAnalysis } from './claim-facts';
import { canonicalJson, sha256Hex } from './canonical-json';
import { createRedactor, type Redactor } from './redactor';

/**
 * The minimum necessary of one claim for a model: codes, amounts, the payer and
 * dates counted in days from the service date. Names, ids, birth date, address,
 * provider and free text are placeholders ('{{PATIENT_NAME}}') whose real values
 * stay in `Minimized.placeholders`, in this process.
 */
export interface MinimizedAdjustment {
  group: string | null;
  reason: string | null;
  amount: string;
}

export interface MinimizedClaim {
  patient: Record<'name' | 'memberId' | 'dateOfBirth' | 'address', string | null>;
  patientControlNumber: string | null;
  payerClaimControlNumber: string | null;
  payer: { name: string | null; id: string | null };
  provider: { name: string | null; npi: string | null };
  statusCode: string | null;
  filingIndicator: string | null;
  amounts: { charge: string; paid: string; patientResponsibility: string };
  dates: { serviceFrom: string | null; serviceTo: string | null; determination: string | null };
  adjustments: (MinimizedAdjustment & { level: 'claim' | 'service'; serviceLine: number | null })[];
  remarks: (string | null)[];
  services: {
    line: number;
    procedure: string | null;
    modifiers: (string | null)[];
    charge: string;
    paid: string;
    date: string | null;
    dateText: string | null;
    adjustments: MinimizedAdjustment[];
    remarks: (string | null)[];
  }[];
  notes: string[];
  /** What each placeholder in this payload stands for, so the model can use them in prose. */
  placeholders: Record<string, string>;
}

export interface Minimized {
  payload: MinimizedClaim;
  /** '{{PATIENT_NAME}}' → the real value; never sent. */
  placeholders: Map<string, string>;
  /** sha256 (hex) of `canonicalJson(payload)`, the exact text sent for the claim. */
  sha256: string;
}

/** Procedure codes may carry their qualifier ('HC:99213') or be NDCs. */
const PROCEDURE_SHAPE = /^[A-Za-z0-9]{1,3}(:[A-Za-z0-9-]{1,48})?$|^[A-Za-z0-9-]{1,48}$/;
/** Payer names are prose, but not free text: letters, digits and light punctuation only. */
const PAYER_NAME_SHAPE = /^[\p{L}\p{N} .,&'()/-]{1,80}$/u;
const PAYER_ID_SHAPE = /^[A-Za-z0-9-]{1,30}$/;

const LEGEND: Record<string, string> = {
  '{{PATIENT_NAME}}': "patient's full name",
  '{{PATIENT_FIRST_NAME}}': "patient's first name",
  '{{PATIENT_MIDDLE_NAME}}': "patient's middle name",
  '{{PATIENT_LAST_NAME}}': "patient's last name",
  '{{MEMBER_ID}}': "patient's member id at the payer",
  '{{PATIENT_DOB}}': "patient's date of birth",
  '{{PATIENT_ADDRESS}}': "patient's address",
  '{{PATIENT_CONTROL_NUMBER}}': "provider's patient account / claim number",
  '{{PAYER_CLAIM_NUMBER}}': "payer's claim control number",
  '{{PROVIDER_NAME}}': 'billing provider name',
  '{{PROVIDER_NPI}}': 'billing provider NPI',
  '{{SERVICE_DATE_FROM}}': 'first date of service',
  '{{SERVICE_DATE_TO}}': 'last date of service',
  '{{DETERMINATION_DATE}}': "date of the payer's determination (remittance)",
};

/** Cents as a plain decimal string ('-12.50'): exact, unlike a float. */
export function decimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const has = (r: Redactor, key: string): string | null => (r.placeholders.has(key) ? key : null);

export function minimize(claim: ClaimForAnalysis): Minimized {
  const r = createRedactor(claim);
  const adjustment = (a: { group: string; reason: string; amountCents: number }) => ({
    group: r.code(a.group),
    reason: r.code(a.reason),
    amount: decimal(a.amountCents),
  });
  const payload: MinimizedClaim = {
    patient: {
      name: has(r, '{{PATIENT_NAME}}'),
      memberId: has(r, '{{MEMBER_ID}}'),
      dateOfBirth: has(r, '{{PATIENT_DOB}}'),
      address: has(r, '{{PATIENT_ADDRESS}}'),
    },
    patientControlNumber: has(r, '{{PATIENT_CONTROL_NUMBER}}'),
    payerClaimControlNumber: has(r, '{{PAYER_CLAIM_NUMBER}}'),
    payer: {
      name: r.code(claim.payer.name, PAYER_NAME_SHAPE),
      id: r.code(claim.payer.id, PAYER_ID_SHAPE),
    },
    provider: { name: has(r, '{{PROVIDER_NAME}}'), npi: has(r, '{{PROVIDER_NPI}}') },
    statusCode: r.code(claim.statusCode),
    filingIndicator: r.code(claim.filingIndicator),
    amounts: {
      charge: decimal(claim.chargeCents),
      paid: decimal(claim.paidCents),
      patientResponsibility: decimal(claim.patientResponsibilityCents),
    },
    dates: {
      serviceFrom: r.relativeDate(claim.serviceDateFrom),
      serviceTo: r.relativeDate(claim.serviceDateTo),
      determination: r.relativeDate(claim.determinationDate),
    },
    adjustments: claim.adjustments.map((a) => ({
      ...adjustment(a),
      level: a.level === 'service' ? 'service' : 'claim',
      serviceLine: Number.isInteger(a.serviceLine) ? (a.serviceLine as number) : null,
    })),
    remarks: claim.remarks.map((code) => r.code(code)),
    services: claim.services.map((s) => ({
      line: s.line,
      procedure: r.code(s.procedure, PROCEDURE_SHAPE),
      modifiers: s.modifiers.map((m) => r.code(m)),
      charge: decimal(s.chargeCents),
      paid: decimal(s.paidCents),
      date: r.relativeDate(s.serviceDate),
      dateText: has(r, `{{SERVICE_DATE_LINE_${s.line}}}`),
      adjustments: s.adjustments.map(adjustment),
      remarks: s.remarks.map((code) => r.code(code)),
    })),
    notes: [...r.placeholders.keys()].filter((k) => k.startsWith('{{FREE_TEXT_')),
    placeholders: legend(r.placeholders),
  };
  return {
    payload,
    placeholders: new Map(r.placeholders),
    sha256: sha256Hex(canonicalJson(payload)),
  };
}

function legend(placeholders: Map<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of placeholders.keys()) {
    const line = /^\{\{SERVICE_DATE_LINE_(\d+)\}\}$/.exec(key);
    const note = /^\{\{FREE_TEXT_(\d+)\}\}$/.exec(key);
    out[key] =
      LEGEND[key] ??
      (line
        ? `date of service of line ${line[1]}`
        : note
          ? `internal note ${note[1]}`
          : 'withheld');
  }
  return out;
}

const PLACEHOLDER = /\{\{[A-Z0-9_]+\}\}/g;

/**
 * Puts the real values back, locally, in one pass: a real value that itself
 * looks like a placeholder is not expanded again. Unknown placeholders stay.
 */
export function fillPlaceholders(text: string, placeholders: Map<string, string>): string {
  return text.replace(PLACEHOLDER, (key) => placeholders.get(key) ?? key);
}

/** Placeholders in `text` that `placeholders` cannot fill (a model may invent some). */
export function unknownPlaceholders(text: string, placeholders: Map<string, string>): string[] {
  return [...new Set(text.match(PLACEHOLDER) ?? [])].filter((k) => !placeholders.has(k));
}
