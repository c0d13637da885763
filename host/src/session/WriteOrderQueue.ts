/**
 * Ids in the order they were written, each with the sequence number of its write: the oldest
 * write is at the head in O(1), so expiry never scans a whole map. A later write of the same
 * id makes the earlier item stale; the owner skips stale items (their sequence number no
 * longer matches) and rebuilds the queue when stale ones outnumber the live.
 */
export class WriteOrderQueue {
  #ids: string[] = [];
  #seqs: number[] = [];
  #head = 0;

  get length(): number {
    return this.#ids.length - this.#head;
  }

  push(id: string, seq: number): void {
    this.#ids.push(id);
    this.#seqs.push(seq);
  }

  /** The oldest item's id; undefined when empty. */
  headId(): string | undefined {
    return this.#ids[this.#head];
  }

  headSeq(): number {
    return this.#seqs[this.#head] ?? -1;
  }

  shift(): void {
    this.#head += 1;
    if (this.#head >= 1024 && this.#head * 2 >= this.#ids.length) {
      this.#ids = this.#ids.slice(this.#head);
      this.#seqs = this.#seqs.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Replaces the items with `live` (id and sequence number), oldest first. */
  rebuild(live: Iterable<readonly [string, number]>): void {
    const items = [...live].sort((a, b) => a[1] - b[1]);
    this.#ids = items.map(([id]) => id);
    this.#seqs = items.map(([, seq]) => seq);
    this.#head = 0;
  }
}
