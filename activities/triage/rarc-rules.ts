/**
 * RARC → triage rule. Remark codes refine a catch-all CARC (16, 96, A1, 252 …):
 * 'CO-16 + N290' is a missing rendering provider id, fixed by a corrected claim.
 * A few remarks change the action whatever the CARC (MA130: unprocessable, resubmit).
 * Remarks arrive per claim here (TriageFacts.remarks), so a refinement applies to
 * every catch-all adjustment on the claim.
 */
import { rule, type CodeRule } from './code-rule';

const corrected = { action: 'corrected_claim' } as const;
const recode = { action: 'corrected_claim', documents: ['corrected codes'] } as const;
const records = { documents: ['medical records for the billed service'] } as const;

export const RARC_RULES: Readonly<Record<string, CodeRule>> = Object.freeze({
  // Missing or invalid data elements: correct the claim.
  N290: rule('missing_information', { ...corrected, documents: ['rendering provider NPI'] }),
  N264: rule('missing_information', { ...corrected, documents: ['ordering provider name'] }),
  N265: rule('missing_information', { ...corrected, documents: ['ordering provider NPI'] }),
  N286: rule('missing_information', { ...corrected, documents: ['referring provider NPI'] }),
  N31: rule('missing_information', { ...corrected, documents: ['prescribing provider NPI'] }),
  N575: rule('missing_information', {
    ...corrected,
    documents: ['ordering/referring provider name'],
  }),
  M79: rule('missing_information', corrected),
  N34: rule('missing_information', corrected),
  N350: rule('missing_information', {
    ...corrected,
    documents: ['description of the unlisted service'],
  }),
  MA120: rule('missing_information', { ...corrected, documents: ['CLIA certification number'] }),
  MA130: rule('missing_information', {
    ...corrected,
    generic: true,
    note: 'the claim is unprocessable and carries no appeal rights: submit a new claim',
  }),
  N517: rule('missing_information', { ...corrected, generic: true }),
  M127: rule('missing_information', records),
  N705: rule('missing_information', records),
  N706: rule('missing_information', records),
  N225: rule('missing_information', records),

  // Wrong codes.
  M51: rule('coding_bundling', recode),
  M20: rule('coding_bundling', recode),
  MA66: rule('coding_bundling', recode),
  M76: rule('coding_bundling', recode),
  MA63: rule('coding_bundling', recode),
  M77: rule('coding_bundling', recode),
  M119: rule('coding_bundling', { ...corrected, documents: ['valid National Drug Code'] }),
  N56: rule('coding_bundling', recode),
  N519: rule('coding_bundling', recode),
  N657: rule('coding_bundling', recode),
  // Bundling edits.
  N19: rule('coding_bundling'),
  N20: rule('coding_bundling'),
  N122: rule('coding_bundling', recode),
  M80: rule('coding_bundling'),

  // Coverage policy and clinical criteria.
  N386: rule('medical_necessity', {
    documents: ['documentation meeting the National Coverage Determination criteria'],
  }),
  N115: rule('medical_necessity', {
    documents: ['documentation meeting the Local Coverage Determination criteria'],
  }),
  M25: rule('medical_necessity'),
  N180: rule('medical_necessity'),
  N640: rule('medical_necessity'),

  // Authorization.
  N54: rule('authorization', { documents: ['authorization covering the billed services'] }),
  M62: rule('authorization', { ...corrected, documents: ['prior authorization number'] }),

  // Eligibility.
  N30: rule('eligibility'),
  MA27: rule('eligibility', {
    ...corrected,
    documents: ['member ID and name exactly as on the card'],
  }),
  MA61: rule('eligibility', corrected),

  // Other payers.
  N4: rule('coordination_of_benefits', { ...corrected, documents: ['prior payer remittance/EOB'] }),
  N479: rule('coordination_of_benefits', {
    ...corrected,
    documents: ['prior payer remittance/EOB'],
  }),
  MA04: rule('coordination_of_benefits', {
    ...corrected,
    documents: ['prior payer remittance/EOB'],
  }),
  N36: rule('coordination_of_benefits', corrected),
  N155: rule('coordination_of_benefits', corrected),

  // Benefits.
  N130: rule('non_covered', { documents: ['plan benefit documents/guidelines for this service'] }),
  N425: rule('non_covered', { note: 'statutorily excluded services are rarely overturned' }),

  // Provider type.
  N95: rule('provider_enrollment'),

  // Replacement-claim remarks: a "duplicate" that is really a correction to resubmit.
  N142: rule('duplicate', {
    ...corrected,
    atStake: true,
    note: 'resubmit as a new claim, not a replacement',
  }),
  N152: rule('duplicate', {
    ...corrected,
    atStake: true,
    documents: ['original payer claim control number'],
  }),
  N380: rule('duplicate', {
    ...corrected,
    atStake: true,
    note: 'submit a corrected (replacement) claim',
  }),
  N798: rule('duplicate', {
    ...corrected,
    atStake: true,
    note: 'void the original claim, then submit a new one',
  }),
});

/** Remarks that take appeal rights away, whatever the CARC. */
export const NO_APPEAL_RIGHTS_REMARKS: readonly string[] = ['N211', 'MA130'];
