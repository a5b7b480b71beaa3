/**
 * Equal lists of shared values handed out as one frozen list. A transaction repeats the same
 * few date lists ([472 2024-01-15]), reason-code lists ([CO-45, PR-3]) and denied-line lists
 * thousands of times; each copy is an array and its backing store for the collector to copy.
 *
 * Lists are found by their items in order (a trie keyed by each item), so items must be values
 * that are equal when they are the same: strings, numbers, or shared (flyweight) objects.
 */

/** The one empty list every model list without entries shares; frozen so it stays empty. */
export const EMPTY: never[] = Object.freeze([]) as unknown as never[];

interface Node<T> {
  list: T[] | undefined;
  next: Map<T, Node<T>> | undefined;
}

/** Lists longer than this are rare and varied: they are copied, not shared. */
const MAX_SHARED_LENGTH = 4;
/** At this many lists the cache starts afresh, so memory stays bounded. */
const MAX_LISTS = 4096;

export class SharedLists<T> {
  private root: Node<T> = { list: EMPTY, next: undefined };
  private lists = 0;
  /** The list handed out last: consecutive lines and claims often ask for it again. */
  private last: T[] = EMPTY;

  /** items[0, n) as a frozen list shared with every equal list asked for before. */
  get(items: T[], n: number): T[] {
    if (n === 0) return EMPTY;
    if (n > MAX_SHARED_LENGTH) return items.slice(0, n);
    const last = this.last;
    if (last.length === n) {
      let i = 0;
      while (i < n && last[i] === items[i]) i++;
      if (i === n) return last;
    }
    let node = this.root;
    for (let i = 0; i < n; i++) {
      const item = items[i];
      let next = node.next?.get(item);
      if (next === undefined) {
        if (this.lists >= MAX_LISTS) this.reset();
        next = { list: undefined, next: undefined };
        (node.next ??= new Map()).set(item, next);
      }
      node = next;
    }
    if (node.list === undefined) {
      node.list = Object.freeze(items.slice(0, n)) as T[];
      this.lists++;
    }
    this.last = node.list;
    return node.list;
  }

  private reset(): void {
    this.root = { list: EMPTY, next: undefined };
    this.lists = 0;
    this.last = EMPTY;
  }
}
