import type { MarginContext, MarketContext } from '../model/context.js';
import type { Pmrm2Context, Pmrm2Market } from '../pmrm2/pmrm2-context.js';
import type { MarginDocument } from '../types.js';
import { createModelContext, isPmrm2, type ModelContext } from './model-context.js';

/** Market data and parameters shared by every account of a book. */
export type BookMarket = Pick<MarginDocument, 'asOf' | 'params' | 'stable' | 'prices' | 'markets'>;

/** What a market patch changes, as far as the book's valuations are concerned. */
export interface MarketChange {
  readonly market: BookMarket;
  readonly ctx: ModelContext;
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
  /** pmrm-2: the lowest spot confidence before the change (other collateral's confidence). */
  readonly previousMinSpotConfidence: number | undefined;
  /** Patched underlyings whose spot or spot confidence moved (pmrm-2 collateral is valued on them). */
  readonly spotMoved: readonly string[];
}

/**
 * Applies a patch to the book's market: `markets` and `prices` merge per underlying and per asset,
 * `asOf`, `stable` and `params` replace; absent fields keep their value. The context is rebuilt only
 * for the patched underlyings unless asOf, the stable price or the parameters changed. Throws the
 * AppError of invalid market data or parameters before anything is changed.
 */
export function applyMarketPatch(
  current: BookMarket,
  ctx: ModelContext,
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
  let next: ModelContext;
  if (asOf || stable || patch.params !== undefined) {
    next = createModelContext(market);
  } else {
    // Only the patched underlyings' contexts are rebuilt; parameters and the other markets stay shared.
    const patched = createModelContext({ ...market, markets: patch.markets ?? {} });
    if (isPmrm2(ctx)) {
      const markets = new Map<string, Pmrm2Market>(ctx.markets);
      for (const [name, m] of (patched as Pmrm2Context).markets) markets.set(name, m);
      let minSpotConfidence = 1;
      for (const m of markets.values()) minSpotConfidence = Math.min(minSpotConfidence, m.spotConfidence);
      next = { ...ctx, markets, prices: market.prices ?? {}, minSpotConfidence };
    } else {
      const markets = new Map<string, MarketContext>(ctx.markets);
      for (const [name, m] of (patched as MarginContext).markets) markets.set(name, m);
      next = { ...ctx, markets, prices: market.prices ?? {} };
    }
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
    previousMinSpotConfidence: isPmrm2(ctx) ? ctx.minSpotConfidence : undefined,
    spotMoved: underlyings.filter((u) => {
      const before = ctx.markets.get(u);
      const after = next.markets.get(u);
      return before?.spot !== after?.spot || before?.spotConfidence !== after?.spotConfidence;
    }),
  };
}
