// Mutated fixtures must give a typed error or a result: never an untyped exception or a hang.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { X12Error, parse835, write835 } from './index';

const FIXTURES = path.resolve(__dirname, '../../shared/fixtures/x12-835/public');
const files = readdirSync(FIXTURES)
  .flatMap((d) => readdirSync(path.join(FIXTURES, d)).map((f) => path.join(FIXTURES, d, f)))
  .filter((f) => !f.endsWith('profee-multiple.edi'));
const samples = files.map((f) => readFileSync(f));

const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 200 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ maxLength: 64 }),
  }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 400 }),
  }),
  fc.record({
    kind: fc.constant('delimiter' as const),
    at: fc.nat(),
    char: fc.constantFrom('*', '~', ':', '>', '^', '|', '\n', '\r', 'I', 'S', 'A'),
  }),
);

function mutate(src: Buffer, ms: unknown[]): Buffer {
  let b = Buffer.from(src);
  for (const m of ms as {
    kind: string;
    at: number;
    byte?: number;
    length?: number;
    bytes?: Uint8Array;
    char?: string;
  }[]) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    if (m.kind === 'flip') b[at] = m.byte ?? 0;
    else if (m.kind === 'delete')
      b = Buffer.concat([b.subarray(0, at), b.subarray(at + (m.length ?? 1))]);
    else if (m.kind === 'insert')
      b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes ?? []), b.subarray(at)]);
    else if (m.kind === 'duplicate')
      b = Buffer.concat([b.subarray(0, at + (m.length ?? 1)), b.subarray(at)]);
    else b = Buffer.concat([b.subarray(0, at), Buffer.from(m.char ?? '*'), b.subarray(at + 1)]);
  }
  return b;
}

describe('fuzz: mutated fixtures', () => {
  it('always end in a result or a typed X12Error, and results can be written back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: samples.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        (i, ms, strict) => {
          const input = mutate(samples[i], ms);
          let result;
          try {
            result = parse835(input, { strict });
          } catch (e) {
            expect(e).toBeInstanceOf(X12Error);
            return;
          }
          for (const issue of result.issues) {
            expect(typeof issue.code).toBe('string');
            expect(issue.position.byteOffset).toBeGreaterThanOrEqual(0);
            expect(issue.position.byteOffset).toBeLessThanOrEqual(input.length);
          }
          for (const t of result.transactions) {
            for (const c of t.claims) expect(c.chargeAmount).toMatch(/^-?\d+\.\d\d$/);
          }
          try {
            parse835(write835(result));
          } catch (e) {
            // A mutated value may hold a delimiter of the output: that is a typed refusal too.
            expect(e).toBeInstanceOf(X12Error);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
