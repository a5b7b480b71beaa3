/**
 * What to gather for each kind of appeal or resubmission: the evidence reviewers
 * ask for first in each denial category.
 */
import type { DenialCategory } from './types';

export const PROOF_OF_TIMELY_FILING =
  'proof of timely filing (clearinghouse acceptance report or payer acknowledgement dated within the filing limit)';

export const CATEGORY_DOCUMENTS: Readonly<Record<DenialCategory, readonly string[]>> = {
  missing_information: ['the missing or invalid data named by the remark codes'],
  authorization: [
    'prior authorization number or approval letter for the date of service',
    'medical records supporting retro-authorization when none was obtained',
  ],
  medical_necessity: [
    'medical records supporting necessity',
    'letter of medical necessity from the treating provider',
  ],
  timely_filing: [PROOF_OF_TIMELY_FILING],
  coding_bundling: ['operative or procedure notes supporting separately reportable services'],
  eligibility: ['eligibility verification (270/271 response) for the date of service'],
  duplicate: [],
  coordination_of_benefits: [
    'primary payer remittance/EOB',
    "patient's current other-insurance information",
  ],
  patient_responsibility: [],
  contractual: [],
  non_covered: ['plan benefit documents showing the service is covered'],
  provider_enrollment: ['proof of enrollment/credentialing effective on the date of service'],
  pricing: ['contracted fee schedule or rate sheet for the billed codes'],
  other: ["the payer's written explanation of the denial"],
};
