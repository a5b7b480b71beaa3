import defaultData from './payer-rules.json';
import { TriageInputError } from './errors';
import { DEFAULT_PAYER_RULES, loadPayerRules, resolvePayerProfile } from './payer-rules';

const clone = () => JSON.parse(JSON.stringify(defaultData));

describe('payer rules', () => {
  it('ships defaults with the Medicare windows of 42 CFR 405 subpart I', () => {
    const medicare = resolvePayerProfile(DEFAULT_PAYER_RULES, { claimFilingIndicator: 'MB' });
    expect(medicare.program).toBe('medicare');
    expect(medicare.levels.redetermination?.days).toBe(120);
    expect(medicare.levels.reconsideration?.days).toBe(180);
    expect(medicare.levels.alj_hearing?.days).toBe(60);
    expect(medicare.levels.council_review?.days).toBe(60);
    expect(medicare.levels.judicial_review?.days).toBe(60);
    expect(DEFAULT_PAYER_RULES.writeOffThresholdCents).toBe(2500);
  });

  it('falls back to the commercial default for an unknown payer', () => {
    const profile = resolvePayerProfile(DEFAULT_PAYER_RULES, {
      payerId: 'X1',
      claimFilingIndicator: 'CI',
    });
    expect(profile.id).toBe('commercial-default');
    expect(profile.levels.first_level?.days).toBe(180);
  });

  it('prefers a payer id match over a name match over the filing indicator', () => {
    const data = clone();
    data.profiles.unshift(
      {
        id: 'by-name',
        program: 'commercial',
        match: { payerNamePattern: '^acme health' },
        levels: {},
      },
      { id: 'by-id', program: 'commercial', match: { payerIds: ['60054'] }, levels: {} },
    );
    const rules = loadPayerRules(data);
    expect(
      resolvePayerProfile(rules, {
        payerId: '60054',
        payerName: 'ACME Health',
        claimFilingIndicator: 'MB',
      }).id,
    ).toBe('by-id');
    expect(
      resolvePayerProfile(rules, {
        payerId: '1',
        payerName: 'Acme Health Plan',
        claimFilingIndicator: 'MB',
      }).id,
    ).toBe('by-name');
    expect(resolvePayerProfile(rules, { payerName: 'Other', claimFilingIndicator: 'MB' }).id).toBe(
      'medicare-ffs',
    );
  });

  it('rejects a window of zero days naming the field', () => {
    const data = clone();
    data.default.levels.first_level.days = 0;
    expect(() => loadPayerRules(data)).toThrow(TriageInputError);
    expect(() => loadPayerRules(data)).toThrow(/payerRules\.default\.levels\.first_level\.days/);
  });

  it('rejects an unknown appeal level, a bad pattern and a fractional threshold', () => {
    const level = clone();
    level.default.levels.third_level = { days: 30, rule: 'x' };
    expect(() => loadPayerRules(level)).toThrow(TriageInputError);
    const pattern = clone();
    pattern.profiles[0].match.payerNamePattern = '(';
    expect(() => loadPayerRules(pattern)).toThrow(/payerNamePattern/);
    const threshold = clone();
    threshold.writeOffThresholdCents = 12.5;
    expect(() => loadPayerRules(threshold)).toThrow(/writeOffThresholdCents/);
  });

  it('rejects something that is not rules at all', () => {
    expect(() => loadPayerRules(null)).toThrow(TriageInputError);
    expect(() => loadPayerRules({})).toThrow(TriageInputError);
  });

  it('returns frozen rules so a caller cannot change the defaults', () => {
    expect(Object.isFrozen(DEFAULT_PAYER_RULES)).toBe(true);
    expect(Object.isFrozen(DEFAULT_PAYER_RULES.default.levels)).toBe(true);
  });
});
