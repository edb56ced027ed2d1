import { AppError, formatIssuePath } from '@xmargin/errors';
import { marketParamsOf, resolvePmrm1Params } from '../params/resolve-params.js';
import type {
  ExpiryMarket,
  MarginDocument,
  Market,
  Pmrm1MarketParams,
  PriceQuote,
  RiskParams,
  VolDirection,
} from '../types.js';

const YEAR = 365 * 86400;
const THIRTY_DAYS = 30 * 86400;

/** One expiry with everything the scenarios need precomputed (vol shocks, discounts, basis factor). */
export interface ExpiryContext {
  readonly expiry: number;
  readonly path: string;
  /** Years to expiry (may be <= 0 for an expired option, which then prices at intrinsic). */
  readonly time: number;
  readonly forward: number;
  readonly forwardFixed: number;
  readonly rate: number;
  /** min(forward, rate, vol) confidence of this expiry. */
  readonly confidence: number;
  readonly volUp: number;
  readonly volDown: number;
  /** Floor of an up-shocked vol (the market's `volShock.minVolUp`). */
  readonly minVolUp: number;
  readonly staticDiscount: number;
  readonly basisFactor: number;
  /** Multiplies every option value: exp(-rT) when `discountOptionValues`, else 1 (PMRM v1). */
  readonly valueDiscount: number;
  readonly vols: ReadonlyMap<number, number>;
  readonly defaultVol: number | undefined;
}

export type MarketContext = ModelMarket<Pmrm1MarketParams, ExpiryContext>;

/** One market resolved under a model: its own parameters and its expiries in the model's form. */
export interface ModelMarket<P, E> {
  readonly name: string;
  /** The market's own parameters (`params.underlyings[name]` over the document's). */
  readonly params: P;
  readonly spot: number;
  readonly spotConfidence: number;
  readonly perpPrice: number | undefined;
  readonly perpConfidence: number;
  readonly expiries: ReadonlyMap<number, E>;
}

/** A document's market data and parameters, resolved once and shared by every computation on it. */
export interface MarginContext {
  readonly params: RiskParams;
  readonly asOf: number;
  readonly stablePrice: number;
  /** imFactor raised by the stablecoin depeg add-on. */
  readonly imFactor: number;
  readonly markets: ReadonlyMap<string, MarketContext>;
  readonly prices: Readonly<Record<string, PriceQuote>>;
}

function volMultipliers(secondsToExpiry: number, p: RiskParams['volShock']): [number, number] {
  const tau = Math.max(secondsToExpiry, p.dteFloorSeconds);
  const power = tau <= THIRTY_DAYS ? p.shortTermPower : p.longTermPower;
  const mult = (THIRTY_DAYS / tau) ** power;
  return [1 + p.rangeUp * mult, Math.max(0, 1 - p.rangeDown * mult)];
}

function expiryContext(
  e: ExpiryMarket,
  path: string,
  asOf: number,
  params: Pmrm1MarketParams,
  discountOptionValues: boolean,
): ExpiryContext {
  const seconds = e.expiry - asOf;
  const time = seconds / YEAR;
  const t = Math.max(time, 0);
  const rate = e.rate ?? 0;
  const [volUp, volDown] = volMultipliers(seconds, params.volShock);
  const sd = params.staticDiscount;
  return {
    expiry: e.expiry,
    path,
    time,
    forward: e.forward,
    forwardFixed: e.forwardFixed ?? 0,
    rate,
    confidence: Math.min(e.forwardConfidence ?? 1, e.rateConfidence ?? 1, e.volConfidence ?? 1),
    volUp,
    volDown,
    minVolUp: params.volShock.minVolUp,
    staticDiscount: sd.base * Math.exp(-t * (Math.max(0, rate) * sd.rateMultScale + sd.rateAddScale)),
    basisFactor: params.basis.addFactor + params.basis.multFactor * t,
    valueDiscount: discountOptionValues ? Math.exp(-rate * t) : 1,
    vols: new Map((e.vols ?? []).map((v) => [v.strike, v.vol])),
    defaultVol: e.defaultVol,
  };
}

