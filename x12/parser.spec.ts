// Expected values below were read off the fixture bytes by hand, not from the parser's output.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse835, type X12Issue } from './index';

const FIXTURES = path.resolve(__dirname, '../../shared/fixtures/x12-835/public');
const read = (rel: string) => parse835(readFileSync(path.join(FIXTURES, rel)), { fileName: rel });
const codes = (issues: X12Issue[]) =>
  issues.map(
    (i) =>
      `${i.severity}:${i.code}@${i.position.segmentIndex}:${i.position.segmentId}:${i.position.element ?? ''}`,
  );

describe('medicare-part-a.835', () => {
  const r = read('linuxforhealth-x12/medicare-part-a.835');
  const t = r.transactions[0];

  it('reads the payment, trace, payer and payee exactly', () => {
    expect(r.issues).toEqual([]);
    expect(t.controlNumber).toBe('1234');
    expect(t.implementationConvention).toBe('005010X221A1');
    expect(t.payment).toMatchObject({
      handlingCode: 'C',
      amount: '150000.00',
      creditDebit: 'C',
      method: 'ACH',
      format: 'CTX',
      originatorDfiId: '99999992',
      receiverAccountNumber: '98765',
      date: '2002-09-13',
    });
    expect(t.trace).toEqual({
      typeCode: '1',
      referenceId: '12345',
      originatingCompanyId: '1512345678',
    });
    expect(t.productionDate).toBe('2002-09-16');
    expect(t.payer.name).toBe('INSURANCE COMPANY OF TIMBUCKTU');
    expect(t.payer.address).toEqual({
      line1: '1 MAIN STREET',
      city: 'TIMBUCKTU',
      state: 'AK',
      postalCode: '89111',
    });
    expect(t.payer.references).toEqual([{ qualifier: '2U', value: '999' }]);
    expect(t.payee).toMatchObject({
      name: 'REGIONAL HOPE HOSPITAL',
      idQualifier: 'XX',
      npi: '6543210903',
    });
  });

  it('reads TS3/TS2 provider summaries per LX', () => {
    expect(t.providerSummaries.map((s) => s.assignedNumber)).toEqual(['110212', '130212']);
    expect(t.providerSummaries[0].ts3).toMatchObject({
      providerId: '6543210903',
      facilityTypeCode: '11',
      fiscalPeriodDate: '2002-12-31',
      totalClaimCount: '1',
      totalClaimChargeAmount: '211366.97',
    });
    expect(t.providerSummaries[0].ts3?.amounts).toEqual({ '9': '138018.40', '11': '73348.57' });
    expect(t.providerSummaries[0].ts2).toEqual({
      '1': '2178.45',
      '2': '1919.71',
      '4': '56.82',
      '5': '197.69',
      '6': '4.23',
    });
  });

  it('reads the Part A claim with MIA, dates and quantity', () => {
    const c = t.claims[0];
    expect(c).toMatchObject({
      headerNumber: '110212',
      patientControlNumber: '666123',
      status: 'processed_primary',
      chargeAmount: '211366.97',
      paymentAmount: '138018.40',
      claimFilingIndicator: 'MA',
      payerClaimControlNumber: '1999999444444',
      facilityTypeCode: '11',
      frequencyCode: '1',
      serviceDateFrom: '2002-08-16',
      serviceDateTo: '2002-08-24',
    });
    expect(c.patientResponsibility).toBeUndefined();
    expect(c.patient).toEqual({
      entityType: '1',
      lastName: 'JONES',
      firstName: 'SAM',
      middleName: 'O',
      idQualifier: 'HN',
      id: '666666666A',
    });
    expect(c.adjustments).toEqual([
      { level: 'claim', group: 'CO', reason: '45', amount: '73348.57' },
    ]);
    expect(c.inpatientAdjudication).toEqual({ '1': '0', '4': '138018.40' });
    expect(c.quantities).toEqual([{ qualifier: 'CA', quantity: '8.00' }]);
    expect(c.derived).toMatchObject({
      outcome: 'paid',
      deniedAmount: '0.00',
      contractualAmount: '73348.57',
      reasonCodes: ['CO-45'],
    });
  });

  it('reads the Part B claim remark from MOA and the PLB that balances the payment', () => {
    const c = t.claims[1];
    expect(c.claimFilingIndicator).toBe('MB');
    expect(c.remarks).toEqual([{ code: 'MA02', source: 'MOA', qualifier: 'HE', level: 'claim' }]);
    expect(c.derived.remarkCodes).toEqual(['MA02']);
    expect(t.providerAdjustments).toEqual([
      {
        providerId: '6543210903',
        fiscalPeriodDate: '2002-12-31',
        adjustments: [{ reason: 'CV', reference: 'CP', amount: '-1.27' }],
      },
    ]);
  });
});

