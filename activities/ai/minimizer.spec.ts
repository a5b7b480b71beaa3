import fc from 'fast-check';
import { canonicalJson, sha256Hex } from './canonical-json';
import { fillPlaceholders, minimize } from './minimizer';
import { PHI, PHI_STRINGS, syntheticClaim } from './testing/synthetic-claim';

/** Every string value in a JSON-like tree (keys are ours, values came from the claim). */
function stringValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringValues);
  if (value && typeof value === 'object') return Object.values(value).flatMap(stringValues);
  return [];
}

describe('minimize', () => {
  const claim = syntheticClaim();
  const m = minimize(claim);
  const json = JSON.stringify(m.payload);

  it('leaves none of the names, ids, birth date, address, claim numbers, dates or free text in the payload', () => {
    for (const phi of PHI_STRINGS) expect(json.toLowerCase()).not.toContain(phi.toLowerCase());
  });

  it('writes dates as days from the first date of service', () => {
    expect(m.payload.dates).toEqual({
      serviceFrom: 'service+0',
      serviceTo: 'service+1',
      determination: 'service+45',
    });
    expect(m.payload.services.map((s) => s.date)).toEqual(['service+0', 'service+1']);
  });

  it('keeps codes, amounts as decimal strings and the payer', () => {
    expect(m.payload.payer).toEqual({ name: 'ACME HEALTH PLAN', id: '62308' });
    expect(m.payload.amounts).toEqual({
      charge: '425.00',
      paid: '0.00',
      patientResponsibility: '20.00',
    });
    expect(m.payload.adjustments[0]).toMatchObject({ group: 'CO', reason: '50', amount: '405.00' });
    expect(m.payload.services[0]).toMatchObject({
      procedure: 'HC:97110',
      modifiers: ['GP'],
      remarks: ['N115'],
    });
    expect(m.payload.remarks).toEqual(['N115']);
    expect(m.payload.statusCode).toBe('1');
  });

  it('replaces identifiers by placeholders and says what each one stands for', () => {
    expect(m.payload.patient).toEqual({
      name: '{{PATIENT_NAME}}',
      memberId: '{{MEMBER_ID}}',
      dateOfBirth: '{{PATIENT_DOB}}',
      address: '{{PATIENT_ADDRESS}}',
    });
    expect(m.payload.notes).toEqual(['{{FREE_TEXT_1}}', '{{FREE_TEXT_2}}']);
    expect(Object.keys(m.payload.placeholders)).toContain('{{PAYER_CLAIM_NUMBER}}');
    expect(m.placeholders.get('{{PATIENT_NAME}}')).toBe('Quillonia Zephyrine Marrowgate');
  });

  it('hashes the canonical JSON of the payload', () => {
    expect(m.sha256).toBe(sha256Hex(canonicalJson(m.payload)));
    expect(minimize(syntheticClaim()).sha256).toBe(m.sha256);
  });

  it('redacts a code field that carries an identifying value', () => {
    const leaky = syntheticClaim({
      remarks: [PHI.memberId, 'N115'],
      payer: { name: `Plan of ${PHI.lastName}`, id: '62308' },
    });
    const out = minimize(leaky).payload;
    expect(out.remarks).toEqual(['{{REDACTED}}', 'N115']);
    expect(out.payer.name).toBe('{{REDACTED}}');
  });

  it('redacts a code field that is not shaped like a code', () => {
    const out = minimize(syntheticClaim({ remarks: ['see chart, call back'] })).payload;
    expect(out.remarks).toEqual(['{{REDACTED}}']);
  });

  it('counts from the earliest line date, or says it counts from the determination, when the claim has no service date', () => {
    const noFrom = minimize(syntheticClaim({ serviceDateFrom: undefined })).payload;
    expect(noFrom.dates.determination).toBe('service+45');
    const none = minimize(
      syntheticClaim({ serviceDateFrom: undefined, serviceDateTo: undefined, services: [] }),
    ).payload;
    expect(none.dates).toEqual({
      serviceFrom: null,
      serviceTo: null,
      determination: 'determination+0',
    });
  });

  it('never lets an arbitrary identifying value through, wherever it is put', () => {
    const token = fc.string({ minLength: 6, maxLength: 30 }).filter((s) => s.trim().length >= 6);
    fc.assert(
      fc.property(fc.array(token, { minLength: 8, maxLength: 8 }), (v) => {
        const c = syntheticClaim({
          patient: { firstName: v[0], lastName: v[1], memberId: v[2], address: v[3] },
          patientControlNumber: v[4],
          payerClaimControlNumber: v[5],
          provider: { name: v[6], npi: v[7] },
          freeText: [v[0] + ' ' + v[7]],
          // The same values where codes belong: they must not pass as codes.
          remarks: [v[2], v[4]],
          payer: { name: v[1], id: v[5] },
        });
        const values = stringValues(minimize(c).payload).map((s) => s.toLowerCase());
        for (const phi of v) {
          const p = phi.trim().toLowerCase();
          expect(values.some((s) => s.includes(p))).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('fillPlaceholders', () => {
  const m = minimize(syntheticClaim());

  it('puts the real values back', () => {
    const text =
      'Patient {{PATIENT_NAME}} ({{MEMBER_ID}}), born {{PATIENT_DOB}}, claim {{PAYER_CLAIM_NUMBER}}';
    expect(fillPlaceholders(text, m.placeholders)).toBe(
      `Patient Quillonia Zephyrine Marrowgate (${PHI.memberId}), born ${PHI.dateOfBirth}, claim ${PHI.payerClaimControlNumber}`,
    );
  });

  it('leaves an unknown placeholder as it is and does not expand a value twice', () => {
    const placeholders = new Map([
      ['{{A}}', '{{B}}'],
      ['{{B}}', 'real'],
    ]);
    expect(fillPlaceholders('{{A}} {{C}}', placeholders)).toBe('{{B}} {{C}}');
  });
});
