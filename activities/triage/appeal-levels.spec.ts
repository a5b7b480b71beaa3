import { firstAppealLevel, nextAppealLevel, programForFilingIndicator } from './appeal-levels';

describe('nextAppealLevel', () => {
  it('walks the five Medicare levels and stops after judicial review', () => {
    expect(nextAppealLevel('redetermination', 'MB')).toBe('reconsideration');
    expect(nextAppealLevel('reconsideration', 'MA')).toBe('alj_hearing');
    expect(nextAppealLevel('alj_hearing')).toBe('council_review');
    expect(nextAppealLevel('council_review')).toBe('judicial_review');
    expect(nextAppealLevel('judicial_review', 'MB')).toBeNull();
  });

  it('keeps a Medicare level on the Medicare ladder even without a filing indicator', () => {
    expect(nextAppealLevel('redetermination', '12')).toBe('reconsideration');
  });

  it('walks commercial levels to external review and no further', () => {
    expect(nextAppealLevel('first_level', 'CI')).toBe('second_level');
    expect(nextAppealLevel('second_level', '12')).toBe('external_review');
    expect(nextAppealLevel('external_review')).toBeNull();
  });

  it('offers Medicaid no external review after the second level', () => {
    expect(nextAppealLevel('first_level', 'MC')).toBe('second_level');
    expect(nextAppealLevel('second_level', 'MC')).toBeNull();
  });

  it('starts Medicare at redetermination and everyone else at the first level', () => {
    expect(firstAppealLevel(programForFilingIndicator('MB'))).toBe('redetermination');
    expect(firstAppealLevel(programForFilingIndicator('MA'))).toBe('redetermination');
    expect(firstAppealLevel(programForFilingIndicator('MC'))).toBe('first_level');
    expect(firstAppealLevel(programForFilingIndicator(undefined))).toBe('first_level');
  });
});
