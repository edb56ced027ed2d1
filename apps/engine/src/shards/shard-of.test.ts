import { expect, it } from 'vitest';
import { shardOf } from './shard-of.js';

it('is stable: the same id maps to the same shard in every process and release', () => {
  // Pinned values: a change here moves every deployment's accounts between shards.
  expect(shardOf('acc_alpha', 64)).toBe(1);
  expect(shardOf('acc_beta', 1024)).toBe(53);
  expect(shardOf('', 64)).toBe(0x811c9dc5 % 64);
  expect(shardOf('a', 1 << 30)).toBe(0xe40c292c % (1 << 30));
});

it('spreads accounts evenly over the shards', () => {
  const counts = new Array<number>(64).fill(0);
  for (let i = 0; i < 64_000; i++) counts[shardOf(`acc_${i}`, 64)]!++;
  for (const c of counts) {
    expect(c).toBeGreaterThan(800);
    expect(c).toBeLessThan(1_200);
  }
});