// Every document of a book, a what-if search or a batch of accounts shares its market objects: the
// context of one (expiry shocks, discounts, vol maps) is kept per market object, for its last
// (name, asOf, params). Market objects are treated as values, like params.
const marketCache = new WeakMap<
  Market,
  { name: string; asOf: number; params: RiskParams; ctx: MarketContext }
>();

function marketContext(name: string, m: Market, asOf: number, params: RiskParams): MarketContext {
  const hit = marketCache.get(m);
  if (hit && hit.name === name && hit.asOf === asOf && hit.params === params) return hit.ctx;
  const ctx = buildMarketContext(name, m, asOf, params);
  marketCache.set(m, { name, asOf, params, ctx });
  return ctx;
}

function buildMarketContext(name: string, m: Market, asOf: number, params: RiskParams): MarketContext {
  return buildMarket(name, m, asOf, marketParamsOf(params, name), params.discountOptionValues, expiryContext);
}

/** The market checks and fields both models share; each expiry is built by the model's `expiry`. */
export function buildMarket<P, E>(
  name: string,
  m: Market,
  asOf: number,
  p: P,
  discounting: boolean,
  expiry: (e: ExpiryMarket, path: string, asOf: number, p: P, discounting: boolean) => E,
): ModelMarket<P, E> {
  if (!(m.spot > 0)) {
    throw new AppError('RISK__INVALID_INPUT', {
      context: { path: formatIssuePath(['markets', name, 'spot']), reason: 'must be > 0' },
    });
  }
  const expiries = new Map<number, E>();
  (m.expiries ?? []).forEach((e, i) => {
    expiries.set(
      e.expiry,
      expiry(e, formatIssuePath(['markets', name, 'expiries', i]), asOf, p, discounting),
    );
  });
  return {
    name,
    params: p,
    spot: m.spot,
    spotConfidence: m.spotConfidence ?? 1,
    perpPrice: m.perp?.price,
    perpConfidence: m.perp?.confidence ?? 1,
    expiries,
  };
}

/** The document's stable price (checked) and the IM factor with the depeg add-on (both models). */
export function stableTerms(
  doc: Pick<MarginDocument, 'stable'>,
  params: {
    readonly imFactor: number;
    readonly peg: { readonly threshold: number; readonly factor: number };
  },
): { stablePrice: number; imFactor: number } {
  const stablePrice = doc.stable?.price ?? 1;
  if (!(stablePrice > 0)) {
    throw new AppError('RISK__INVALID_INPUT', { context: { path: '$.stable.price', reason: 'must be > 0' } });
  }
  const { peg } = params;
  return {
    stablePrice,
    imFactor:
      params.imFactor + (stablePrice < peg.threshold ? (peg.threshold - stablePrice) * peg.factor : 0),
  };
}

/** Resolves parameters and precomputes per-expiry shocks and discounts for one document. */
export function createContext(
  doc: Pick<MarginDocument, 'asOf' | 'params' | 'stable' | 'prices' | 'markets'>,
): MarginContext {
  const params = resolvePmrm1Params(doc.params);
  const { stablePrice, imFactor } = stableTerms(doc, params);
  const markets = new Map<string, MarketContext>();
  for (const [name, m] of Object.entries(doc.markets))
    markets.set(name, marketContext(name, m, doc.asOf, params));
  return {
    params,
    asOf: doc.asOf,
    stablePrice,
    imFactor,
    markets,
    prices: doc.prices ?? {},
  };
}

/** The vol multiplier of a scenario direction on one expiry. */
export function volMultiplier(e: ExpiryContext, vol: VolDirection): number {
  return vol === 'up' ? e.volUp : vol === 'down' ? e.volDown : 1;
}

/** Forward under a spot shock k: only the variable part moves (both models). */
export function shockedForward(e: Pick<ExpiryContext, 'forward' | 'forwardFixed'>, k: number): number {
  return (e.forward - e.forwardFixed) * k + e.forwardFixed;
}
