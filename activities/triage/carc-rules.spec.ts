import { CARC_CODES, RARC_CODES } from '../../x12/codes/code-lists';
import { CARC_RULES } from './carc-rules';
import { classifyAdjustment, keywordCategory } from './classify';
import { RARC_RULES } from './rarc-rules';
import { DENIAL_CATEGORIES } from './types';

const REQUIRED = (
  '4 5 6 7 8 9 10 11 15 16 18 19 20 21 22 23 24 26 27 29 31 32 33 34 35 39 40 45 49 50 51 54 55 56 58 59 ' +
  '60 61 96 97 107 109 110 111 119 129 131 133 140 146 151 167 170 171 181 182 183 185 186 189 193 197 ' +
  '198 199 204 222 226 227 234 236 242 243 252 253 254 272 273 274 275 276 277 278 284 288 A1 B7 B9 B11 ' +
  'B13 B15 B16 B20 B22'
).split(' ');

describe('CARC and RARC rule tables', () => {
  it('map every commonly seen CARC explicitly or through its description', () => {
    expect(REQUIRED.filter((code) => !CARC_RULES[code])).toEqual([]);
    expect(Object.keys(CARC_RULES).length).toBeGreaterThan(250);
  });

  it('only use codes that exist in the published lists', () => {
    const carcs = new Set(CARC_CODES.map((e) => e.code));
    const rarcs = new Set(RARC_CODES.map((e) => e.code));
    expect(Object.keys(CARC_RULES).filter((code) => !carcs.has(code))).toEqual([]);
    expect(Object.keys(RARC_RULES).filter((code) => !rarcs.has(code))).toEqual([]);
  });

  it('reach every category through the CARC table', () => {
    const reached = new Set(Object.values(CARC_RULES).map((r) => r.category));
    expect(DENIAL_CATEGORIES.filter((c) => !reached.has(c))).toEqual([]);
  });

  it('classify CARC 59 as coding/bundling money at stake, not a contractual reduction', () => {
    const c = classifyAdjustment(
      { group: 'CO', reason: '59', amountCents: 4000, level: 'service' },
      [],
      '2025-01-01',
    );
    expect(c.category).toBe('coding_bundling');
    expect(c.atStake).toBe(true);
  });

  it('treat CO-45 and CO-253 as contractual with nothing at stake', () => {
    for (const reason of ['45', '253']) {
      const c = classifyAdjustment(
        { group: 'CO', reason, amountCents: 100, level: 'claim' },
        [],
        '2025-01-01',
      );
      expect([c.category, c.atStake, c.action]).toEqual(['contractual', false, 'none']);
    }
  });

  it('turn any reason under group PR into patient responsibility', () => {
    for (const reason of ['1', '2', '3', '96', '204', '50']) {
      const c = classifyAdjustment(
        { group: 'PR', reason, amountCents: 100, level: 'claim' },
        [],
        '2025-01-01',
      );
      expect([c.category, c.atStake, c.action]).toEqual([
        'patient_responsibility',
        false,
        'bill_patient',
      ]);
    }
  });

  it('refine a catch-all CARC by a specific remark before a generic one', () => {
    const c = classifyAdjustment(
      { group: 'CO', reason: '16', amountCents: 100, level: 'claim' },
      ['MA130', 'M51'],
      '2025-01-01',
    );
    expect(c.category).toBe('coding_bundling');
    expect(c.refinedBy).toBe('M51');
  });

  it('do not let a remark of another category change a specific CARC', () => {
    const c = classifyAdjustment(
      { group: 'CO', reason: '50', amountCents: 100, level: 'claim' },
      ['N290'],
      '2025-01-01',
    );
    expect(c.category).toBe('medical_necessity');
    expect(c.refinedBy).toBeUndefined();
  });

  it('fall back on description keywords in a fixed order', () => {
    expect(keywordCategory('Exact duplicate claim/service')).toBe('duplicate');
    expect(keywordCategory('The time limit for filing has expired.')).toBe('timely_filing');
    expect(keywordCategory('Precertification absent')).toBe('authorization');
    expect(keywordCategory('Something entirely new.')).toBe('other');
  });

  it('mark group CR adjustments as corrections, never money at stake', () => {
    const c = classifyAdjustment(
      { group: 'CR', reason: '50', amountCents: 100, level: 'claim' },
      [],
      '2025-01-01',
    );
    expect(c.category).toBe('medical_necessity');
    expect(c.atStake).toBe(false);
    expect(c.sentence).toContain('group CR');
  });
});
