import { AppError, formatIssuePath } from '@xmargin/errors';
import { volFor } from '../model/option-value.js';
import type { Position } from '../types.js';
import type { Pmrm2Context, Pmrm2Expiry, Pmrm2Market } from './pmrm2-context.js';

export interface Pmrm2Option {
  readonly index: number;
  readonly strike: number;
  readonly right: 'call' | 'put';
  readonly quantity: number;
  readonly vol: number;
}

export interface Pmrm2Future {
  readonly index: number;
  readonly quantity: number;
  readonly entryPrice: number;
}

export interface Pmrm2Perp {
  readonly index: number;
  readonly quantity: number;
  readonly entryPrice: number;
  readonly funding: number;
}

export interface Pmrm2ExpiryHolding {
  readonly expiry: Pmrm2Expiry;
  readonly options: Pmrm2Option[];
  readonly futures: Pmrm2Future[];
}

/** Everything an account holds in one underlying under pmrm-2. */
export interface Pmrm2Holding {
  readonly market: Pmrm2Market;
  /** Value (stable units, own prices) of the risk-cancelling collateral of this market. */
  baseValue: number;
  readonly perps: Pmrm2Perp[];
  readonly expiries: Pmrm2ExpiryHolding[];
}

/** Starts (or returns) the holding of `underlying`. */
export function pmrm2HoldingOf(
  ctx: Pmrm2Context,
  byUnderlying: Map<string, Pmrm2Holding>,
  underlying: string,
  index: number,
): Pmrm2Holding {
  let h = byUnderlying.get(underlying);
  if (!h) {
    const market = ctx.markets.get(underlying);
    if (!market) throw new AppError('RISK__MISSING_MARKET', { context: { underlying, position: index } });
    h = { market, baseValue: 0, perps: [], expiries: [] };
    byUnderlying.set(underlying, h);
  }
  return h;
}

function expiryHolding(h: Pmrm2Holding, expiry: number, index: number): Pmrm2ExpiryHolding {
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

/** Adds position `index` to the per-underlying holdings, checking that its market data exists. */
export function addPmrm2Position(
  ctx: Pmrm2Context,
  byUnderlying: Map<string, Pmrm2Holding>,
  p: Position,
  index: number,
): void {
  const h = pmrm2HoldingOf(ctx, byUnderlying, p.underlying, index);
  switch (p.type) {
    case 'option': {
      const x = expiryHolding(h, p.expiry, index);
      const vol = volFor(x.expiry, p.strike);
      x.options.push({ index, strike: p.strike, right: p.right, quantity: p.quantity, vol });
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
            path: formatIssuePath(['markets', p.underlying, 'perp']),
            reason: `position ${index} is a perp but the market has no perp price`,
          },
        });
      }
      h.perps.push({ index, quantity: p.quantity, entryPrice: p.entryPrice, funding: p.funding ?? 0 });
      return;
    }
  }
}
