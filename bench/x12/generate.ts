/**
 * Writes realistic synthetic 835 files (denials, partial payments, CAS at both levels, remark
 * codes, PLB) into bench/x12/out/, streaming to disk so even a 1 GB file never sits in memory.
 *
 *   node dist/bench/x12/generate.js --claims 10000            -> out/claims-10000.835
 *   node dist/bench/x12/generate.js --bytes 1073741824 --out out/1gb.835
 */
import { createWriteStream, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import {
  prng,
  randomTransaction,
  renderSegments,
  transactionSegments,
  type Element,
} from '../../x12/testing/synthetic-835';

const D = { element: '*', component: ':', repetition: '^', segment: '~' };
/** Payers batch claims into one check/EFT per payee; 2,000 claims per ST is typical of big files. */
const CLAIMS_PER_TRANSACTION = 2000;

export const OUT_DIR = path.resolve(__dirname, '../../../bench/x12/out');

export interface Generated {
  file: string;
  bytes: number;
  claims: number;
}

export async function generate(opts: {
  claims?: number;
  bytes?: number;
  out?: string;
  seed?: number;
}): Promise<Generated> {
  mkdirSync(OUT_DIR, { recursive: true });
  const file = opts.out ?? path.join(OUT_DIR, `claims-${opts.claims}.835`);
  const stream = createWriteStream(file);
  const rand = prng(opts.seed ?? 835);
  let bytes = 0;
  let claims = 0;
  let transactions = 0;
  const write = async (text: string) => {
    bytes += text.length;
    if (!stream.write(text)) await once(stream, 'drain');
  };
  const head: Element[][] = [
    [
      'ISA',
      '00',
      ' '.repeat(10),
      '00',
      ' '.repeat(10),
      'ZZ',
      'SYNTHPAYER     ',
      'ZZ',
      'SYNTHCLINIC    ',
      '240131',
      '1200',
      '^',
      '00501',
      '000000001',
      '0',
      'T',
      ':',
    ],
    ['GS', 'HP', 'SYNTHPAYER', 'SYNTHCLINIC', '20240131', '1200', '1', 'X', '005010X221A1'],
  ];
  await write(renderSegments(head, D, true));
  const done = () =>
    opts.bytes !== undefined ? bytes >= opts.bytes : claims >= (opts.claims ?? 0);
  while (!done()) {
    const n =
      opts.bytes !== undefined
        ? CLAIMS_PER_TRANSACTION
        : Math.min(CLAIMS_PER_TRANSACTION, (opts.claims ?? 0) - claims);
    transactions++;
    const tx = randomTransaction(rand, String(transactions).padStart(6, '0'), n);
    await write(renderSegments(transactionSegments(tx), D, true));
    claims += n;
  }
  await write(
    renderSegments(
      [
        ['GE', String(transactions), '1'],
        ['IEA', '1', '000000001'],
      ],
      D,
      true,
    ),
  );
  stream.end();
  await once(stream, 'finish');
  return { file, bytes, claims };
}

if (require.main === module) {
  const { values } = parseArgs({
    options: { claims: { type: 'string' }, bytes: { type: 'string' }, out: { type: 'string' } },
  });
  generate({
    claims: values.claims ? Number(values.claims) : undefined,
    bytes: values.bytes ? Number(values.bytes) : undefined,
    out: values.out,
  }).then(
    (g) => console.log(`${g.file}: ${g.bytes} bytes, ${g.claims} claims`),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
