import { describe, expect, it } from 'vitest';
import { abortableSleep, backoffDelay, parseRetryAfter } from './backoff.js';

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, scaled by the jitter draw', () => {
    const opts = { baseMs: 100, maxMs: 1_000 };
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, { ...opts, random: () => 0.999999 }))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    expect(backoffDelay(3, { ...opts, random: () => 0 })).toBe(0);
    expect(backoffDelay(2, { ...opts, random: () => 0.5 })).toBe(200);
  });
});

describe('parseRetryAfter', () => {
  it('reads delta seconds and HTTP dates', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:07 GMT', now)).toBe(7_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});

describe('abortableSleep', () => {
  it('resolves after the delay and rejects with the abort reason', async () => {
    await expect(abortableSleep(1)).resolves.toBeUndefined();
    const c = new AbortController();
    const p = abortableSleep(60_000, c.signal);
    c.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
    await expect(abortableSleep(1, c.signal)).rejects.toThrow('stop');
  });
});
