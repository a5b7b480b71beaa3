import fc from 'fast-check';
import { TriageInputError } from './errors';
import { reviewPriority } from './priority';

describe('reviewPriority', () => {
  it('is urgent with seven days or fewer left, or past due, whatever the amount', () => {
    expect(reviewPriority({ amountAtStakeCents: 100, daysToDeadline: 7 }).band).toBe('urgent');
    expect(reviewPriority({ amountAtStakeCents: 100, daysToDeadline: 0 }).band).toBe('urgent');
    expect(reviewPriority({ amountAtStakeCents: 100, daysToDeadline: -30 }).band).toBe('urgent');
    expect(reviewPriority({ amountAtStakeCents: 100, daysToDeadline: 8 }).band).not.toBe('urgent');
  });

  it('ranks more money above less money at the same deadline', () => {
    const small = reviewPriority({ amountAtStakeCents: 5_000, daysToDeadline: 60 });
    const large = reviewPriority({ amountAtStakeCents: 500_000, daysToDeadline: 60 });
    expect(large.score).toBeGreaterThan(small.score);
  });

  it('ranks a nearer deadline above a farther one for the same money', () => {
    const far = reviewPriority({ amountAtStakeCents: 50_000, daysToDeadline: 110 });
    const near = reviewPriority({ amountAtStakeCents: 50_000, daysToDeadline: 20 });
    expect(near.score).toBeGreaterThan(far.score);
  });

  it('gives a large claim with a month left a high band and a tiny far one a low band', () => {
    expect(reviewPriority({ amountAtStakeCents: 2_500_000, daysToDeadline: 30 }).band).toBe('high');
    expect(reviewPriority({ amountAtStakeCents: 3_000, daysToDeadline: 170 }).band).toBe('low');
    expect(reviewPriority({ amountAtStakeCents: 80_000, daysToDeadline: 90 }).band).toBe('normal');
  });

  it('scores an unknown deadline between a near and a far one', () => {
    const unknown = reviewPriority({ amountAtStakeCents: 50_000, daysToDeadline: null }).score;
    expect(unknown).toBeLessThan(
      reviewPriority({ amountAtStakeCents: 50_000, daysToDeadline: 30 }).score,
    );
    expect(unknown).toBeGreaterThan(
      reviewPriority({ amountAtStakeCents: 50_000, daysToDeadline: 150 }).score,
    );
  });

  it('rejects a negative or fractional amount with a typed error', () => {
    expect(() => reviewPriority({ amountAtStakeCents: -1, daysToDeadline: 10 })).toThrow(
      TriageInputError,
    );
    expect(() => reviewPriority({ amountAtStakeCents: 1.5, daysToDeadline: 10 })).toThrow(
      /amountAtStakeCents/,
    );
    expect(() => reviewPriority({ amountAtStakeCents: 1, daysToDeadline: 0.5 })).toThrow(
      /daysToDeadline/,
    );
  });

  it('never lowers the score when money rises or days fall (property)', () => {
    const cents = fc.integer({ min: 0, max: 100_000_000 });
    const days = fc.option(fc.integer({ min: -400, max: 400 }), { nil: null });
    fc.assert(
      fc.property(cents, cents, days, (a, b, d) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        const low = reviewPriority({ amountAtStakeCents: lo, daysToDeadline: d });
        const high = reviewPriority({ amountAtStakeCents: hi, daysToDeadline: d });
        return high.score >= low.score && low.score >= 0 && high.score <= 100;
      }),
    );
    fc.assert(
      fc.property(
        cents,
        fc.integer({ min: -400, max: 400 }),
        fc.integer({ min: 0, max: 400 }),
        (c, d, extra) => {
          const sooner = reviewPriority({ amountAtStakeCents: c, daysToDeadline: d });
          const later = reviewPriority({ amountAtStakeCents: c, daysToDeadline: d + extra });
          return sooner.score >= later.score;
        },
      ),
    );
  });
});
