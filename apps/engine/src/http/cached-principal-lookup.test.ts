import { describe, expect, it } from 'vitest';
import { cachedPrincipalLookup, type Principal } from './auth.js';

const principal = (name: string): Principal => ({
  keyId: `key_${name}`,
  name,
  role: 'protocol',
  scope: null,
});

/** A lookup answering from a table after `release()`, counting calls; the clock is set by the test. */
function table() {
  const rows = new Map<string, Principal>([['h1', principal('one')]]);
  let calls = 0;
  let gate: Promise<void> = Promise.resolve();
  let open: () => void = () => undefined;
  return {
    rows,
    get calls() {
      return calls;
    },
    hold() {
      gate = new Promise<void>((r) => {
        open = r;
      });
    },
    release: () => open(),
    find: async (hash: string) => {
      calls++;
      await gate;
      return rows.get(hash) ?? null;
    },
  };
}

describe('cachedPrincipalLookup', () => {
  it('shares one lookup between concurrent misses and answers hits from memory', async () => {
    const t = table();
    let clock = 0;
    const lookup = cachedPrincipalLookup(t.find, 1_000, () => clock);
    t.hold();
    const answers = Promise.all([lookup('h1'), lookup('h1'), lookup('h1')]);
    t.release();
    expect((await answers).map((p) => p?.name)).toEqual(['one', 'one', 'one']);
    expect(t.calls).toBe(1);
    clock = 400;
    expect((await lookup('h1'))?.name).toBe('one');
    expect(t.calls).toBe(1);
    expect(await lookup('unknown')).toBeNull();
    expect(t.calls).toBe(2);
  });

  it('refreshes in the background after half the TTL, and revocation shows within the TTL', async () => {
    const t = table();
    let clock = 0;
    const lookup = cachedPrincipalLookup(t.find, 1_000, () => clock);
    await lookup('h1');
    t.rows.delete('h1'); // revoked
    clock = 600;
    // Still served from memory (within the TTL) while the refresh runs...
    expect((await lookup('h1'))?.name).toBe('one');
    expect(t.calls).toBe(2);
    await new Promise((r) => setImmediate(r));
    // ...and the refreshed (revoked) answer is used from then on.
    expect(await lookup('h1')).toBeNull();
    clock = 1_700;
    expect(await lookup('h1')).toBeNull();
    expect(t.calls).toBe(3);
  });
});
