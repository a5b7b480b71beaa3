import { TriageInputError } from './errors';

export type PriorityBand = 'urgent' | 'high' | 'normal' | 'low';

/**
 * Review priority for the work queue, 0–100.
 *
 *   money = min(60, 15 × log10(1 + dollars at stake))       $10 → 16, $100 → 30, $1,000 → 45, $10,000+ → 60
 *   time  = daysToDeadline ≤ 0 → 40;  null → 10;  else max(0, 40 − days / 3)
 *                                                            7 days → 38, 30 → 30, 60 → 20, 120+ → 0
 *   score = round(money + time)
 *
 * Money is logarithmic so one large claim does not bury many mid-size ones; time
 * is linear over the 120-day horizon of the shortest common first-level window.
 * An unknown deadline scores like roughly three months left: it still needs a look.
 *
 * Bands: 'urgent' when 7 days or fewer are left or the deadline has passed (a
 * missed deadline forfeits the money whatever the amount); otherwise 'high' from
 * 60, 'normal' from 35, else 'low'.
 */
export function reviewPriority(input: {
  amountAtStakeCents: number;
  daysToDeadline: number | null;
}): {
  score: number;
  band: PriorityBand;
} {
  const { amountAtStakeCents, daysToDeadline } = input;
  if (!Number.isSafeInteger(amountAtStakeCents) || amountAtStakeCents < 0) {
    throw new TriageInputError('amountAtStakeCents', 'a non-negative whole number of cents');
  }
  if (daysToDeadline !== null && !Number.isSafeInteger(daysToDeadline)) {
    throw new TriageInputError('daysToDeadline', 'a whole number of days or null');
  }
  const money = Math.min(60, 15 * Math.log10(1 + amountAtStakeCents / 100));
  const time =
    daysToDeadline === null ? 10 : daysToDeadline <= 0 ? 40 : Math.max(0, 40 - daysToDeadline / 3);
  const score = Math.round(money + time);
  const band =
    daysToDeadline !== null && daysToDeadline <= 7
      ? 'urgent'
      : score >= 60
        ? 'high'
        : score >= 35
          ? 'normal'
          : 'low';
  return { score, band };
}
