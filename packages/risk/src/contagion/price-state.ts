import type { Market, PriceQuote } from '../types.js';
import type { StressDocument } from './types.js';

/**
 * The assets whose prices the simulation moves: every market (its spot) and every `prices` key, sorted
 * by name. Index i of a price vector is `names[i]`.
 */
export interface AssetUniverse {
  readonly names: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** Reference prices R (market spot, else the `prices` quote). */
  readonly reference: Float64Array;
}

export function assetUniverse(doc: Pick<StressDocument, 'markets' | 'prices'>): AssetUniverse {
  const set = new Set([...Object.keys(doc.markets), ...Object.keys(doc.prices ?? {})]);
  const names = [...set].sort();
  const reference = new Float64Array(names.length);
  names.forEach((a, i) => {
    reference[i] = doc.markets[a]?.spot ?? doc.prices?.[a]?.price ?? 0;
  });
  return { names, index: new Map(names.map((a, i) => [a, i])), reference };
}

/** Market data at a price vector P (section 2): spot P_U; perp and forwards scale with k_U = P_U/R_U. */
export interface MarketData {
  readonly markets: Record<string, Market>;
  readonly prices: Record<string, PriceQuote>;
}

export function marketDataAt(
  doc: Pick<StressDocument, 'markets' | 'prices'>,
  universe: AssetUniverse,
  p: Float64Array,
): MarketData {
  const markets: Record<string, Market> = {};
  for (const [name, m] of Object.entries(doc.markets)) {
    const i = universe.index.get(name)!;
    const spot = p[i]!;
    if (spot === m.spot) {
      markets[name] = m;
      continue;
    }
    const k = spot / m.spot;
    markets[name] = {
      ...m,
      spot,
      ...(m.perp ? { perp: { ...m.perp, price: m.perp.price * k } } : {}),
      ...(m.expiries
        ? {
            expiries: m.expiries.map((e) => {
              const fixed = e.forwardFixed ?? 0;
              return { ...e, forward: (e.forward - fixed) * k + fixed };
            }),
          }
        : {}),
    };
  }
  const prices: Record<string, PriceQuote> = {};
  for (const [name, q] of Object.entries(doc.prices ?? {})) {
    prices[name] = { ...q, price: p[universe.index.get(name)!]! };
  }
  return { markets, prices };
}

/** Whether two price vectors are identical (the fixed-point test of section 3, step 2). */
export function samePrices(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `{asset: value}` for the given asset indices (every asset when omitted), in name order. */
export function byAsset(
  universe: AssetUniverse,
  values: Float64Array,
  only?: readonly number[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const i of only ?? universe.names.map((_, j) => j)) out[universe.names[i]!] = values[i]!;
  return out;
}
