import {
  CARC_CODES,
  CODE_LIST_STATUS_DATE,
  RARC_CODES,
  carcDescription,
  isActive,
  isIsoDate,
  rarcDescription,
  type CodeEntry,
} from './code-lists';

function carc(code: string): CodeEntry {
  const entry = carcDescription(code);
  if (!entry) throw new Error(`CARC ${code} is missing`);
  return entry;
}

function rarc(code: string): CodeEntry {
  const entry = rarcDescription(code);
  if (!entry) throw new Error(`RARC ${code} is missing`);
  return entry;
}

const collator = new Intl.Collator('en', { numeric: true });

describe('CARC list', () => {
  it('holds at least the 407 codes of the X12 list of 2026-08-17', () => {
    expect(CARC_CODES.length).toBeGreaterThanOrEqual(407);
  });

  it.each([
    ['1', 'Deductible Amount'],
    ['2', 'Coinsurance Amount'],
    ['3', 'Co-payment Amount'],
    ['22', 'This care may be covered by another payer per coordination of benefits.'],
    ['27', 'Expenses incurred after coverage terminated.'],
    ['29', 'The time limit for filing has expired.'],
    ['197', 'Precertification/authorization/notification/pre-treatment absent.'],
    ['204', "This service/equipment/drug is not covered under the patient's current benefit plan"],
    ['253', 'Sequestration - reduction in federal payment'],
  ])('CARC %s reads exactly as published', (code, description) => {
    expect(carc(code).description).toBe(description);
    expect(carc(code).status).toBe('current');
  });

  it.each([
    ['16', 'Claim/service lacks information or has submission/billing error(s).'],
    ['18', 'Exact duplicate claim/service'],
    [
      '45',
      'Charge exceeds fee schedule/maximum allowable or contracted/legislated fee arrangement.',
    ],
    ['50', "These are non-covered services because this is not deemed a 'medical necessity'"],
    ['96', 'Non-covered charge(s). At least one Remark Code must be provided'],
    [
      '97',
      'The benefit for this service is included in the payment/allowance for another service/procedure that has already been adjudicated.',
    ],
    ['252', 'An attachment/other documentation is required to adjudicate this claim/service.'],
  ])('CARC %s starts with its published wording', (code, prefix) => {
    expect(carc(code).description.startsWith(prefix)).toBe(true);
  });

  it('includes the alphanumeric codes A1, B7 and P1 through P32', () => {
    expect(carc('A1').description).toMatch(/^Claim\/Service denied\./);
    expect(carc('B7').description).toMatch(/^This provider was not certified\/eligible/);
    for (let n = 1; n <= 32; n++) expect(carcDescription(`P${n}`)).toBeDefined();
  });

  it('keeps deactivated codes with their stop dates and replacement notes', () => {
    expect(carc('W1')).toMatchObject({
      status: 'deactivated',
      start: '2000-02-29',
      stop: '2014-07-01',
      notes: 'Use code P12',
    });
    expect(carc('28')).toMatchObject({ status: 'deactivated', stop: '2003-10-16' });
  });

  it('has start dates for the long-standing codes', () => {
    expect(carc('1').start).toBe('1995-01-01');
    expect(carc('253').start).toBe('2013-06-02');
  });
});

describe('RARC list', () => {
  it('holds at least the 1,216 codes of the X12 list of 2026-08-17', () => {
    expect(RARC_CODES.length).toBeGreaterThanOrEqual(1216);
  });

  it.each([
    [
      'M15',
      'Separately billed services/tests have been bundled as they are considered components of the same procedure. Separate payment is not allowed.',
    ],
    [
      'M80',
      'Not covered when performed during the same session/date as a previously processed service for the patient.',
    ],
    ['N4', 'Missing/Incomplete/Invalid prior Insurance Carrier(s) EOB.'],
    [
      'N130',
      'Consult plan benefit documents/guidelines for information about restrictions for this service.',
    ],
    ['N206', 'The supporting documentation does not match the information sent on the claim.'],
    ['N290', 'Missing/incomplete/invalid rendering provider primary identifier.'],
    ['N362', 'The number of Days or Units of Service exceeds our acceptable maximum.'],
  ])('RARC %s reads exactly as published', (code, description) => {
    expect(rarc(code).description).toBe(description);
  });

  it.each([
    [
      'MA01',
      'Alert: If you do not agree with what we approved for these services, you may appeal our decision.',
    ],
    [
      'MA130',
      'Your claim contains incomplete and/or invalid information, and no appeal rights are afforded',
    ],
    ['N386', 'This decision was based on a National Coverage Determination (NCD).'],
  ])('RARC %s starts with its published wording', (code, prefix) => {
    expect(rarc(code).description.startsWith(prefix)).toBe(true);
  });

  it('keeps the deactivated RARC N14 with its stop date', () => {
    expect(rarc('N14')).toMatchObject({
      status: 'deactivated',
      start: '2000-01-01',
      stop: '2007-10-01',
      notes: 'Consider using Reason Code 45',
    });
  });

  it('keeps the published non-ASCII characters', () => {
    expect(rarc('N125').description).toContain('§1834(a)(18)');
  });
});

