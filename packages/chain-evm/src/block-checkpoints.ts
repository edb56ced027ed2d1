/**
 * Block hashes the adapter has seen, by height: the cursors it returned and the blocks its observations
 * came from. When a cursor's block hash no longer matches the chain, the newest checkpoint still on the
 * chain is the fork point, so only what came after it is rolled back and re-read.
 */
export class BlockCheckpoints {
  readonly #byHeight = new Map<bigint, string>();
  readonly #limit: number;

  constructor(limit = 4096) {
    this.#limit = limit;
  }

  record(height: bigint, hash: string): void {
    this.#byHeight.delete(height);
    this.#byHeight.set(height, hash);
    // Pruned in bulk (at 1.25x the limit) so recording stays O(1) amortised on long backfills.
    if (this.#byHeight.size > this.#limit + (this.#limit >> 2)) {
      // Drop the lowest heights: reorgs replace recent blocks, so old checkpoints matter least.
      const sorted = [...this.#byHeight.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const h of sorted.slice(0, this.#byHeight.size - this.#limit)) this.#byHeight.delete(h);
    }
  }

  /** Checkpoints strictly below `height` and at or above `floor`, newest first. */
  below(height: bigint, floor: bigint): { height: bigint; hash: string }[] {
    return [...this.#byHeight.entries()]
      .filter(([h]) => h < height && h >= floor)
      .sort(([a], [b]) => (a > b ? -1 : a < b ? 1 : 0))
      .map(([h, hash]) => ({ height: h, hash }));
  }

  /** Forgets every checkpoint above `height` (those blocks were replaced). */
  dropAbove(height: bigint): void {
    for (const h of [...this.#byHeight.keys()]) if (h > height) this.#byHeight.delete(h);
  }
}