describe('profee.edi (eMedNY)', () => {
  const r = read('tastypackets-x12-parser/profee.edi');
  const t = r.transactions[0];

  it('reads three claims with their outcomes and balances to BPR02 45.75', () => {
    expect(r.issues).toEqual([]);
    expect(t.payment.amount).toBe('45.75');
    expect(
      t.claims.map((c) => [c.statusCode, c.chargeAmount, c.paymentAmount, c.derived.outcome]),
    ).toEqual([
      ['1', '34.25', '34.25', 'paid'],
      ['2', '34.00', '0.00', 'denied'],
      ['2', '34.25', '11.50', 'partially_paid'],
    ]);
  });

  it('reads composite procedures with modifiers and service-level CAS with the line it belongs to', () => {
    const c = t.claims[0];
    expect(
      c.services.map((s) => [s.procedure.code, s.procedure.modifiers, s.chargeAmount, s.units]),
    ).toEqual([
      ['V2020', ['RB'], '6.00', '1'],
      ['V2700', ['RB'], '2.75', '1'],
      ['V2103', ['RB'], '5.50', '1'],
      ['S0580', [], '20.00', '2'],
    ]);
    expect(t.claims[2].adjustments).toEqual([
      { level: 'service', serviceLine: 3, group: 'CO', reason: '251', amount: '2.75' },
      { level: 'service', serviceLine: 4, group: 'CO', reason: '251', amount: '20.00' },
    ]);
    expect(t.claims[2].derived).toMatchObject({
      deniedAmount: '22.75',
      deniedServiceLines: [3, 4],
      remarkCodes: ['N206'],
    });
  });

  it('reads the corrected patient name (NM1*74), AMT and LQ remarks by service line', () => {
    expect(t.claims[0].correctedPatient).toEqual({
      entityType: '1',
      lastName: 'CORRECTED LAST',
      firstName: 'CORRECTED FIRST',
    });
    expect(t.claims[0].amounts).toEqual([{ qualifier: 'AU', amount: '34.25' }]);
    expect(t.claims[2].remarks).toEqual([
      { code: 'N206', source: 'LQ', qualifier: 'HE', level: 'service', serviceLine: 3 },
      { code: 'N206', source: 'LQ', qualifier: 'HE', level: 'service', serviceLine: 4 },
    ]);
    expect(t.claims[1].services[0].serviceDateFrom).toBe('2010-01-01');
  });
});

describe('835-example-2.txt (TigerShark, | and ^ with ~ at line start, 4010)', () => {
  const r = read('tigershark/835-example-2.txt');

  it('reads both transactions and their claims', () => {
    expect(r.transactions.map((t) => [t.controlNumber, t.payment.amount, t.claims.length])).toEqual(
      [
        ['0001', '12345.67', 1],
        ['0002', '12000.65', 1],
      ],
    );
    const c = r.transactions[1].claims[0];
    expect(c).toMatchObject({
      patientControlNumber: '001-SSSSSSSSST',
      chargeAmount: '23276.56',
      paymentAmount: '12000.65',
      patientResponsibility: '145.00',
      receivedDate: '2012-03-03',
    });
    expect(c.services[0].procedure).toEqual({ qualifier: 'HC', code: '88888', modifiers: [] });
    expect(r.transactions[0].implementationConvention).toBe('004010X091A1');
  });

  it('reports the odd terminator, 4010, both wrong SE counts, the wrong GE count and the unbalanced first transaction', () => {
    expect(codes(r.issues)).toEqual([
      'warning:X12_ODD_DELIMITERS@1:ISA:',
      'warning:X12_VERSION_4010@2:GS:8',
      'error:X12_COUNT_MISMATCH@31:SE:1',
      'warning:X12_TRANSACTION_UNBALANCED@4:BPR:2',
      'error:X12_COUNT_MISMATCH@61:SE:1',
      'error:X12_COUNT_MISMATCH@62:GE:1',
    ]);
    expect(r.issues[3].message).toBe(
      'claims paid 200.02 - provider adjustments 0.00 = 200.02, but BPR02 is 12345.67',
    );
    expect(r.issues[2].position.transactionControlNumber).toBe('0001');
    expect(r.transactions.map((t) => t.valid)).toEqual([false, false]);
  });
});

