import type { Hex } from '../internal/bytes.js';

/**
 * Remembers which addresses the signatures of an already-seen (header, digest) recovered to, so that a VAA
 * posted again (relayers retry, several engines receive the same update) costs no signature recovery. The
 * trust checks (set, expiry, quorum, index -> key) still run on every call: the cache only stores facts
 * that hold whatever the trust store says.
 */
export interface DigestCache {
  get(key: string): readonly Hex[] | undefined;
  set(key: string, recovered: readonly Hex[]): void;
  readonly stats: { hits: number; misses: number };
}

/** A bounded LRU digest cache (Map insertion order; the oldest entry goes first when full). */
export function createDigestCache(maxEntries = 10_000): DigestCache {
  const entries = new Map<string, readonly Hex[]>();
  const stats = { hits: 0, misses: 0 };
  return {
    stats,
    get(key) {
      const hit = entries.get(key);
      if (hit === undefined) {
        stats.misses++;
        return undefined;
      }
      stats.hits++;
      entries.delete(key);
      entries.set(key, hit);
      return hit;
    },
    set(key, recovered) {
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(key, recovered);
    },
  };
}
