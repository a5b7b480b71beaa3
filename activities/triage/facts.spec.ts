import { TriageInputError } from './errors';
import { triage } from './triage';
import { adj, facts } from './triage-fixtures';
import type { TriageFacts } from './types';

function fieldOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof TriageInputError) return error.field;
    throw error;
  }
  return undefined;
}

describe('triage: invalid facts', () => {
  it('rejects an impossible determination date, naming the field', () => {
    expect(fieldOf(() => triage(facts({ determinationDate: '2025-02-30' })))).toBe(
      'determinationDate',
    );
  });

  it('rejects a bad service date without echoing it (dates of service are PHI)', () => {
    try {
      triage(facts({ serviceDateFrom: '1961-13-05' }));
      throw new Error('expected a TriageInputError');
    } catch (error) {
      expect((error as TriageInputError).field).toBe('serviceDateFrom');
      expect((error as Error).message).not.toContain('1961');
    }
  });

  it('rejects a bad today option', () => {
    expect(fieldOf(() => triage(facts(), { today: 'tomorrow' }))).toBe('today');
  });

  it('rejects an unknown claim status code', () => {
    expect(fieldOf(() => triage(facts({ claimStatusCode: '5' })))).toBe('claimStatusCode');
  });

  it('rejects fractional or non-numeric cents', () => {
    expect(fieldOf(() => triage(facts({ chargeCents: 10.5 })))).toBe('chargeCents');
    expect(fieldOf(() => triage(facts({ paidCents: Number.NaN })))).toBe('paidCents');
    expect(fieldOf(() => triage(facts({ adjustments: [adj('CO-50', 0.1)] })))).toBe(
      'adjustments[0].amountCents',
    );
  });

  it('rejects a negative charge except on a reversal', () => {
    expect(fieldOf(() => triage(facts({ chargeCents: -1 })))).toBe('chargeCents');
    expect(
      fieldOf(() => triage(facts({ claimStatusCode: '22', chargeCents: -1 }))),
    ).toBeUndefined();
  });

  it('rejects an unknown group code and an empty reason with their index', () => {
    expect(fieldOf(() => triage(facts({ adjustments: [adj('CO-45', 1), adj('XX-50', 1)] })))).toBe(
      'adjustments[1].group',
    );
    expect(
      fieldOf(() => triage(facts({ adjustments: [{ ...adj('CO-45', 1), reason: '' }] }))),
    ).toBe('adjustments[0].reason');
  });

  it('rejects a bad level, remark or appeal level', () => {
    const badLevel = {
      ...adj('CO-45', 1),
      level: 'line',
    } as unknown as TriageFacts['adjustments'][number];
    expect(fieldOf(() => triage(facts({ adjustments: [badLevel] })))).toBe('adjustments[0].level');
    expect(fieldOf(() => triage(facts({ remarks: ['N 290'] })))).toBe('remarks[0]');
    const level = 'level_two' as TriageFacts['previousAppealLevel'];
    expect(fieldOf(() => triage(facts({ previousAppealLevel: level })))).toBe(
      'previousAppealLevel',
    );
  });

  it('rejects missing arrays instead of treating them as empty', () => {
    const noAdjustments = { ...facts(), adjustments: undefined } as unknown as TriageFacts;
    expect(fieldOf(() => triage(noAdjustments))).toBe('adjustments');
  });
});
