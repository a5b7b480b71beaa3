import { randomUUID } from 'node:crypto';
import { renderInterchange, type SynthClaim } from '../x12/testing/synthetic-835';

/** A patient whose name, member id and account number are unique to one test, so a scan can look for them. */
export function uniquePatient() {
  const tag = randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase();
  return {
    last: `ZQLAST${tag}`,
    first: `ZQFIRST${tag}`,
    memberId: `MEM${tag}`,
    account: `PCN${tag}`,
    icn: `ICN${tag}`,
  };
}

export type Patient = ReturnType<typeof uniquePatient>;

function yyyymmdd(d: Date): string {
  return d.toISOString().slice(0, 10).replace(/-/g, '');
}

function claimFor(
  p: Patient,
  kind: 'denied' | 'paid' | 'denied_again',
  chargeCents: number,
): SynthClaim {
  return {
    patientControlNumber: p.account,
    status: kind === 'paid' ? '1' : '4',
    payerClaimControlNumber: p.icn,
    patientLast: p.last,
    patientFirst: p.first,
    memberId: p.memberId,
    claimAdjustments: [],
    services: [
      {
        procedure: '99214',
        modifiers: ['25'],
        chargeCents,
        adjustments: kind === 'paid' ? [] : [{ group: 'CO', reason: '50', cents: chargeCents }],
        remarks: kind === 'paid' ? [] : ['N386'],
        units: '1',
        date: '20240115',
      },
    ],
    moaRemarks: [],
  };
}

/**
 * One 835 with one claim per patient: denied for medical necessity (CO-50 on
 * the line), or paid in full. Dated today, so deadlines lie ahead.
 */
export function remitForMany(
  patients: Patient[],
  kind: 'denied' | 'paid' | 'denied_again',
  chargeCents = 20_000,
): string {
  const text = renderInterchange(
    [
      {
        controlNumber: String(1000 + Math.floor(Math.random() * 8000)),
        payerName: 'SYNTHETIC HEALTH PLAN',
        payeeName: 'SYNTHETIC CLINIC',
        npi: '1999999984',
        claims: patients.map((p) => claimFor(p, kind, chargeCents)),
        plb: [],
      },
    ],
    { element: '*', component: ':', repetition: '^', segment: '~' },
    String(Math.floor(Math.random() * 1e8)),
    true,
  );
  // Dated today so appeal deadlines are in the future; distinct bytes per call avoid sha256 dedup.
  const today = yyyymmdd(new Date());
  return text.replace(/\*20240201~/, `*${today}~`).replace(/\*20240131~/, `*${today}~`);
}

export function remitFor(
  p: Patient,
  kind: 'denied' | 'paid' | 'denied_again',
  chargeCents = 20_000,
): string {
  return remitForMany([p], kind, chargeCents);
}