describe('blue_cross_nc_sample.txt (no envelope)', () => {
  const r = read('keironstoddart-edi-835-parser/blue_cross_nc_sample.txt');
  const c = r.transactions[0].claims[0];

  it('reads the claim, the bundled original procedure (SVC06) and service CAS', () => {
    expect(c).toMatchObject({
      chargeAmount: '2100.00',
      paymentAmount: '1922.86',
      patientResponsibility: '142.54',
      claimFilingIndicator: '15',
      receivedDate: '2011-01-03',
    });
    expect(c.services[0]).toMatchObject({
      chargeAmount: '1210.00',
      paymentAmount: '1057.86',
      units: '1',
      originalProcedure: { qualifier: 'HC', code: '59410', modifiers: [] },
    });
    expect(c.adjustments.map((a) => `${a.group}-${a.reason}:${a.amount}@${a.serviceLine}`)).toEqual(
      ['CO-42:34.60@1', 'PR-2:117.54@1', 'PR-3:25.00@2'],
    );
    expect(c.services).toHaveLength(3);
    expect(c.serviceDateFrom).toBe('2010-12-31');
  });

  it('reports the missing envelope, the malformed third SVC and SE01 33 for 32 segments', () => {
    expect(codes(r.issues)).toEqual([
      'warning:X12_ENVELOPE_MISSING@1:ST:',
      'error:X12_MISSING_ELEMENT@28:SVC:2',
      'error:X12_MISSING_ELEMENT@28:SVC:3',
      'error:X12_TOO_MANY_ELEMENTS@28:SVC:8',
      'error:X12_COUNT_MISMATCH@32:SE:1',
    ]);
    expect(r.issues[4].message).toBe('SE01 says 33 segments, the transaction has 32');
    expect(r.issues[4].position.byteOffset).toBe(695);
  });
});

describe('secondary-payment.835', () => {
  const r = read('linuxforhealth-x12/secondary-payment.835');
  const t = r.transactions[0];

  it('reads the CAS with two triplets, the revenue code and the > composites', () => {
    const c = t.claims[1];
    expect(c.adjustments.map((a) => `${a.level}:${a.group}-${a.reason}:${a.amount}`)).toEqual([
      'service:OA-23:136.50',
      'service:PR-1:150.00',
      'service:PR-2:70.00',
      'service:CO-42:85.00',
    ]);
    expect(c.services[1]).toMatchObject({
      procedure: { qualifier: 'HC', code: '66543', modifiers: ['26'] },
      revenueCode: '220',
      chargeAmount: '585.00',
      paymentAmount: '280.00',
    });
    expect(t.claims[0]).toMatchObject({
      paymentAmount: '912.00',
      status: 'processed_secondary',
      headerNumber: '1',
    });
    expect(t.claims[1].headerNumber).toBe('2');
  });

  it('reports the date in BPR15 instead of BPR16 and the component separator that differs from ISA16', () => {
    expect(codes(r.issues)).toEqual([
      'error:X12_MISSING_ELEMENT@4:BPR:16',
      'warning:X12_COMPONENT_SEPARATOR_MISMATCH@29:SVC:1',
      'warning:X12_COMPONENT_SEPARATOR_MISMATCH@34:SVC:1',
    ]);
    expect(t.payment.receiverAccountNumber).toBe('20050412');
  });
});

