/** Builders for specs: a denied commercial claim, overridable field by field. */
import type { TriageAdjustment, TriageFacts } from './types';

export function adj(
  code: string,
  amountCents: number,
  level: 'claim' | 'service' = 'service',
): TriageAdjustment {
  const [group, reason] = code.split('-');
  return { group, reason, amountCents, level, ...(level === 'service' ? { serviceLine: 1 } : {}) };
}

export function facts(overrides: Partial<TriageFacts> = {}): TriageFacts {
  return {
    claimStatusCode: '4',
    chargeCents: 100_000,
    paidCents: 0,
    patientResponsibilityCents: 0,
    adjustments: [adj('CO-50', 100_000)],
    remarks: [],
    determinationDate: '2025-03-14',
    ...overrides,
  };
}
