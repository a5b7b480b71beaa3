import { sql } from 'kysely';
import { QueryTemplate, queryBuilder, slot } from './query-template';

const claimsOf = (limit: number) =>
  queryBuilder
    .selectFrom('claims')
    .select(['id', 'payer_key'])
    .where('payer_key', '=', slot(0))
    .where((eb) =>
      eb.or([eb('category', '=', slot(1)), eb('payer_claim_control_number', '=', slot(0))]),
    )
    .where('status_code', '=', '4')
    .limit(sql.lit(limit));

describe('QueryTemplate', () => {
  it('binds each slot wherever it appears and keeps the fixed values', () => {
    const t = new QueryTemplate(claimsOf);
    const q = t.bind(50, ['payer-1', 'coding']);
    const direct = queryBuilder
      .selectFrom('claims')
      .select(['id', 'payer_key'])
      .where('payer_key', '=', 'payer-1')
      .where((eb) =>
        eb.or([eb('category', '=', 'coding'), eb('payer_claim_control_number', '=', 'payer-1')]),
      )
      .where('status_code', '=', '4')
      .limit(sql.lit(50))
      .compile();
    expect(q.sql).toBe(direct.sql);
    expect(q.parameters).toEqual(['payer-1', 'coding', 'payer-1', '4']);
  });

  it('compiles once per variant and never lets one call see another call’s values', () => {
    let builds = 0;
    const t = new QueryTemplate((limit: number) => {
      builds++;
      return claimsOf(limit);
    });
    const a = t.bind(10, ['a', 'x']);
    const b = t.bind(10, ['b', 'y']);
    const c = t.bind(20, ['c', 'z']);
    expect(builds).toBe(2);
    expect(a.parameters).toEqual(['a', 'x', 'a', '4']);
    expect(b.parameters).toEqual(['b', 'y', 'b', '4']);
    expect(c.sql).toMatch(/limit 20$/);
    expect(a.queryId).not.toBe(b.queryId);
  });

  it('stops keeping variants past its limit but still answers them', () => {
    let builds = 0;
    const t = new QueryTemplate((limit: number) => {
      builds++;
      return claimsOf(limit);
    }, 1);
    t.bind(1, ['a', 'x']);
    t.bind(2, ['a', 'x']);
    const again = t.bind(2, ['b', 'y']);
    expect(builds).toBe(3);
    expect(again.parameters[0]).toBe('b');
  });

  it('refuses a wrong number of values and slots with gaps', () => {
    const t = new QueryTemplate(claimsOf);
    expect(() => t.bind(5, ['only-one'])).toThrow('the statement has 2 slots, 1 values given');
    const gap = new QueryTemplate(() =>
      queryBuilder.selectFrom('claims').select('id').where('payer_key', '=', slot(1)),
    );
    expect(() => gap.bind(0, ['a', 'b'])).toThrow('slot 0 is missing: number slots from 0');
  });
});
