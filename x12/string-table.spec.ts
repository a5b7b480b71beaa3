import { DATE, PROCEDURE, StringTable } from './string-table';

describe('StringTable', () => {
  it('returns one shared string for equal text found at different places', () => {
    const t = new StringTable();
    const text = 'CAS*CO*45*10~CAS*CO*45*20~';
    const a = t.get(text, 4, 6);
    const b = t.get(text, 17, 19);
    expect(a).toBe('CO');
    expect(b).toBe('CO');
    expect(t.get(text, 7, 9)).toBe('45');
    expect(t.get(text, 23, 25)).toBe('20');
  });

  it('keeps every key and its values right while it grows far past its first size', () => {
    const t = new StringTable(1 << 16);
    const keys = Array.from({ length: 20000 }, (_, i) => `K${i}`);
    for (const k of keys) {
      expect(t.get(k, 0, k.length)).toBe(k);
      t.keep(PROCEDURE, k, 0, k.length, `value of ${k}`);
    }
    for (const k of keys) {
      expect(t.get(`..${k}..`, 2, 2 + k.length)).toBe(k);
      expect(t.kept(PROCEDURE, k, 0, k.length)).toBe(`value of ${k}`);
      expect(t.kept(DATE, k, 0, k.length)).toBeUndefined();
    }
  });

  it('keeps values of different kinds apart for the same text', () => {
    const t = new StringTable();
    expect(t.derive(DATE, '20240115', 0, 8, () => '2024-01-15')).toBe('2024-01-15');
    expect(t.derive(PROCEDURE, '20240115', 0, 8, (k) => `${k}.00`)).toBe('20240115.00');
    expect(t.kept(DATE, '20240115', 0, 8)).toBe('2024-01-15');
  });

  it('computes a derived value once, but again when the first result was undefined', () => {
    const t = new StringTable();
    let calls = 0;
    const bad = () => {
      calls++;
      return undefined;
    };
    t.derive(DATE, 'X', 0, 1, bad);
    t.derive(DATE, 'X', 0, 1, bad);
    expect(calls).toBe(2);
    const good = () => {
      calls++;
      return 'ok';
    };
    t.derive(DATE, 'Y', 0, 1, good);
    t.derive(DATE, 'Y', 0, 1, good);
    expect(calls).toBe(3);
  });

  it('stays bounded on input of unique values: it starts afresh instead of growing forever', () => {
    const t = new StringTable();
    for (let i = 0; i < 200000; i++) {
      const k = String(i);
      t.keep(PROCEDURE, k, 0, k.length, i);
    }
    // The earliest keys were dropped when the table started afresh; the latest are kept.
    expect(t.kept(PROCEDURE, '0', 0, 1)).toBeUndefined();
    expect(t.kept(PROCEDURE, '199999', 0, 6)).toBe(199999);
  });
});
