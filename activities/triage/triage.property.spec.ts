import fc from 'fast-check';
import { daysBetween } from './dates';
import { triage } from './triage';
import type { TriageFacts } from './types';

const reasons = [
  '1',
  '2',
  '3',
  '16',
  '18',
  '22',
  '23',
  '29',
  '45',
  '50',
  '59',
  '96',
  '97',
  '197',
  '253',
  'A1',
  'B7',
  '999',
];
const adjustment = fc.record({
  group: fc.constantFrom('CO', 'PR', 'OA', 'PI', 'CR'),
  reason: fc.constantFrom(...reasons),
  amountCents: fc.integer({ min: -50_000, max: 500_000 }),
  level: fc.constantFrom('claim' as const, 'service' as const),
});
const isoDate = fc
  .date({
    min: new Date('2000-01-01T00:00:00Z'),
    max: new Date('2099-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map((d) => d.toISOString().slice(0, 10));
const arbitraryFacts: fc.Arbitrary<TriageFacts> = fc.record({
  claimStatusCode: fc.constantFrom('1', '2', '3', '4', '19', '20', '21', '23', '25'),
  claimFilingIndicator: fc.constantFrom('MA', 'MB', 'MC', 'CI', '12', '16'),
  chargeCents: fc.integer({ min: 0, max: 10_000_000 }),
  paidCents: fc.integer({ min: -1_000, max: 10_000_000 }),
  patientResponsibilityCents: fc.integer({ min: 0, max: 1_000_000 }),
  adjustments: fc.array(adjustment, { maxLength: 6 }),
  remarks: fc.subarray(['N290', 'MA130', 'N386', 'M51', 'N130', 'N211', 'N380', 'M999']),
  determinationDate: isoDate,
  previousAppealLevel: fc.constantFrom(
    undefined,
    'redetermination' as const,
    'first_level' as const,
  ),
});

describe('triage properties', () => {
  it('never puts more at stake than charge minus paid, and never a negative or fractional amount', () => {
    fc.assert(
      fc.property(arbitraryFacts, (f) => {
        const { amountAtStakeCents } = triage(f);
        return (
          Number.isSafeInteger(amountAtStakeCents) &&
          amountAtStakeCents >= 0 &&
          amountAtStakeCents <= Math.max(0, f.chargeCents - f.paidCents)
        );
      }),
      { numRuns: 500 },
    );
  });

  it('never sets a deadline before the determination date, and sets one only to act on', () => {
    fc.assert(
      fc.property(arbitraryFacts, (f) => {
        const result = triage(f);
        if (result.appealDeadline === null) return true;
        const acting =
          result.recommendedAction === 'appeal' || result.recommendedAction === 'corrected_claim';
        return acting && daysBetween(f.determinationDate, result.appealDeadline) >= 0;
      }),
      { numRuns: 500 },
    );
  });

  it('names an appeal level exactly when the action is appeal', () => {
    fc.assert(
      fc.property(arbitraryFacts, (f) => {
        const result = triage(f);
        return (result.appealLevel !== null) === (result.recommendedAction === 'appeal');
      }),
      { numRuns: 300 },
    );
  });
});
