import type { DenialCategory } from './triage-types';

/**
 * The fixed wording of template letters, one set per kind of denial. Kept apart
 * from the layout so a reviewer (or compliance) can read and change the words
 * without touching code.
 */
export interface LetterText {
  title: string;
  opening: string;
  argument: string;
  request: string;
}

export type LetterKind =
  | 'medical_necessity'
  | 'authorization'
  | 'timely_filing'
  | 'coding_bundling'
  | 'missing_information'
  | 'coordination_of_benefits'
  | 'eligibility'
  | 'duplicate'
  | 'generic';

export function letterKindOf(category: DenialCategory): LetterKind {
  switch (category) {
    case 'medical_necessity':
    case 'authorization':
    case 'timely_filing':
    case 'coding_bundling':
    case 'missing_information':
    case 'coordination_of_benefits':
    case 'eligibility':
    case 'duplicate':
      return category;
    default:
      return 'generic';
  }
}

export const LETTER_TEXTS: Record<LetterKind, LetterText> = {
  medical_necessity: {
    title: 'Appeal of a medical necessity denial',
    opening:
      'We appeal the denial of the services below as not medically necessary and ask that the claim be reconsidered on the clinical record.',
    argument:
      "The services were ordered and performed by a licensed provider to treat the patient's documented condition and meet the applicable coverage criteria. The enclosed records document the diagnosis, the treatment plan and why these services were required.",
    request:
      'Please reverse the denial and reprocess the claim for payment. If any coverage criterion is considered unmet, please name it so that we can respond.',
  },
  authorization: {
    title: 'Appeal of a denial for missing authorization',
    opening:
      'We appeal the denial of the services below for absent precertification or authorization.',
    argument:
      'Authorization was obtained, or was not required for these services, or the circumstances (an urgent or emergency service, a retroactive authorization request) excuse it. The enclosed documents show the authorization number or the circumstances.',
    request:
      'Please apply the authorization, or grant a retroactive authorization, and reprocess the claim for payment.',
  },
  timely_filing: {
    title: 'Appeal of a timely filing denial',
    opening: 'We appeal the denial of this claim for exceeding the time limit for filing.',
    argument:
      'The claim was first submitted within the filing limit, as the enclosed proof of timely filing (clearinghouse acceptance report or earlier payer acknowledgement) shows. Any later submission was a resubmission or correction of that timely claim.',
    request: 'Please accept the original submission date and reprocess the claim for payment.',
  },
  coding_bundling: {
    title: 'Appeal of a coding or bundling denial',
    opening:
      'We appeal the adjustment of the services below as included in, or incompatible with, another service on the claim.',
    argument:
      'The services are distinct: they were performed separately and each is supported on its own by the documentation. Where a modifier identifies the distinct service, it is shown below and supported by the enclosed records.',
    request:
      'Please reprocess the services separately and pay them under the applicable fee schedule.',
  },
  missing_information: {
    title: 'Corrected claim: information the payer found missing',
    opening:
      'Please find with this letter a corrected claim, replacing the original claim below, with the information the remittance found missing or invalid.',
    argument:
      'The corrected claim supplies the information the remark codes below ask for; the enclosed documents support it.',
    request: 'Please process the corrected claim in place of the original and pay it.',
  },
  coordination_of_benefits: {
    title: 'Appeal of a coordination of benefits denial',
    opening:
      'We appeal the denial of this claim pending coordination of benefits with another payer.',
    argument:
      "The enclosed documents establish the patient's coverage order: either this plan is primary for the dates of service, or the primary payer has adjudicated the claim as its explanation of benefits shows.",
    request:
      'Please update the coordination of benefits record and reprocess the claim as primary, or as secondary on the enclosed primary explanation of benefits.',
  },
  eligibility: {
    title: 'Appeal of an eligibility denial',
    opening:
      'We appeal the denial of this claim on the ground that the patient was not covered on the dates of service.',
    argument:
      'The patient was covered on the dates of service, as the enclosed eligibility verification and member information show.',
    request: "Please correct the patient's eligibility record and reprocess the claim for payment.",
  },
  duplicate: {
    title: 'Appeal of a duplicate claim denial',
    opening: 'We appeal the denial of the services below as duplicates of an earlier claim.',
    argument:
      'The services are not duplicates: they were separate services (different times, units or sites), as the enclosed records show, and no earlier claim for them has been paid.',
    request: 'Please reprocess the services as distinct and pay them.',
  },
  generic: {
    title: 'Request for reconsideration',
    opening: 'We ask for reconsideration of the adjustments below.',
    argument:
      'Our review of the claim and of the remittance found the adjustments below not supported, for the reasons given.',
    request: 'Please review the claim again and reprocess it for payment.',
  },
};
