import fc from 'fast-check';
import { types } from 'pg';
import { readTimestamptz } from './pg-dates';

// pg's own readers: this file loads nothing that replaces them.
const pgTimestamptz = types.getTypeParser(types.builtins.TIMESTAMPTZ) as (s: string) => unknown;

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const same = (a: unknown, b: unknown) =>
  a instanceof Date && b instanceof Date ? a.getTime() === b.getTime() : Object.is(a, b);

describe('the timestamptz reader: the Date pg makes, faster', () => {
  it('read every plain timestamptz as pg does', () => {
    fc.assert(
      fc.property(
        fc.record({
          y: fc.integer({ min: 1000, max: 9999 }),
          mo: fc.integer({ min: 1, max: 12 }),
          d: fc.integer({ min: 1, max: 31 }),
          h: fc.integer({ min: 0, max: 23 }),
          mi: fc.integer({ min: 0, max: 59 }),
          s: fc.integer({ min: 0, max: 59 }),
          frac: fc.option(fc.stringMatching(/^[0-9]{1,6}$/)),
          zh: fc.integer({ min: 0, max: 15 }),
          zm: fc.option(fc.constantFrom(0, 15, 30, 45)),
          neg: fc.boolean(),
        }),
        (v) => {
          const text =
            `${pad(v.y, 4)}-${pad(v.mo, 2)}-${pad(v.d, 2)} ${pad(v.h, 2)}:${pad(v.mi, 2)}:${pad(v.s, 2)}` +
            (v.frac === null ? '' : `.${v.frac}`) +
            `${v.neg ? '-' : '+'}${pad(v.zh, 2)}${v.zm === null ? '' : `:${pad(v.zm, 2)}`}`;
          const fast = readTimestamptz(text);
          expect(fast).toBeInstanceOf(Date);
          expect(same(fast, pgTimestamptz(text))).toBe(true);
        },
      ),
      { numRuns: 5000 },
    );
  });

  it.each([
    'infinity',
    '-infinity',
    '0099-01-01 00:00:00+00',
    '2026-01-01 00:00:00+00 BC',
    '12026-01-01 00:00:00+00',
    '1883-11-18 12:00:00-05:50:36',
    '2026-01-01 00:00:00.1234567+00',
    '2026-01-01 00:00:00.+00',
    '2026-01-01T00:00:00Z',
    '2026-01-01 00:00:00',
    '2026-1-01 00:00:00+00',
    '',
  ])('leave %p to pg', (text) => {
    expect(readTimestamptz(text)).toBeUndefined();
  });
});
