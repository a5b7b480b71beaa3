/**
 * Appeal ladders. Medicare Part A/B has five levels (42 CFR 405 subpart I):
 * redetermination by the MAC, reconsideration by the QIC, ALJ hearing, Medicare
 * Appeals Council review, judicial review. Commercial plans have internal levels
 * and then independent external review (45 CFR 147.136(d)); Medicaid's provider
 * appeals are state-run and stop after the state's internal levels here, because
 * ACA external review does not apply to them.
 */
import type { PayerProgram } from './payer-rules';
import type { AppealLevel } from './types';

const MEDICARE_LADDER: readonly AppealLevel[] = [
  'redetermination',
  'reconsideration',
  'alj_hearing',
  'council_review',
  'judicial_review',
];
const COMMERCIAL_LADDER: readonly AppealLevel[] = [
  'first_level',
  'second_level',
  'external_review',
];
const MEDICAID_LADDER: readonly AppealLevel[] = ['first_level', 'second_level'];

/** The program a CLP06 claim filing indicator implies when no payer rule says otherwise. */
export function programForFilingIndicator(filingIndicator?: string): PayerProgram {
  if (filingIndicator === 'MA' || filingIndicator === 'MB') return 'medicare';
  if (filingIndicator === 'MC') return 'medicaid';
  return 'commercial';
}

function ladderFor(level: AppealLevel, program: PayerProgram): readonly AppealLevel[] {
  // The Medicare level names only exist on the Medicare ladder, whatever CLP06 says.
  if (MEDICARE_LADDER.includes(level)) return MEDICARE_LADDER;
  return program === 'medicaid' ? MEDICAID_LADDER : COMMERCIAL_LADDER;
}

/** The first level to file for a program. */
export function firstAppealLevel(program: PayerProgram): AppealLevel {
  return program === 'medicare' ? 'redetermination' : 'first_level';
}

/** The level after `level` is lost, for a program; null when the ladder is exhausted. */
export function nextAppealLevelFor(level: AppealLevel, program: PayerProgram): AppealLevel | null {
  const ladder = ladderFor(level, program);
  const index = ladder.indexOf(level);
  return index >= 0 && index + 1 < ladder.length ? ladder[index + 1] : null;
}

/**
 * The level to file after `level` was lost; null after the last level. The
 * filing indicator only matters for the non-Medicare levels ('MC' has no
 * external review).
 */
export function nextAppealLevel(level: AppealLevel, filingIndicator?: string): AppealLevel | null {
  return nextAppealLevelFor(level, programForFilingIndicator(filingIndicator));
}
