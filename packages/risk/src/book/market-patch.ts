import { createContext, type MarginContext, type MarketContext } from '../model/context.js';
import type { MarginDocument } from '../types.js';

/** Market data and parameters shared by every account of a book. */
export type BookMarket = Pick<MarginDocument, 'asOf' | 'params' | 'stable' | 'prices' | 'markets'>;

/** What a market patch changes, as far as the book's valuations are concerned. */
export interface MarketChange {
  readonly market: BookMarket;
  readonly ctx: MarginContext;
  /** Parameters resolved to a different set: everything is revalued and every account rebuilt. */
  readonly params: boolean;
  /** asOf or the stable price moved: every instrument and every account is revalued. */
  readonly everything: boolean;
  readonly asOf: boolean;
  /** Underlyings whose market data was given. */
  readonly underlyings: readonly string[];
  /** Underlyings that had no market data before. */
  readonly newUnderlyings: readonly string[];
  /** Assets whose price moved. */
  readonly prices: readonly string[];
}

/**
 * Applies a patch to the book's market: `markets` and `prices` merge per underlying and per asset,
 * `asOf`, `stable` and `params` replace; absent fields keep their value. The context is rebuilt only
 * for the patched underlyings unless asOf, the stable price or the parameters changed. Throws the
 * AppError of invalid market data or parameters before anything is changed.
 */
export function applyMarketPatch(
  current: BookMarket,
  ctx: MarginContext,
  patch: Partial<BookMarket>,
): MarketChange {
  const market: BookMarket = {
    asOf: patch.asOf ?? current.asOf,
    params: patch.params ?? current.params,
    stable: patch.stable ?? current.stable,
    prices: patch.prices ? { ...current.prices, ...patch.prices } : current.prices,
    markets: patch.markets ? { ...current.markets, ...patch.markets } : current.markets,
  };
  const underlyings = Object.keys(patch.markets ?? {});
  const newUnderlyings = underlyings.filter((u) => current.markets[u] === undefined);
  const prices = Object.entries(patch.prices ?? {})
    .filter(([asset, q]) => current.prices?.[asset]?.price !== q.price)
    .map(([asset]) => asset);
  const asOf = market.asOf !== current.asOf;
  const stable = (market.stable?.price ?? 1) !== ctx.stablePrice;
  let next: MarginContext;
  if (asOf || stable || patch.params !== undefined) {
    next = createContext(market);
  } else {
    // Only the patched underlyings' contexts are rebuilt; parameters and the other markets stay shared.
    const patched = createContext({ ...market, markets: patch.markets ?? {} });
    const markets = new Map<string, MarketContext>(ctx.markets);
    for (const [name, m] of patched.markets) markets.set(name, m);
    next = { ...ctx, markets, prices: market.prices ?? {} };
  }
  return {
    market,
    ctx: next,
    params: next.params !== ctx.params,
    everything: asOf || stable,
    asOf,
    underlyings,
    newUnderlyings,
    prices,
  };
}
