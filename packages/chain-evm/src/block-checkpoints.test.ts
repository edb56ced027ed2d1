import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BlockCheckpoints } from './block-checkpoints.js';
import { blockRanges } from './read-vault-logs.js';

describe('BlockCheckpoints', () => {
  it('lists checkpoints below a height newest first, above a floor', () => {
    const c = new BlockCheckpoints();
    for (const h of [5n, 9n, 7n, 12n]) c.record(h, `0x${h}`);
    expect(c.below(12n, 6n)).toEqual([
      { height: 9n, hash: '0x9' },
      { height: 7n, hash: '0x7' },
    ]);
    c.dropAbove(7n);
    expect(c.below(100n, 0n).map((x) => x.height)).toEqual([7n, 5n]);
  });

  it('keeps only the newest heights beyond its limit', () => {
    const c = new BlockCheckpoints(4);
    for (let h = 1n; h <= 6n; h++) c.record(h, `0x${h}`);
    expect(c.below(100n, 0n).map((x) => x.height)).toEqual([6n, 5n, 4n, 3n]);
  });
});

describe('blockRanges', () => {
  it('covers [from, to] exactly once in ranges of at most size blocks', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10_000n }),
        fc.bigInt({ min: 0n, max: 500n }),
        fc.bigInt({ min: 1n, max: 50n }),
        (from, len, size) => {
          const to = from + len;
          const ranges = blockRanges(from, to, size);
          expect(ranges[0]?.from).toBe(from);
          expect(ranges.at(-1)?.to).toBe(to);
          for (const [i, r] of ranges.entries()) {
            expect(r.to - r.from + 1n <= size).toBe(true);
            if (i > 0) expect(r.from).toBe(ranges[i - 1]!.to + 1n);
          }
        },
      ),
    );
  });
});
