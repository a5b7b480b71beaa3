import { parse835 } from './index';

// A minimal headerless 835 around the given claim segments (synthetic data only).
function claims(body: string, bpr = '0'): ReturnType<typeof parse835> {
  const segs = [
    'ST*835*0001',
    `BPR*I*${bpr}*C*NON************20240101`,
    'TRN*1*T1*1512345678',
    'N1*PR*SYNTH PAYER',
    'N1*PE*SYNTH CLINIC*XX*1999999984',
    'LX*1',
    ...body.split('\n').filter(Boolean),
  ];
  segs.push(`SE*${segs.length + 1}*0001`);
  const r = parse835(`${segs.join('~')}~`);
  // The missing envelope is beside the point here.
  return { ...r, issues: r.issues.filter((i) => i.code !== 'X12_ENVELOPE_MISSING') };
}

describe('derived claim facts', () => {
  it('calls a claim paid when only contractual and patient adjustments reduce it', () => {
    const c = claims('CLP*A1*1*100*60*20*12*P1\nCAS*CO*45*20\nCAS*PR*1*20', '60').transactions[0]
      .claims[0];
    expect(c.derived).toMatchObject({
      outcome: 'paid',
      deniedAmount: '0.00',
      contractualAmount: '20.00',
      patientResponsibilityAmount: '20.00',
      adjustmentTotals: { CO: '20.00', PR: '20.00' },
    });
  });

  it('calls a claim partially paid when a service line is denied and another paid', () => {
    const body =
      'CLP*A2*1*150*100**12*P2\nSVC*HC:99213*100*100**1\nSVC*HC:97110*50*0**1\nCAS*CO*50*50\nLQ*HE*N130';
    const c = claims(body, '100').transactions[0].claims[0];
    expect(c.derived).toMatchObject({
      outcome: 'partially_paid',
      deniedAmount: '50.00',
      deniedServiceLines: [2],
      reasonCodes: ['CO-50'],
      remarkCodes: ['N130'],
    });
  });

  it('calls a claim denied when nothing is paid and something is denied, whatever CLP02 says', () => {
    const c = claims('CLP*A3*1*80*0**12*P3\nCAS*CO*29*80').transactions[0].claims[0];
    expect(c.derived.outcome).toBe('denied');
    expect(
      claims('CLP*A3*4*80*0**12*P3\nCAS*CO*45*80').transactions[0].claims[0].derived.outcome,
    ).toBe('denied');
  });

  it('calls a claim zero pay when nothing is paid because it all went to the deductible', () => {
    const c = claims('CLP*A4*1*80*0*80*12*P4\nCAS*PR*1*80').transactions[0].claims[0];
    expect(c.derived).toMatchObject({
      outcome: 'zero_pay',
      deniedAmount: '0.00',
      patientResponsibilityAmount: '80.00',
    });
  });

  it('links a reversal (CLP02 22) to the correction that follows it by payer claim control number', () => {
    const body = [
      'CLP*B1*1*100*100**12*OTHER',
      'CLP*B1*22*-100*-100**12*PCC9',
      'CLP*B2*1*50*50**12*PCC8',
      'CLP*B1*1*100*90**12*PCC9',
      'CAS*CO*45*10',
    ].join('\n');
    const r = claims(body, '140');
    expect(r.issues).toEqual([]);
    const cs = r.transactions[0].claims;
    expect(
      cs.map((c) => [c.status, c.derived.outcome, c.derived.role, c.derived.linkedClaimIndex]),
    ).toEqual([
      ['processed_primary', 'paid', 'original', undefined],
      ['reversal', 'reversal', 'reversal', 3],
      ['processed_primary', 'paid', 'original', undefined],
      ['processed_primary', 'paid', 'correction', 1],
    ]);
    expect(cs[1].chargeAmount).toBe('-100.00');
  });

  it('leaves a reversal unlinked when no correction follows it', () => {
    const cs = claims('CLP*B1*22*-100*-100**12*PCC9', '-100').transactions[0].claims;
    expect(cs[0].derived).toMatchObject({ role: 'reversal', outcome: 'reversal' });
    expect(cs[0].derived.linkedClaimIndex).toBeUndefined();
  });

  it('does not link a correction that comes before the reversal', () => {
    const cs = claims('CLP*B1*1*100*100**12*PCC9\nCLP*B1*22*-100*-100**12*PCC9', '0')
      .transactions[0].claims;
    expect(cs.map((c) => c.derived.role)).toEqual(['original', 'reversal']);
  });

  it('falls back to the service dates when the claim has no statement dates', () => {
    const body =
      'CLP*C1*1*30*30**12*P5\nSVC*HC:1*10*10\nDTM*150*20240105\nDTM*151*20240107\nSVC*HC:2*20*20\nDTM*472*20240103';
    const c = claims(body, '30').transactions[0].claims[0];
    expect([c.serviceDateFrom, c.serviceDateTo]).toEqual(['2024-01-03', '2024-01-07']);
  });

  it('reports an unknown CLP02 status and an unknown CAS group as errors at their element', () => {
    const r = claims('CLP*D1*99*10*10**12*P6\nCAS*XX*45*0', '10');
    expect(r.issues.map((i) => `${i.code}@${i.position.segmentId}${i.position.element}`)).toEqual([
      'X12_INVALID_CODE@CLP2',
      'X12_INVALID_CODE@CAS1',
    ]);
    expect(r.transactions[0].claims[0].status).toBe('unknown');
  });

  it('reports a CAS amount without its reason and a CAS with no triplet at all', () => {
    const r = claims('CLP*D2*1*10*10**12*P7\nCAS*CO**5\nCAS*CO', '10');
    expect(
      r.issues.map((i) => `${i.code}@${i.position.segmentIndex}:${i.position.element}`),
    ).toEqual(['X12_MISSING_ELEMENT@8:2', 'X12_MISSING_ELEMENT@9:2']);
  });
});