describe('835_mult_loops.txt (pyx12 denial)', () => {
  const r = read('pyx12/835_mult_loops.txt');
  const c = r.transactions[0].claims[0];

  it('reads the denied claim, its three lines and their LQ remarks', () => {
    expect(r.issues).toEqual([]);
    expect(r.transactions[0].payment).toMatchObject({
      handlingCode: 'H',
      amount: '0.00',
      method: 'NON',
      date: '2004-10-28',
    });
    expect(c).toMatchObject({
      status: 'denied',
      chargeAmount: '915.39',
      paymentAmount: '0.00',
      serviceDateFrom: '2003-10-30',
      serviceDateTo: '2003-11-29',
    });
    expect(c.derived).toMatchObject({
      outcome: 'denied',
      deniedAmount: '915.39',
      deniedServiceLines: [1, 2, 3],
      reasonCodes: ['CO-16', 'OA-A7'],
      remarkCodes: ['N14'],
    });
    expect(c.renderingProvider).toEqual({
      entityType: '2',
      lastName: 'PAYEE',
      idQualifier: 'MC',
      id: '44452736',
    });
  });
});

describe('exhaustive_sample.txt (every segment, masked values)', () => {
  const r = read('affect-therapeutics-edi-835-parser/exhaustive_sample.txt');
  const t = r.transactions[0];
  const c = t.claims[0];

  it('reads CUR, RDM, the three payer contacts and every 2100 NM1 role', () => {
    expect(t.currency).toEqual({
      entityIdentifierCode: 'PR',
      currencyCode: 'XXX',
      elements: ['PR', 'XXX'],
    });
    expect(t.payee.remittanceDelivery).toMatchObject({
      method: 'EM',
      name: 'XXXX',
      communicationNumber: 'XXXX',
    });
    expect(t.payer.contacts.map((p) => [p.functionCode, p.communications.length])).toEqual([
      ['CX', 3],
      ['BL', 3],
      ['IC', 1],
    ]);
    expect(
      Object.keys(c).filter(
        (k) =>
          [
            'patient',
            'insured',
            'correctedPatient',
            'renderingProvider',
            'crossoverCarrier',
            'correctedPriorityPayer',
            'otherSubscriber',
          ].includes(k) && c[k as keyof typeof c] !== undefined,
      ),
    ).toHaveLength(7);
  });

  it('reads all six CAS triplets, all 24 MIA elements with their remarks, and MOA', () => {
    expect(
      c.adjustments
        .filter((a) => a.level === 'claim')
        .map((a) => `${a.group}-${a.reason}:${a.quantity}`),
    ).toEqual([
      'PR-XXX:000000000',
      'PR-XX:000000000000',
      'PR-XXX:0000',
      'PR-XX:000000000000',
      'PR-XX:0000000000000',
      'PR-XX:00000',
    ]);
    expect(c.adjustments.filter((a) => a.level === 'service' && a.serviceLine === 1)).toHaveLength(
      6,
    );
    expect(c.inpatientAdjudication?.['24']).toBe('0.00');
    expect(c.remarks.map((x) => `${x.source}:${x.code}`)).toEqual([
      'MIA:XXXX',
      'MIA:XXXXX',
      'MIA:XXXXXX',
      'MIA:XXX',
      'MIA:X',
      'MOA:XXXXX',
      'MOA:XXX',
      'MOA:XXX',
      'MOA:XXXXXX',
      'MOA:XX',
      'LQ:XXXX',
    ]);
  });

  it('reads SVC01 with four modifiers, SVC06 with a description and the six PLB pairs', () => {
    const s = c.services[0];
    expect(s.procedure).toEqual({
      qualifier: 'NU',
      code: 'XXXX',
      modifiers: ['XX', 'XX', 'XX', 'XX'],
    });
    expect(s.originalProcedure).toEqual({
      qualifier: 'HC',
      code: 'XXXX',
      modifiers: ['XX', 'XX', 'XX', 'XX'],
      description: 'XXXXX',
    });
    expect(t.providerAdjustments[0].adjustments).toHaveLength(6);
    expect(t.providerAdjustments[0].adjustments[0]).toEqual({
      reason: 'GO',
      reference: 'XXXX',
      amount: '0.00',
    });
  });
});
