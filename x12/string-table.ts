/**
 * One shared copy of each short value of a parse (codes, qualifiers, dates, names), looked up
 * straight from the input text: a value seen before costs a hash of its characters and no
 * allocation at all. Most of a remittance's short values repeat, and every duplicate kept in
 * the model is heap the garbage collector must copy. (Amounts are not interned: they repeat too
 * little for a lookup to cost less than a copy; measured in bench/x12/README.md.)
 *
 * Beside each key the table can keep one value per kind (the ISO form of a CCYYMMDD date, a
 * shared Procedure), so it is worked out once per distinct text.
 *
 * A table is a cache, not a registry: when it is full it starts afresh, so it stays small
 * enough to be fast (a lookup that misses the CPU cache costs more than the copy it saves).
 * One per parse, never module-wide: names and dates are PHI and must not outlive it.
 */

/** Longer slices are V8 sliced strings that would keep the whole input alive; never kept. */
export const MAX_INTERNED = 12;
/** Kinds of values kept beside a key. */
export const DATE = 0;
export const PROCEDURE = 1;
const KINDS = 2;
const SHORT_SLOTS = 4096;

export class StringTable {
  /** Hash of each slot's key; 0 marks an empty slot (real hashes are never 0). */
  private hashes: Int32Array;
  private keys: string[];
  /** values[slot * KINDS + kind]. */
  private values: unknown[];
  private mask: number;
  private size = 0;
  /** Per kind, the slot derive() answered last (consecutive segments repeat dates); -1: none. */
  private readonly lastSlots = new Int32Array(KINDS).fill(-1);
  /** Codes of 1 to 3 characters, direct-mapped by their packed character codes. */
  private readonly shortKeys = new Int32Array(SHORT_SLOTS);
  private readonly shortValues = new Array<string>(SHORT_SLOTS).fill('');

  /** maxSlots: a power of two; the table holds at most half as many keys. */
  constructor(private readonly maxSlots = 1 << 14) {
    const slots = Math.min(1024, maxSlots);
    this.hashes = new Int32Array(slots);
    this.keys = new Array<string>(slots).fill('');
    this.values = new Array<unknown>(slots * KINDS).fill(undefined);
    this.mask = slots - 1;
  }

  /** text[from, to) as a shared string; callers keep to - from within MAX_INTERNED. */
  get(text: string, from: number, to: number): string {
    const len = to - from;
    if (len <= 3) {
      // Length and three latin1 characters fit one int: no hash loop, no string compare.
      const a = text.charCodeAt(from);
      const b = len > 1 ? text.charCodeAt(from + 1) : 0;
      const c = len > 2 ? text.charCodeAt(from + 2) : 0;
      if ((a | b | c) < 256) {
        const key = (len << 24) | (c << 16) | (b << 8) | a;
        const i = Math.imul(key, 0x9e3779b1) >>> 20;
        if (this.shortKeys[i] === key) return this.shortValues[i];
        const v = text.slice(from, to);
        this.shortKeys[i] = key;
        this.shortValues[i] = v;
        return v;
      }
    }
    // slot() may grow the table: look the arrays up only after it.
    const slot = this.slot(text, from, to);
    return this.keys[slot];
  }

  /** The value of this kind kept beside text[from, to), if any. */
  kept<T>(kind: number, text: string, from: number, to: number): T | undefined {
    const slot = this.slot(text, from, to);
    return this.values[slot * KINDS + kind] as T | undefined;
  }

  keep(kind: number, text: string, from: number, to: number, value: unknown): void {
    const slot = this.slot(text, from, to);
    this.values[slot * KINDS + kind] = value;
  }

  /**
   * The value of this kind derived from text[from, to) by `derive`, computed once per distinct
   * text. An undefined result is not kept: it is computed again (and its problem reported again).
   */
  derive<T>(
    kind: number,
    text: string,
    from: number,
    to: number,
    derive: (key: string) => T | undefined,
  ): T | undefined {
    const last = this.lastSlots[kind];
    if (last >= 0) {
      const k = this.keys[last];
      const seen = this.values[last * KINDS + kind];
      if (seen !== undefined && k.length === to - from && same(k, text, from)) return seen as T;
    }
    const slot = this.slot(text, from, to);
    this.lastSlots[kind] = slot;
    const at = slot * KINDS + kind;
    let v = this.values[at] as T | undefined;
    if (v === undefined) {
      v = derive(this.keys[slot]);
      this.values[at] = v;
    }
    return v;
  }

  private slot(text: string, from: number, to: number): number {
    let h = 0x811c9dc5 | 0;
    for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    // FNV-1a's low bits depend only on the low bits of the characters (digits differ in four):
    // mix the high bits down before masking, or the slots of amounts cluster.
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    if (h === 0) h = 1;
    const len = to - from;
    const hashes = this.hashes;
    let slot = h & this.mask;
    for (;;) {
      const hs = hashes[slot];
      if (hs === 0) break;
      if (hs === h) {
        const k = this.keys[slot];
        if (k.length === len && same(k, text, from)) return slot;
      }
      slot = (slot + 1) & this.mask;
    }
    if (this.size * 2 >= this.mask) {
      this.grow();
      return this.slot(text, from, to);
    }
    hashes[slot] = h;
    this.keys[slot] = text.slice(from, to);
    this.size++;
    return slot;
  }

  private grow(): void {
    const { keys, hashes, values } = this;
    this.lastSlots.fill(-1);
    const slots = keys.length;
    if (slots >= this.maxSlots) {
      // Cleared in place: new arrays would be garbage for the collector, large ones at that.
      hashes.fill(0);
      keys.fill('');
      values.fill(undefined);
      this.size = 0;
      return;
    }
    const n = slots * 2;
    this.hashes = new Int32Array(n);
    this.keys = new Array<string>(n).fill('');
    this.values = new Array<unknown>(n * KINDS).fill(undefined);
    this.mask = n - 1;
    for (let i = 0; i < slots; i++) {
      const h = hashes[i];
      if (h === 0) continue;
      let slot = h & this.mask;
      while (this.hashes[slot] !== 0) slot = (slot + 1) & this.mask;
      this.hashes[slot] = h;
      this.keys[slot] = keys[i];
      for (let kind = 0; kind < KINDS; kind++) {
        this.values[slot * KINDS + kind] = values[i * KINDS + kind];
      }
    }
  }
}

function same(key: string, text: string, from: number): boolean {
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) !== text.charCodeAt(from + i)) return false;
  }
  return true;
}
