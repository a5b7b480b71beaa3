import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { X12Error, parse835, write835 } from './index';

const FIXTURES = path.resolve(__dirname, '../../shared/fixtures/x12-835/public');
const medicare = () =>
  parse835(readFileSync(path.join(FIXTURES, 'linuxforhealth-x12/medicare-part-a.835')));

describe('write835', () => {
  it('writes a fixed-length ISA, correct counts and control numbers', () => {
    const text = write835(medicare(), { lineBreaks: true });
    const lines = text.trim().split('\n');
    expect(lines[0]).toHaveLength(106);
    expect(lines[0].slice(90, 99)).toBe('000000907');
    expect(lines.at(-1)).toBe('IEA*1*000000907~');
    expect(lines.at(-2)).toBe('GE*1*1~');
    expect(lines.at(-3)).toBe('SE*28*1234~');
    expect(parse835(text).issues).toEqual([]);
  });

  it('writes amounts in their shortest form and dates back as CCYYMMDD', () => {
    const text = write835(medicare(), { lineBreaks: true });
    expect(text).toContain(
      '\nBPR*C*150000*C*ACH*CTX*01*99999992*DA*123456*1512345678**01*999988880*DA*98765*20020913~',
    );
    expect(text).toContain('\nQTY*CA*8.00~');
    expect(text).toContain('\nPLB*6543210903*20021231*CV:CP*-1.27~');
  });

  it('uses the delimiters it is given', () => {
    const text = write835(medicare(), {
      delimiters: { element: '|', component: '^', repetition: '{', segment: '\n' },
    });
    expect(text.split('\n')[1]).toBe('GS|HP|000000005|54321|20131031|1147|1|X|005010X221A1');
    expect(parse835(text).transactions).toEqual(medicare().transactions);
  });

  it('refuses with a typed error a value that holds a delimiter', () => {
    const r = medicare();
    r.transactions[0].payer.name = 'A*B';
    expect(() => write835(r)).toThrow(X12Error);
    try {
      write835(r);
    } catch (e) {
      expect((e as X12Error).code).toBe('X12_UNWRITABLE_VALUE');
      expect((e as X12Error).position).toMatchObject({ segmentId: 'N1', element: 2 });
      expect((e as X12Error).message).not.toContain('A*B');
    }
  });

  it('refuses a component separator inside a composite part', () => {
    const r = medicare();
    r.transactions[0].providerAdjustments[0].adjustments[0].reference = 'C:P';
    expect(() => write835(r)).toThrow(/PLB03 holds a delimiter character/);
  });

  it('writes nothing for no transactions', () => {
    expect(write835([])).toBe('');
  });
});
