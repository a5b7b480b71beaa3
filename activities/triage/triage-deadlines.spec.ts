import defaultData from './payer-rules.json';
import { loadPayerRules } from './payer-rules';
import { triage } from './triage';
import { adj, facts } from './triage-fixtures';

const medicare = (overrides = {}) => facts({ claimFilingIndicator: 'MB', ...overrides });

describe('triage: deadlines', () => {
  it('gives a Medicare Part B denial 120 days for redetermination', () => {
    const result = triage(medicare({ determinationDate: '2025-01-10' }));
    expect(result.appealLevel).toBe('redetermination');
    expect(result.appealDeadline).toBe('2025-05-10');
    expect(result.deadlineRule).toMatch(/120 days.*42 CFR 405\.942/);
  });

  it('counts a Medicare Part A window across February 29 of a leap year', () => {
    const result = triage(facts({ claimFilingIndicator: 'MA', determinationDate: '2024-01-15' }));
    expect(result.appealDeadline).toBe('2024-05-14');
  });

  it('moves an upheld redetermination to a QIC reconsideration within 180 days', () => {
    const result = triage(
      medicare({ previousAppealLevel: 'redetermination', determinationDate: '2025-06-02' }),
    );
    expect(result.appealLevel).toBe('reconsideration');
    expect(result.appealDeadline).toBe('2025-11-29');
    expect(result.deadlineRule).toMatch(/180 days.*405\.962/);
  });

  it('gives the ALJ, Council and court levels 60 days each with their citations', () => {
    const cases = [
      ['reconsideration', 'alj_hearing', /405\.1002/],
      ['alj_hearing', 'council_review', /405\.1102/],
      ['council_review', 'judicial_review', /405\.1130/],
    ] as const;
    for (const [lost, next, cite] of cases) {
      const result = triage(
        medicare({ previousAppealLevel: lost, determinationDate: '2025-01-01' }),
      );
      expect(result.appealLevel).toBe(next);
      expect(result.appealDeadline).toBe('2025-03-02');
      expect(result.deadlineRule).toMatch(cite);
    }
  });

  it('writes off once judicial review is lost', () => {
    const result = triage(medicare({ previousAppealLevel: 'judicial_review' }));
    expect(result.recommendedAction).toBe('write_off');
    expect(result.appealLevel).toBeNull();
    expect(result.appealDeadline).toBeNull();
  });

  it('gives a commercial denial 180 days, then 60, then external review', () => {
    expect(triage(facts({ determinationDate: '2025-01-01' })).appealDeadline).toBe('2025-06-30');
    const second = triage(
      facts({ previousAppealLevel: 'first_level', determinationDate: '2025-01-01' }),
    );
    expect([second.appealLevel, second.appealDeadline]).toEqual(['second_level', '2025-03-02']);
    const external = triage(
      facts({ previousAppealLevel: 'second_level', determinationDate: '2025-01-01' }),
    );
    expect([external.appealLevel, external.appealDeadline]).toEqual([
      'external_review',
      '2025-05-01',
    ]);
  });

  it('labels the Medicaid window as a configurable default', () => {
    const result = triage(facts({ claimFilingIndicator: 'MC', determinationDate: '2025-01-01' }));
    expect(result.appealDeadline).toBe('2025-04-01');
    expect(result.deadlineRule).toMatch(/default/);
  });

  it('gives a corrected claim the 90-day resubmission window', () => {
    const result = triage(
      facts({
        adjustments: [adj('CO-16', 100_000)],
        remarks: ['N290'],
        determinationDate: '2025-01-01',
      }),
    );
    expect(result.recommendedAction).toBe('corrected_claim');
    expect(result.appealDeadline).toBe('2025-04-01');
    expect(result.deadlineRule).toMatch(/Corrected claim/);
  });

  it('caps a Medicare unprocessable claim at timely filing from the date of service', () => {
    const result = triage(
      medicare({
        adjustments: [adj('CO-16', 100_000)],
        remarks: ['MA130'],
        determinationDate: '2025-01-10',
        serviceDateFrom: '2024-03-01',
      }),
    );
    expect(result.appealDeadline).toBe('2025-03-01');
    expect(result.deadlineRule).toMatch(/42 CFR 424\.44/);
  });

  it('writes off an unprocessable Medicare claim whose timely filing limit already passed', () => {
    const result = triage(
      medicare({
        adjustments: [adj('CO-16', 100_000)],
        remarks: ['MA130'],
        determinationDate: '2025-06-01',
        serviceDateFrom: '2024-03-01',
      }),
    );
    expect(result.recommendedAction).toBe('write_off');
    expect(result.appealDeadline).toBeNull();
  });

  it('uses a payer-specific window and threshold from the rules data', () => {
    const data = JSON.parse(JSON.stringify(defaultData));
    data.profiles.unshift({
      id: 'acme',
      program: 'commercial',
      match: { payerIds: ['ACME1'] },
      levels: { first_level: { days: 60, rule: 'Acme provider appeal: 60 days (contract)' } },
      writeOffThresholdCents: 200_000,
    });
    const rules = loadPayerRules(data);
    const appeal = triage(
      facts({
        payerId: 'ACME1',
        chargeCents: 300_000,
        adjustments: [adj('CO-50', 300_000)],
        determinationDate: '2025-01-01',
      }),
      { payerRules: rules },
    );
    expect([appeal.appealDeadline, appeal.deadlineRule]).toEqual([
      '2025-03-02',
      'Acme provider appeal: 60 days (contract)',
    ]);
    expect(triage(facts({ payerId: 'ACME1' }), { payerRules: rules }).recommendedAction).toBe(
      'write_off',
    );
  });

  it('reports no deadline and says so when the payer profile lacks the level', () => {
    const data = JSON.parse(JSON.stringify(defaultData));
    delete data.default.levels.second_level;
    const result = triage(facts({ previousAppealLevel: 'first_level' }), {
      payerRules: loadPayerRules(data),
    });
    expect(result.appealLevel).toBe('second_level');
    expect(result.appealDeadline).toBeNull();
    expect(result.rationale.join(' ')).toMatch(/No filing window is configured/);
  });

  it('notes a deadline that has already passed', () => {
    const result = triage(facts({ determinationDate: '2024-01-01' }), { today: '2024-07-01' });
    expect(result.appealDeadline).toBe('2024-06-29');
    expect(result.rationale.join(' ')).toMatch(/passed 2 days ago/);
  });
});
