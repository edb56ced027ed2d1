import { describe, expect, it } from 'vitest';
import { queueRates } from './rates.js';

describe('queueRates', () => {
  it('jobs per second between two polls, per queue', () => {
    const prev = { at: 10_000, queues: [{ queue: 'a', completed: 100, failed: 2 }] };
    const next = {
      at: 12_000,
      queues: [
        { queue: 'a', completed: 160, failed: 3 },
        { queue: 'b', completed: 5, failed: 0 },
      ],
    };
    const r = queueRates(prev, next);
    expect(r.get('a')).toEqual({ completedPerSecond: 30, failedPerSecond: 0.5 });
    // A queue first seen in this poll has no rate yet.
    expect(r.get('b')).toEqual({ completedPerSecond: null, failedPerSecond: null });
  });
  it('gives no rate for the first poll or when a count went down (retry, removal)', () => {
    const next = { at: 5_000, queues: [{ queue: 'a', completed: 10, failed: 0 }] };
    expect(queueRates(undefined, next).get('a')).toEqual({ completedPerSecond: null, failedPerSecond: null });
    const prev = { at: 4_000, queues: [{ queue: 'a', completed: 8, failed: 4 }] };
    expect(queueRates(prev, next).get('a')).toEqual({ completedPerSecond: 2, failedPerSecond: null });
  });
});
