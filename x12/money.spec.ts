import { formatCents, isX12Number, parseCents, toX12Amount } from './money';

describe('money', () => {
  it.each([
    ['0', 0],
    ['12', 1200],
    ['12.5', 1250],
    ['12.50', 1250],
    ['12.500', 1250],
    ['.5', 50],
    ['-1.27', -127],
    ['-0', 0],
    ['000123.45', 12345],
    ['9999999999999999.99', undefined],
    ['12.', 1200],
  ])('reads %s as %p cents', (raw, cents) => {
    expect(parseCents(raw)).toBe(cents);
  });

  it.each(['', '-', '.', '1.234', '1,00', '1e3', ' 1', '1 ', '--1', '+1', 'NaN', '12.3.4', '١٢'])(
    'rejects %j',
    (raw) => {
      expect(parseCents(raw)).toBeUndefined();
    },
  );

  it('formats cents as a two-decimal string, negative included', () => {
    expect([0, 5, 105, -127, 12345678901].map(formatCents)).toEqual([
      '0.00',
      '0.05',
      '1.05',
      '-1.27',
      '123456789.01',
    ]);
  });

  it('writes the shortest X12 form', () => {
    expect(['34.60', '6.00', '0.00', '-1.27', '-0.50'].map(toX12Amount)).toEqual([
      '34.6',
      '6',
      '0',
      '-1.27',
      '-0.5',
    ]);
  });

  it('adds 0.1 + 0.2 exactly, unlike floats', () => {
    expect(formatCents((parseCents('0.1') ?? 0) + (parseCents('0.2') ?? 0))).toBe('0.30');
  });
});

describe('isX12Number', () => {
  it.each(['0', '1.00', '-2', '.5', '5.', '000123'])('accepts %j', (raw) => {
    expect(isX12Number(raw)).toBe(true);
  });

  it.each(['', '-', '.', '1.2.3', '1e5', '+1', ' 1', '1234567890123456789'])(
    'rejects %j',
    (raw) => {
      expect(isX12Number(raw)).toBe(false);
    },
  );
});
