import { carcDescription, rarcDescription } from '../../x12/codes/code-lists';
import type { ClaimForAnalysis } from './claim-facts';
import { LETTER_TEXTS, letterKindOf } from './letter-texts';
import { decimal, fillPlaceholders, type Minimized } from './minimizer';
import { REVIEWER_SIGNATURE } from './prompts';
import type { DenialCategory } from './triage-types';

/** What a template letter is written from: the merged analysis, whoever produced it. */
export interface LetterInputs {
  category: DenialCategory;
  rationale: string[];
  missingDocuments: string[];
  appealArguments: string[];
}

const GROUPS: Record<string, string> = {
  CO: 'Contractual Obligation',
  PR: 'Patient Responsibility',
  OA: 'Other Adjustment',
  PI: 'Payer Initiated Reduction',
  CR: 'Correction and Reversal',
};

const dollars = (cents: number): string =>
  `$${decimal(cents).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;

/** The published description without its usage note, which speaks to payers, not to us. */
export function describeCarc(code: string): string {
  const d = carcDescription(code)?.description;
  return d ? d.split(/\s+Usage:/)[0] : 'not in the published CARC list';
}

export function describeRarc(code: string): string {
  const d = rarcDescription(code)?.description;
  return d ? d.split(/\s+Usage:/)[0] : 'not in the published RARC list';
}

const bullets = (items: string[]): string[] => items.map((i) => `- ${i}`);

function header(claim: ClaimForAnalysis, p: Map<string, string>): string[] {
  const line = (label: string, key: string, suffix = '') =>
    p.has(key) ? [`${label}: ${key}${suffix}`] : [];
  const dates = p.has('{{SERVICE_DATE_TO}}')
    ? '{{SERVICE_DATE_FROM}} to {{SERVICE_DATE_TO}}'
    : '{{SERVICE_DATE_FROM}}';
  return [
    ...line('Patient', '{{PATIENT_NAME}}'),
    ...line('Date of birth', '{{PATIENT_DOB}}'),
    ...line('Member ID', '{{MEMBER_ID}}'),
    ...line('Payer claim number', '{{PAYER_CLAIM_NUMBER}}'),
    ...line('Patient account number', '{{PATIENT_CONTROL_NUMBER}}'),
    ...(p.has('{{SERVICE_DATE_FROM}}') ? [`Dates of service: ${dates}`] : []),
    ...line(
      'Billing provider',
      '{{PROVIDER_NAME}}',
      p.has('{{PROVIDER_NPI}}') ? ' (NPI {{PROVIDER_NPI}})' : '',
    ),
    ...line('Date of determination', '{{DETERMINATION_DATE}}'),
    `Billed: ${dollars(claim.chargeCents)}; paid: ${dollars(claim.paidCents)}; patient responsibility: ${dollars(claim.patientResponsibilityCents)}`,
  ];
}

function codes(claim: ClaimForAnalysis): string[] {
  const adjustments = [
    ...claim.adjustments.filter((a) => a.level === 'claim').map((a) => ({ ...a, where: 'claim' })),
    ...claim.services.flatMap((s) => s.adjustments.map((a) => ({ ...a, where: `line ${s.line}` }))),
  ];
  const remarks = [...new Set([...claim.remarks, ...claim.services.flatMap((s) => s.remarks)])];
  const out = ['The remittance gives these adjustment reasons:'];
  for (const a of adjustments) {
    const group = GROUPS[a.group.toUpperCase()] ?? a.group;
    out.push(
      `- ${a.group}-${a.reason} (${group}), ${dollars(a.amountCents)}, ${a.where}: ${describeCarc(a.reason)}`,
    );
  }
  if (remarks.length)
    out.push('', 'Remark codes:', ...remarks.map((r) => `- ${r}: ${describeRarc(r)}`));
  if (claim.services.length) {
    out.push('', 'Services:');
    for (const s of claim.services) {
      const mods = s.modifiers.length ? ` (modifiers ${s.modifiers.join(', ')})` : '';
      const date = s.serviceDate ? `, {{SERVICE_DATE_LINE_${s.line}}}` : '';
      const code = s.procedure.replace(/^[A-Z]{1,3}:/, '');
      out.push(
        `- Line ${s.line}${date}: procedure ${code}${mods}, billed ${dollars(s.chargeCents)}, paid ${dollars(s.paidCents)}`,
      );
    }
  }
  return out;
}

/** A complete appeal letter without any model: fixed wording per category, facts from the claim. */
export function templateLetter(
  claim: ClaimForAnalysis,
  minimized: Minimized,
  inputs: LetterInputs,
): { subject: string; body: string } {
  const text = LETTER_TEXTS[letterKindOf(inputs.category)];
  const p = minimized.placeholders;
  const ref = p.has('{{PAYER_CLAIM_NUMBER}}')
    ? '{{PAYER_CLAIM_NUMBER}}'
    : '{{PATIENT_CONTROL_NUMBER}}';
  const reasons = inputs.appealArguments.length ? inputs.appealArguments : inputs.rationale;
  const body = [
    claim.payer.name,
    'Attn: Appeals and Reconsiderations',
    '',
    `Re: ${text.title}`,
    ...header(claim, p),
    '',
    'To the Appeals Department:',
    '',
    text.opening,
    '',
    ...codes(claim),
    '',
    text.argument,
    ...(reasons.length ? ['', 'In particular:', ...bullets(reasons)] : []),
    ...(inputs.missingDocuments.length
      ? ['', 'Enclosed:', ...bullets(inputs.missingDocuments)]
      : []),
    '',
    text.request,
    '',
    'Sincerely,',
    '',
    REVIEWER_SIGNATURE,
    ...(p.has('{{PROVIDER_NAME}}') ? ['{{PROVIDER_NAME}}'] : []),
  ].join('\n');
  return {
    subject: fillPlaceholders(`${text.title}: claim ${ref}`, p),
    body: fillPlaceholders(body, p),
  };
}
