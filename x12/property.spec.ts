// Property tests: random delimiters and contents, built balanced, must read back exactly,
// balance, and survive write835 -> parse835 under any other delimiter choice.
import fc from 'fast-check';
import { parse835, write835, type Delimiters } from './index';
import {
  claimCharge,
  claimPaid,
  cents,
  prng,
  randomTransaction,
  renderInterchange,
  servicePaid,
} from './testing/synthetic-835';

// Characters that never occur in generated values (no letters, digits, space, '.', '-').
const POOL = [
  '*',
  '|',
  '^',
  '~',
  ':',
  '>',
  '!',
  '+',
  '{',
  '}',
  '\\',
  '\u001c',
  '\u001d',
  '\u001e',
  '\u001f',
  '`',
  '#',
  '@',
  '$',
  '%',
  '&',
  '=',
];
const TERMINATORS = [...POOL, '\n'];

const delimiters = fc
  .tuple(
    fc.constantFrom(...POOL),
    fc.constantFrom(...POOL),
    fc.constantFrom(...POOL),
    fc.constantFrom(...TERMINATORS),
  )
  .filter(([e, c, r, s]) => new Set([e, c, r, s]).size === 4)
  .map(([element, component, repetition, segment]): Delimiters => ({
    element,
    component,
    repetition,
    segment,
  }));

const document = fc.record({
  seed: fc.integer(),
  claims: fc.integer({ min: 0, max: 12 }),
  transactions: fc.integer({ min: 1, max: 3 }),
  lineBreaks: fc.boolean(),
  d: delimiters,
});

function build(doc: {
  seed: number;
  claims: number;
  transactions: number;
  lineBreaks: boolean;
  d: Delimiters;
}) {
  const rand = prng(doc.seed);
  const txs = Array.from({ length: doc.transactions }, (_, i) =>
    randomTransaction(rand, String(i + 1).padStart(4, '0'), doc.claims),
  );
  return { txs, text: renderInterchange(txs, doc.d, '42', doc.lineBreaks) };
}

describe('property: generated 835s', () => {
  it('read back every amount exactly, with no issue, under any delimiters', () => {
    fc.assert(
      fc.property(document, (doc) => {
        const { txs, text } = build(doc);
        const r = parse835(text);
        expect(r.issues).toEqual([]);
        expect(r.transactions).toHaveLength(txs.length);
        r.transactions.forEach((t, i) => {
          expect(t.claims).toHaveLength(txs[i].claims.length);
          t.claims.forEach((c, k) => {
            const s = txs[i].claims[k];
            expect(c.chargeAmount).toBe(cents(claimCharge(s)));
            expect(c.paymentAmount).toBe(cents(claimPaid(s)));
            expect(c.services.map((x) => x.paymentAmount)).toEqual(
              s.services.map((x) => cents(servicePaid(x))),
            );
            expect(c.adjustments).toHaveLength(
              s.claimAdjustments.length + s.services.reduce((n, x) => n + x.adjustments.length, 0),
            );
          });
        });
      }),
      { numRuns: 150 },
    );
  });

  it('round-trip through write835 with other delimiters to the same model', () => {
    fc.assert(
      fc.property(document, delimiters, fc.boolean(), (doc, d2, breaks) => {
        const first = parse835(build(doc).text);
        const second = parse835(write835(first, { delimiters: d2, lineBreaks: breaks }));
        expect(second.issues).toEqual([]);
        expect(second.transactions).toEqual(first.transactions);
      }),
      { numRuns: 150 },
    );
  });

  it('flag the exact service, claim and transaction when one paid amount is off by a cent', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 8 }), (seed, claims) => {
        const tx = randomTransaction(prng(seed), '0001', claims);
        const d = { element: '*', component: ':', repetition: '^', segment: '~' };
        const text = renderInterchange([tx], d);
        const first = parse835(text).transactions[0];
        const target = first.claims[claims - 1].services[0];
        // Rewrite that service's SVC03 one cent higher.
        const out = write835(
          parse835(text).transactions.map((t) => ({
            ...t,
            claims: t.claims.map((c, ci) =>
              ci !== claims - 1
                ? c
                : {
                    ...c,
                    services: c.services.map((s, si) =>
                      si !== 0
                        ? s
                        : {
                            ...s,
                            paymentAmount: cents(
                              Math.round(Number(target.paymentAmount) * 100) + 1,
                            ),
                          },
                    ),
                  },
            ),
          })),
        );
        const r = parse835(out);
        const svc = r.issues.filter((i) => i.code === 'X12_SERVICE_UNBALANCED');
        expect(svc).toHaveLength(1);
        expect(svc[0].message).toContain('service line 1');
        expect(svc[0].severity).toBe('warning');
        expect(r.issues.map((i) => i.code)).not.toContain('X12_CLAIM_UNBALANCED');
        expect(parse835(out, { strict: true }).issues.every((i) => i.severity === 'error')).toBe(
          true,
        );
      }),
      { numRuns: 60 },
    );
  });

  it('flag claim and transaction imbalance when CLP04 is changed', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 99999 }),
        (seed, claims, delta) => {
          const tx = randomTransaction(prng(seed), '0001', claims);
          const r0 = parse835(
            renderInterchange([tx], {
              element: '*',
              component: ':',
              repetition: '^',
              segment: '~',
            }),
          );
          const t = r0.transactions[0];
          const c = t.claims[0];
          const changed = {
            ...t,
            claims: [
              { ...c, paymentAmount: cents(Math.round(Number(c.paymentAmount) * 100) + delta) },
              ...t.claims.slice(1),
            ],
          };
          const r = parse835(write835([changed]));
          expect(r.issues.map((i) => i.code).sort()).toEqual([
            'X12_CLAIM_UNBALANCED',
            'X12_TRANSACTION_UNBALANCED',
          ]);
          const claimIssue = r.issues.find((i) => i.code === 'X12_CLAIM_UNBALANCED');
          expect(claimIssue?.position).toMatchObject({ segmentId: 'CLP', element: 4 });
        },
      ),
      { numRuns: 60 },
    );
  });
});
