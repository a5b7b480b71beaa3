import { addDays, daysBetween } from './dates';
import { TriageInputError } from './errors';

describe('daysBetween', () => {
  it('counts calendar days forward and backward', () => {
    expect(daysBetween('2025-01-10', '2025-05-10')).toBe(120);
    expect(daysBetween('2025-05-10', '2025-01-10')).toBe(-120);
    expect(daysBetween('2025-03-09', '2025-03-09')).toBe(0);
  });

  it('counts February 29 in a leap year and not in a common year', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2025-02-28', '2025-03-01')).toBe(1);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
  });

  it('is not shifted by daylight saving changes', () => {
    expect(daysBetween('2025-03-08', '2025-03-10')).toBe(2);
    expect(daysBetween('2025-11-01', '2025-11-03')).toBe(2);
  });

  it('rejects an impossible date with a typed error naming the argument', () => {
    expect(() => daysBetween('2025-02-29', '2025-03-01')).toThrow(TriageInputError);
    try {
      daysBetween('2025-01-01', '2025-13-01');
      throw new Error('expected a TriageInputError');
    } catch (error) {
      expect(error).toBeInstanceOf(TriageInputError);
      expect((error as TriageInputError).field).toBe('toIsoDate');
      expect((error as TriageInputError).message).not.toContain('2025-13-01');
    }
  });

  it('rejects dates with a time or in another format', () => {
    expect(() => daysBetween('2025-01-01T00:00:00Z', '2025-01-02')).toThrow(/fromIsoDate/);
    expect(() => daysBetween('01/02/2025', '2025-01-02')).toThrow(/fromIsoDate/);
    expect(() => daysBetween('20250102', '2025-01-02')).toThrow(/fromIsoDate/);
  });
});

describe('addDays', () => {
  it('lands on February 29 only in a leap year', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2023-02-28', 1)).toBe('2023-03-01');
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29');
  });

  it('crosses years and century leap rules', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2100-02-28', 1)).toBe('2100-03-01');
    expect(addDays('2000-02-28', 1)).toBe('2000-02-29');
  });

  it('rejects a fractional number of days', () => {
    expect(() => addDays('2025-01-01', 1.5)).toThrow(TriageInputError);
  });
});
