import { AppError } from '@xmargin/errors';
import type { Position } from '../types.js';
import type { ExpiryContext, MarginContext, MarketContext } from './context.js';

export interface OptionHolding {
  readonly index: number;
  readonly strike: number;
  readonly right: 'call' | 'put';
  readonly quantity: number;
  readonly vol: number;
}

export interface FutureHolding {
  readonly index: number;
  readonly quantity: number;
  readonly entryPrice: number;
}

export interface PerpHolding {
  readonly index: number;
  readonly quantity: number;
  readonly entryPrice: number;
  readonly funding: number;
}

export interface ExpiryHolding {
  readonly expiry: ExpiryContext;
  readonly options: OptionHolding[];
  readonly futures: FutureHolding[];
}

/** Everything an account holds in one underlying: the unit of the PMRM computation. */
export interface UnderlyingHolding {
  readonly market: MarketContext;
  base: number;
  readonly perps: PerpHolding[];
  readonly expiries: ExpiryHolding[];
}

/** The vol of a strike: its own point, else the expiry's default vol. */
export function volFor(e: ExpiryContext, strike: number): number {
  const v = e.vols.get(strike) ?? e.defaultVol;
  if (v === undefined) {
    throw new AppError('RISK__INVALID_INPUT', {
      context: { path: `${e.path}.vols`, reason: `no vol for strike ${strike} and no defaultVol` },
    });
  }
  return v;
}

function market(ctx: MarginContext, underlying: string, index: number): MarketContext {
  const m = ctx.markets.get(underlying);
  if (!m) throw new AppError('RISK__MISSING_MARKET', { context: { underlying, position: index } });
  return m;
}

function expiryHolding(h: UnderlyingHolding, expiry: number, index: number): ExpiryHolding {
  let x = h.expiries.find((e) => e.expiry.expiry === expiry);
  if (!x) {
    const e = h.market.expiries.get(expiry);
    if (!e) {
      throw new AppError('RISK__MISSING_EXPIRY', {
        context: { underlying: h.market.name, expiry, position: index },
      });
    }
    x = { expiry: e, options: [], futures: [] };
    h.expiries.push(x);
    h.expiries.sort((a, b) => a.expiry.expiry - b.expiry.expiry);
  }
  return x;
}

/** Starts (or returns) the holding of `underlying` in `byUnderlying`. */
export function holdingOf(
  ctx: MarginContext,
  byUnderlying: Map<string, UnderlyingHolding>,
  underlying: string,
  index: number,
): UnderlyingHolding {
  let h = byUnderlying.get(underlying);
  if (!h) {
    h = { market: market(ctx, underlying, index), base: 0, perps: [], expiries: [] };
    byUnderlying.set(underlying, h);
  }
  return h;
}

/** Adds position `index` to the per-underlying holdings, checking that its market data exists. */
export function addPosition(
  ctx: MarginContext,
  byUnderlying: Map<string, UnderlyingHolding>,
  p: Position,
  index: number,
): void {
  const h = holdingOf(ctx, byUnderlying, p.underlying, index);
  switch (p.type) {
    case 'option': {
      const x = expiryHolding(h, p.expiry, index);
      x.options.push({
        index,
        strike: p.strike,
        right: p.right,
        quantity: p.quantity,
        vol: volFor(x.expiry, p.strike),
      });
      return;
    }
    case 'future': {
      expiryHolding(h, p.expiry, index).futures.push({
        index,
        quantity: p.quantity,
        entryPrice: p.entryPrice,
      });
      return;
    }
    case 'perp': {
      if (h.market.perpPrice === undefined) {
        throw new AppError('RISK__INVALID_INPUT', {
          context: {
            path: `markets.${p.underlying}.perp`,
            reason: `position ${index} is a perp but the market has no perp price`,
          },
        });
      }
      h.perps.push({ index, quantity: p.quantity, entryPrice: p.entryPrice, funding: p.funding ?? 0 });
      return;
    }
  }
}
