import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { x12Command } from './cli';
import { parse835 } from './parse';
import { prng, randomTransaction, renderInterchange } from './testing/synthetic-835';

const FIXTURES = path.resolve(__dirname, '../../shared/fixtures/x12-835/public');

async function run(args: string[], stdinText = '') {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await x12Command(args, {
    stdin: Readable.from([Buffer.from(stdinText)]),
    stdout,
    stderr,
  });
  return {
    code,
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}

describe('claimflow x12', () => {
  const managed = path.join(FIXTURES, 'linuxforhealth-x12/managed-care.835');
  const medicare = path.join(FIXTURES, 'linuxforhealth-x12/medicare-part-a.835');

  it('parse prints the JSON with the agreed names and exits 0 for a valid file', async () => {
    const r = await run(['parse', medicare]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const json = JSON.parse(r.stdout);
    const t = json.transactions[0];
    expect(t.controlNumber).toBe('1234');
    expect(t.payment.amount).toBe('150000.00');
    expect(t.payer.name).toBe('INSURANCE COMPANY OF TIMBUCKTU');
    expect(t.payee.npi).toBe('6543210903');
    expect(t.claims[0]).toMatchObject({
      patientControlNumber: '666123',
      status: 'processed_primary',
      chargeAmount: '211366.97',
      paymentAmount: '138018.40',
      payerClaimControlNumber: '1999999444444',
    });
    expect(t.claims[0].adjustments[0]).toEqual({
      level: 'claim',
      group: 'CO',
      reason: '45',
      amount: '73348.57',
    });
    expect(t.providerAdjustments[0].adjustments[0].amount).toBe('-1.27');
    expect(json.issues).toEqual([]);
  });

  it('parse prints each transaction exactly as JSON.stringify writes it, claim by claim', async () => {
    const D = { element: '*', component: ':', repetition: '^', segment: '~' };
    // Two transactions of 300 claims: each is written in several pieces.
    const text = renderInterchange(
      [randomTransaction(prng(5), '0001', 300), randomTransaction(prng(6), '0002', 300)],
      D,
      '1',
    );
    const r = await run(['parse', '-'], text);
    const expected = parse835(text, { fileName: '<stdin>' });
    expect(JSON.stringify(expected.transactions[0]).length).toBeGreaterThan(3 * 65536);
    expect(r.stdout).toBe(
      `{"transactions":[\n${expected.transactions.map((t) => JSON.stringify(t)).join(',\n')}\n],"issues":${JSON.stringify(expected.issues)}}\n`,
    );
  });

  it('parse exits 1 with positioned errors on stderr and still prints the JSON', async () => {
    const r = await run(['parse', managed]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${managed}: segment 4 (BPR) element 16 byte 259: error X12_INVALID_DATE: BPR16 is not a valid CCYYMMDD date\n`,
    );
    expect(JSON.parse(r.stdout).transactions[0].claims).toHaveLength(2);
  });

  it('parse reads standard input when the file is -', async () => {
    const r = await run(
      ['parse', '-'],
      'ST*835*1~BPR*I*0*C*NON************20240101~TRN*1*1*1~N1*PR*P~N1*PE*Q~SE*6*1~',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).transactions[0].payment.amount).toBe('0.00');
    expect(r.stderr).toContain('<stdin>: segment 1 (ST) byte 0: warning X12_ENVELOPE_MISSING');
  });

  it('parse --strict turns the balancing warning into an error and exits 1', async () => {
    const tiger = path.join(FIXTURES, 'pyx12/835_mult_loops.txt');
    expect((await run(['parse', tiger])).code).toBe(0);
    const r = await run(['parse', path.join(FIXTURES, 'tigershark/835-example-2.txt'), '--strict']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /segment 4 \(BPR\) element 2 byte \d+: error X12_TRANSACTION_UNBALANCED/,
    );
  });

  it('validate prints each problem on its own line and a summary on stderr', async () => {
    const r = await run(['validate', path.join(FIXTURES, 'tigershark/835-example-2.txt')]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(6);
    expect(r.stderr).toMatch(/invalid \(2 transactions, 2 claims, 3 errors, 3 warnings\)/);
  });

  it('validate exits 0 for a valid file', async () => {
    const r = await run(['validate', medicare]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('exits 1 with a positioned error for input that is not X12', async () => {
    const r = await run(['parse', '-'], 'not an edi file');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      '<stdin>: segment 0 (?) byte 0: error X12_NO_INTERCHANGE: input does not start with an ISA, GS or ST segment\n',
    );
    expect(JSON.parse(r.stdout)).toMatchObject({
      transactions: [],
      issues: [{ code: 'X12_NO_INTERCHANGE' }],
    });
  });

  it.each([
    [[]],
    [['frobnicate', 'x']],
    [['parse']],
    [['parse', 'a', 'b']],
    [['validate', 'a', '--fast']],
  ])('exits 2 for the usage error %j', async (args) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^usage: claimflow x12 parse/);
    expect(r.stdout).toBe('');
  });

  it('exits 2 when the file does not exist', async () => {
    const r = await run(['parse', path.join(FIXTURES, 'no-such-file.835')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read file (ENOENT)');
    expect(r.stdout).toBe('');
  });

  it('uses the injected readFile when given', async () => {
    const stdout = new PassThrough();
    const chunks: Buffer[] = [];
    stdout.on('data', (c: Buffer) => chunks.push(c));
    const code = await x12Command(['parse', 'virtual.835'], {
      stdin: Readable.from([]),
      stdout,
      stderr: new PassThrough(),
      readFile: async () =>
        Buffer.from('ST*835*1~BPR*I*0*C*NON************20240101~TRN*1*1*1~N1*PR*P~N1*PE*Q~SE*6*1~'),
    });
    expect(code).toBe(0);
    expect(JSON.parse(Buffer.concat(chunks).toString()).transactions).toHaveLength(1);
  });
});
