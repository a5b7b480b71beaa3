/**
 * Synthetic claims for the AI module's specs. Every identifying value is a
 * made-up string unique enough that finding it anywhere in a request can only
 * mean it leaked.
 */
import type { ClaimForAnalysis } from '../claim-facts';
import type { TriageResult } from '../triage-types';

export const PHI = {
  claimId: 'c1a1b2c3-d4e5-4f60-8a7b-9c0d1e2f3a4b',
  firstName: 'Quillonia',
  middleName: 'Zephyrine',
  lastName: 'Marrowgate',
  memberId: 'MBRQX7741093',
  dateOfBirth: '1961-07-23',
  address: '4417 Thistlewick Lane, Fernhollow, OR 97999',
  patientControlNumber: 'PCNZK88120457',
  payerClaimControlNumber: 'ICN5550918273',
  providerName: 'Brambleton Family Clinic',
  providerNpi: '1999999984',
  serviceDateFrom: '2026-02-02',
  serviceDateTo: '2026-02-03',
  determinationDate: '2026-03-19',
  freeText: [
    'Mrs Quillonia Marrowgate phoned about the bill',
    'Daughter Yselda Orrin-Vask is the contact',
  ],
} as const;

/** The strings no request may carry (dates too: they are dates of service of one person). */
export const PHI_STRINGS: string[] = [
  PHI.claimId,
  PHI.firstName,
  PHI.middleName,
  PHI.lastName,
  PHI.memberId,
  PHI.dateOfBirth,
  PHI.dateOfBirth.replaceAll('-', ''),
  PHI.address,
  'Thistlewick',
  PHI.patientControlNumber,
  PHI.payerClaimControlNumber,
  PHI.providerName,
  PHI.providerNpi,
  PHI.serviceDateFrom,
  PHI.serviceDateTo,
  PHI.determinationDate,
  ...PHI.freeText,
  'Yselda',
];

export function syntheticClaim(overrides: Partial<ClaimForAnalysis> = {}): ClaimForAnalysis {
  return {
    claimId: PHI.claimId,
    patient: {
      firstName: PHI.firstName,
      middleName: PHI.middleName,
      lastName: PHI.lastName,
      memberId: PHI.memberId,
      dateOfBirth: PHI.dateOfBirth,
      address: PHI.address,
    },
    patientControlNumber: PHI.patientControlNumber,
    payerClaimControlNumber: PHI.payerClaimControlNumber,
    payer: { name: 'ACME HEALTH PLAN', id: '62308' },
    provider: { name: PHI.providerName, npi: PHI.providerNpi },
    statusCode: '1',
    filingIndicator: 'CI',
    chargeCents: 42_500,
    paidCents: 0,
    patientResponsibilityCents: 2_000,
    serviceDateFrom: PHI.serviceDateFrom,
    serviceDateTo: PHI.serviceDateTo,
    determinationDate: PHI.determinationDate,
    adjustments: [
      { group: 'CO', reason: '50', amountCents: 40_500, level: 'service', serviceLine: 1 },
      { group: 'PR', reason: '2', amountCents: 2_000, level: 'service', serviceLine: 2 },
    ],
    remarks: ['N115'],
    services: [
      {
        line: 1,
        procedure: 'HC:97110',
        modifiers: ['GP'],
        chargeCents: 40_500,
        paidCents: 0,
        serviceDate: PHI.serviceDateFrom,
        adjustments: [{ group: 'CO', reason: '50', amountCents: 40_500 }],
        remarks: ['N115'],
      },
      {
        line: 2,
        procedure: 'HC:99213',
        modifiers: [],
        chargeCents: 2_000,
        paidCents: 0,
        serviceDate: PHI.serviceDateTo,
        adjustments: [{ group: 'PR', reason: '2', amountCents: 2_000 }],
        remarks: [],
      },
    ],
    freeText: [...PHI.freeText],
    ...overrides,
  };
}

export function rulesResult(overrides: Partial<TriageResult> = {}): TriageResult {
  return {
    source: 'rules',
    rulesVersion: 'test',
    category: 'medical_necessity',
    categories: [{ category: 'medical_necessity', amountCents: 40_500, codes: ['CO-50', 'N115'] }],
    recommendedAction: 'appeal',
    rationale: ['CARC 50 (medical necessity) on line 1 for 405.00; an LCD applies (N115).'],
    missingDocuments: ['Medical records for the date of service', 'Letter of medical necessity'],
    appealLevel: 'first_level',
    appealDeadline: '2026-05-18',
    deadlineRule: 'commercial: 60 days from determination',
    amountAtStakeCents: 40_500,
    ...overrides,
  };
}

/** A claim whose only money is patient responsibility and the contractual write-off. */
export function patientResponsibilityClaim(): ClaimForAnalysis {
  return syntheticClaim({
    paidCents: 30_000,
    patientResponsibilityCents: 5_000,
    adjustments: [
      { group: 'CO', reason: '45', amountCents: 7_500, level: 'claim' },
      { group: 'PR', reason: '1', amountCents: 5_000, level: 'claim' },
    ],
    remarks: [],
    services: [],
  });
}
