/**
 * Token bucket per API key (or per client IP for failed authentications), in this process. Kept in
 * memory because a Redis round trip per request would double GET latency; with N API processes the
 * effective limit is N times the configured one, which operators size for.
 */
export interface RateLimiter {
  /** Takes `cost` tokens (default 1); returns 0 when allowed, else the seconds until they are available. */
  take(key: string, cost?: number, nowMs?: number): number;
  /** Like `take`, without taking: 0 when at least one token is available. */
  peek(key: string, nowMs?: number): number;
}

// Buckets of keys idle long enough to be full again carry no information; past this many keys the map
// is pruned of them, so random keys or spoofed addresses cannot grow it without bound.
const PRUNE_AT = 100_000;

export function createRateLimiter(perSecond: number, burst: number): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refill = (key: string, nowMs: number) => {
    const b = buckets.get(key) ?? { tokens: burst, at: nowMs };
    b.tokens = Math.min(burst, b.tokens + ((nowMs - b.at) / 1000) * perSecond);
    b.at = nowMs;
    return b;
  };
  const waitFor = (tokens: number, cost: number) => Math.max(1, Math.ceil((cost - tokens) / perSecond));
  return {
    take(key, cost = 1, nowMs = performance.now()) {
      const b = refill(key, nowMs);
      if (!buckets.has(key)) {
        if (buckets.size >= PRUNE_AT) {
          for (const [k, v] of buckets)
            if (v.tokens + ((nowMs - v.at) / 1000) * perSecond >= burst) buckets.delete(k);
          if (buckets.size >= PRUNE_AT) buckets.clear();
        }
        buckets.set(key, b);
      }
      // A route costing more than the whole burst could never pass: it costs the burst at most.
      const price = Math.min(cost, burst);
      if (b.tokens >= price) {
        b.tokens -= price;
        return 0;
      }
      return waitFor(b.tokens, price);
    },
    peek(key, nowMs = performance.now()) {
      const b = buckets.get(key);
      if (!b) return 0;
      const tokens = Math.min(burst, b.tokens + ((nowMs - b.at) / 1000) * perSecond);
      return tokens >= 1 ? 0 : waitFor(tokens, 1);
    },
  };
}
