import { parse835 } from './index';
import { EMPTY, SharedLists } from './shared-lists';
import { prng, randomTransaction, renderInterchange } from './testing/synthetic-835';

describe('SharedLists', () => {
  it('hands out one frozen list for equal items, and a new one for other items', () => {
    const lists = new SharedLists<string>();
    const a = lists.get(['CO-45', 'PR-3', 'x'], 2);
    const b = lists.get(['CO-45', 'PR-3'], 2);
    expect(a).toEqual(['CO-45', 'PR-3']);
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(lists.get(['CO-45'], 1)).toEqual(['CO-45']);
    expect(lists.get(['PR-3', 'CO-45'], 2)).not.toBe(a);
  });

  it('gives the shared empty list for no items and copies long lists instead of sharing them', () => {
    const lists = new SharedLists<number>();
    expect(lists.get([1, 2], 0)).toBe(EMPTY);
    const items = [1, 2, 3, 4, 5, 6];
    const long = lists.get(items, 6);
    expect(long).toEqual(items);
    expect(long).not.toBe(items);
    expect(lists.get(items, 6)).not.toBe(long);
  });

  it('still returns the right lists after starting afresh at its size limit', () => {
    const lists = new SharedLists<number>();
    for (let i = 0; i < 10000; i++) expect(lists.get([i, i + 1], 2)).toEqual([i, i + 1]);
    expect(lists.get([3, 4], 2)).toEqual([3, 4]);
  });
});

describe('the parsed model is read-only where values are shared', () => {
  const D = { element: '*', component: ':', repetition: '^', segment: '~' };
  const r = parse835(renderInterchange([randomTransaction(prng(4), '0001', 40)], D, '1'));
  const claims = r.transactions[0].claims;

  it('shares equal date lists and procedures between service lines', () => {
    const services = claims.flatMap((c) => c.services);
    const dates = new Set(services.map((s) => s.dates));
    expect(dates.size).toBeLessThan(services.length);
    const byCode = new Map(services.map((s) => [JSON.stringify(s.procedure), s.procedure]));
    for (const s of services) expect(s.procedure).toBe(byCode.get(JSON.stringify(s.procedure)));
  });

  it('throws on writes to a shared value instead of changing every claim that holds it', () => {
    const c = claims.find((x) => x.references.length === 0);
    expect(c).toBeDefined();
    expect(() => c?.references.push({ qualifier: 'EA', value: '1' })).toThrow(TypeError);
    expect(() => {
      (claims[0].services[0].procedure as { code: string }).code = 'X';
    }).toThrow(TypeError);
  });
});
