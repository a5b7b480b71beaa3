// Every public fixture, handled as PROVENANCE.md describes: all claims read, every integrity
// problem of the original reported with its position, and the writer round-trips each file.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse835, write835, type Transaction835 } from './index';

const FIXTURES = path.resolve(__dirname, '../../shared/fixtures/x12-835/public');

interface Expectation {
  transactions: number;
  claims: number;
  /** "severity:code@segment:element", in report order; `xN` suffix for repeated codes. */
  issues: string[];
}

const EXPECTED: Record<string, Expectation> = {
  'affect-therapeutics-edi-835-parser/exhaustive_sample.txt': {
    transactions: 1,
    claims: 1,
    issues: ['warning:X12_ENVELOPE_MISSING@1:'],
  },
  'keironstoddart-edi-835-parser/blue_cross_nc_sample.txt': {
    transactions: 1,
    claims: 1,
    issues: [
      'warning:X12_ENVELOPE_MISSING@1:',
      'error:X12_MISSING_ELEMENT@28:2',
      'error:X12_MISSING_ELEMENT@28:3',
      'error:X12_TOO_MANY_ELEMENTS@28:8',
      'error:X12_COUNT_MISMATCH@32:1',
    ],
  },
  'keironstoddart-edi-835-parser/united_healthcare_legacy_sample.txt': {
    transactions: 1,
    claims: 2,
    issues: [],
  },
  'linuxforhealth-x12/cob-contractural-adjustment.835': {
    transactions: 1,
    claims: 1,
    issues: ['error:X12_MISSING_ELEMENT@4:16', 'warning:X12_COMPONENT_SEPARATOR_MISMATCH@21:1'],
  },
  'linuxforhealth-x12/managed-care.835': {
    transactions: 1,
    claims: 2,
    issues: ['error:X12_INVALID_DATE@4:16'],
  },
  'linuxforhealth-x12/medicare-part-a.835': { transactions: 1, claims: 2, issues: [] },
  'linuxforhealth-x12/secondary-payment.835': {
    transactions: 1,
    claims: 2,
    issues: [
      'error:X12_MISSING_ELEMENT@4:16',
      'warning:X12_COMPONENT_SEPARATOR_MISMATCH@29:1',
      'warning:X12_COMPONENT_SEPARATOR_MISMATCH@34:1',
    ],
  },
  'linuxforhealth-x12/tertiary-payment.835': {
    transactions: 1,
    claims: 1,
    issues: [
      'error:X12_MISSING_ELEMENT@4:16',
      'error:X12_MISSING_ELEMENT@20:1',
      'error:X12_MISSING_ELEMENT@20:6',
      'warning:X12_SERVICE_UNBALANCED@20:3',
    ],
  },
  'pyx12/835_mult_loops.txt': { transactions: 1, claims: 1, issues: [] },
  'tastypackets-x12-parser/multi-line-not-delimited.edi': {
    transactions: 1,
    claims: 3,
    issues: [],
  },
  'tastypackets-x12-parser/oneLine-2-ISA.edi': {
    transactions: 2,
    claims: 4,
    issues: ['warning:X12_DUPLICATE_CONTROL_NUMBER@36:13'],
  },
  'tastypackets-x12-parser/profee-multiple.edi': {
    transactions: 156,
    claims: 468,
    issues: ['warning:X12_DUPLICATE_CONTROL_NUMBER x155'],
  },
  'tastypackets-x12-parser/profee-one-line.edi': { transactions: 1, claims: 3, issues: [] },
  'tastypackets-x12-parser/profee.edi': { transactions: 1, claims: 3, issues: [] },
  'tigershark/835-example-2.txt': {
    transactions: 2,
    claims: 2,
    issues: [
      'warning:X12_ODD_DELIMITERS@1:',
      'warning:X12_VERSION_4010@2:8',
      'error:X12_COUNT_MISMATCH@31:1',
      'warning:X12_TRANSACTION_UNBALANCED@4:2',
      'error:X12_COUNT_MISMATCH@61:1',
      'error:X12_COUNT_MISMATCH@62:1',
    ],
  },
};

function summarize(issues: ReturnType<typeof parse835>['issues']): string[] {
  const lines = issues.map(
    (i) => `${i.severity}:${i.code}@${i.position.segmentIndex}:${i.position.element ?? ''}`,
  );
  const codes = new Set(issues.map((i) => `${i.severity}:${i.code}`));
  if (issues.length > 20 && codes.size === 1) return [`${[...codes][0]} x${issues.length}`];
  return lines;
}

/** The parts of a transaction that must survive write -> parse (envelope data is rebuilt). */
function content(t: Transaction835): Omit<Transaction835, 'valid' | 'interchange' | 'group'> {
  const { valid: _v, interchange: _i, group: _g, ...rest } = t;
  // A file without envelope or ST03 has no convention; the writer declares 5010.
  return { ...rest, implementationConvention: rest.implementationConvention || '005010X221A1' };
}

const files = Object.keys(EXPECTED);

describe('public fixtures', () => {
  it('covers every file in the fixture folder', () => {
    const { readdirSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const onDisk = readdirSync(FIXTURES).flatMap((d) =>
      readdirSync(path.join(FIXTURES, d)).map((f) => `${d}/${f}`),
    );
    expect(onDisk.sort()).toEqual([...files].sort());
  });

  it.each(files)(
    '%s: reads every claim and reports each integrity problem with its position',
    (file) => {
      const e = EXPECTED[file];
      const r = parse835(readFileSync(path.join(FIXTURES, file)), { fileName: file });
      expect(r.transactions).toHaveLength(e.transactions);
      expect(r.transactions.reduce((n, t) => n + t.claims.length, 0)).toBe(e.claims);
      expect(summarize(r.issues)).toEqual(e.issues);
      for (const i of r.issues) {
        expect(i.position.fileName).toBe(file);
        expect(i.position.byteOffset).toBeGreaterThanOrEqual(0);
        expect(i.position.segmentId).toMatch(/^[A-Z][A-Z0-9]{1,2}$/);
      }
    },
  );

  it.each(files)('%s: write835 then parse835 gives back the same transactions', (file) => {
    const first = parse835(readFileSync(path.join(FIXTURES, file)));
    const text = write835(first);
    const second = parse835(text);
    expect(second.transactions.map(content)).toEqual(first.transactions.map(content));
    expect(
      second.issues.filter(
        (i) => i.code === 'X12_COUNT_MISMATCH' || i.code === 'X12_CONTROL_NUMBER_MISMATCH',
      ),
    ).toEqual([]);
  });

  it('reads the same claims from profee.edi, its one-line copy and its newline-terminated copy', () => {
    const [a, b, c] = ['profee.edi', 'profee-one-line.edi', 'multi-line-not-delimited.edi'].map(
      (f) =>
        parse835(readFileSync(path.join(FIXTURES, 'tastypackets-x12-parser', f))).transactions[0]
          .claims,
    );
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('marks the strict run of the unbalanced TigerShark transaction as an error', () => {
    const r = parse835(readFileSync(path.join(FIXTURES, 'tigershark/835-example-2.txt')), {
      strict: true,
    });
    expect(r.issues.find((i) => i.code === 'X12_TRANSACTION_UNBALANCED')?.severity).toBe('error');
    expect(r.issues.every((i) => i.severity === 'error')).toBe(true);
  });
});