describe.each([
  ['CARC', CARC_CODES, /^(\d{1,3}|[A-Z]\d{1,2})$/],
  ['RARC', RARC_CODES, /^(M\d{1,3}|MA\d{2,3}|N\d{1,3})$/],
])('%s entries', (_name, list, codeShape) => {
  it('every entry has a well-formed, unique code', () => {
    const codes = list.map((entry) => entry.code);
    for (const code of codes) expect(code).toMatch(codeShape);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('every entry has a non-empty, trimmed description without date residue', () => {
    for (const entry of list) {
      expect(entry.description.length).toBeGreaterThan(0);
      expect(entry.description).toBe(entry.description.trim());
      expect(entry.description).not.toMatch(/Start: \d\d\/\d\d\/\d{4}/);
    }
  });

  it('every date is a real calendar date and every stop follows its start', () => {
    for (const entry of list) {
      if (entry.start !== null) expect(isIsoDate(entry.start)).toBe(true);
      if (entry.stop !== null) expect(isIsoDate(entry.stop)).toBe(true);
      if (entry.start !== null && entry.stop !== null) {
        expect(entry.stop > entry.start).toBe(true);
      }
    }
  });

  it('only deactivated codes carry a stop date, and those without one say why', () => {
    for (const entry of list) {
      expect(['current', 'deactivated']).toContain(entry.status);
      if (entry.stop !== null) expect(entry.status).toBe('deactivated');
      if (entry.status === 'deactivated' && entry.stop === null) {
        expect(entry.notes).toMatch(/not in the sources used/);
      }
    }
  });

  it('entries are sorted by code, numbers compared numerically', () => {
    const codes = list.map((entry) => entry.code);
    expect(codes).toEqual([...codes].sort(collator.compare));
  });

  it('both current and deactivated codes are present', () => {
    expect(list.some((entry) => entry.status === 'current')).toBe(true);
    expect(list.some((entry) => entry.status === 'deactivated')).toBe(true);
  });
});

describe('lookups', () => {
  it('ignore case and surrounding whitespace', () => {
    expect(rarcDescription(' ma130 ')).toBe(rarc('MA130'));
    expect(carcDescription('b7')).toBe(carc('B7'));
  });

  it.each([
    ['CARC', '999'],
    ['CARC', ''],
    ['CARC', 'N386'],
    ['CARC', 'CO-16'],
    ['RARC', 'N9999'],
    ['RARC', '16'],
    ['RARC', 'MA1'],
  ])('an unknown %s code %p returns undefined', (list, code) => {
    const lookup = list === 'CARC' ? carcDescription : rarcDescription;
    expect(lookup(code)).toBeUndefined();
  });

  it('returned entries cannot be modified', () => {
    expect(Object.isFrozen(carc('16'))).toBe(true);
    expect(Object.isFrozen(RARC_CODES)).toBe(true);
  });
});

describe('isActive', () => {
  it('is true between start and stop and false outside', () => {
    expect(isActive(carc('1'), '2024-05-01')).toBe(true);
    expect(isActive(carc('1'), '1994-12-31')).toBe(false);
    expect(isActive(carc('1'), '1995-01-01')).toBe(true);
    expect(isActive(carc('28'), '2003-10-15')).toBe(true);
    expect(isActive(carc('28'), '2003-10-16')).toBe(false);
  });

  it('treats a missing start date as no lower bound', () => {
    expect(carc('300').start).toBeNull();
    expect(isActive(carc('300'), '2025-01-15')).toBe(true);
  });

  it('retires a deactivated code with no known stop date from the list date on', () => {
    const entry = carc('15');
    expect(entry).toMatchObject({ status: 'deactivated', stop: null });
    expect(isActive(entry, '2015-06-01')).toBe(true);
    expect(isActive(entry, CODE_LIST_STATUS_DATE)).toBe(false);
  });

  it('rejects a date that is not YYYY-MM-DD', () => {
    expect(() => isActive(carc('1'), '05/01/2024')).toThrow(RangeError);
    expect(() => isActive(carc('1'), '2024-02-30')).toThrow(RangeError);
  });
});
