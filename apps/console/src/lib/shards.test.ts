import { describe, expect, it } from 'vitest';
import { shardRows } from './shards.js';

describe('shard rows', () => {
  it('turns lease expiry and newest event into ages at the read, unowned shards kept', () => {
    const rows = shardRows({
      at: 100_000,
      shardCount: 2,
      workers: [{ id: 'w1', heartbeatAt: 99_000, shards: [0] }],
      shards: [
        { shard: 0, owner: 'w1', leaseExpiresAt: 104_500, events: 12, lastEventAt: 40_000 },
        { shard: 1, owner: null, leaseExpiresAt: null, events: 0, lastEventAt: null },
      ],
    });
    expect(rows).toEqual([
      { shard: 0, owner: 'w1', leaseLeftSeconds: 4.5, events: 12, lastEventAgeSeconds: 60 },
      { shard: 1, owner: null, leaseLeftSeconds: null, events: 0, lastEventAgeSeconds: null },
    ]);
  });
});
