import { AppError } from '@xmargin/errors';
import { buildMarket, type ModelMarket, stableTerms } from '../model/context.js';
import { marketParamsOf, resolveParams } from '../params/resolve-params.js';
import type {
  ExpiryMarket,
  MarginDocument,
  Market,
  Pmrm2MarketParams,
  Pmrm2Params,
  PriceQuote,
} from '../types.js';

const YEAR = 365 * 86400;
const THIRTY_DAYS = 30 * 86400;

/** Skew vol inputs of one kind on one expiry (section 9.3). */
export interface SkewShape {
  readonly cap: number;
  readonly kStar: number;
}

/** One expiry with everything the pmrm-2 scenarios need precomputed. */
export interface Pmrm2Expiry {
  readonly expiry: number;
  readonly path: string;
  /** Years to expiry, floored at 0 (an expired option prices at intrinsic value). */
  readonly time: number;
  readonly forward: number;
  readonly forwardFixed: number;
  /** The rate floored at 0, as Derive uses it everywhere. */
  readonly rate: number;
  /** min(forward, rate, vol) confidence of this expiry. */
  readonly confidence: number;
  /** Vol multipliers of the up and down scenarios; NaN when expiry and floor are both 0. */
  readonly volUp: number;
  readonly volDown: number;
  /** exp(-rT) when `discountOptionValues`, else 1: multiplies every option value. */
  readonly discount: number;
  /** Static discount of a net-long (>= 0) and of a net-short shocked expiry value. */
  readonly longDiscount: number;
  readonly shortDiscount: number;
  readonly basisFactor: number;
  readonly skew: { readonly linear: SkewShape; readonly abs: SkewShape } | null;
  readonly vols: ReadonlyMap<number, number>;
  readonly defaultVol: number | undefined;
}

export type Pmrm2Market = ModelMarket<Pmrm2MarketParams, Pmrm2Expiry>;

/** A pmrm-2 document's market data and parameters, resolved once. */
export interface Pmrm2Context {
  readonly params: Pmrm2Params;
  readonly asOf: number;
  readonly stablePrice: number;
  /** imFactor raised by the stablecoin depeg add-on. */
  readonly imFactor: number;
  readonly markets: ReadonlyMap<string, Pmrm2Market>;
  readonly prices: Readonly<Record<string, PriceQuote>>;
  /** Lowest spot confidence of the document's markets (1 without markets): other collateral's `cS`. */
  readonly minSpotConfidence: number;
}

function volMultipliers(seconds: number, p: Pmrm2MarketParams['volShock']): [number, number] {
  const tau = Math.max(seconds, p.dteFloorSeconds);
  // An expiry at asOf with no floor has no defined shock; options on it are refused when evaluated.
  if (!(tau > 0)) return [Number.NaN, Number.NaN];
  const power = seconds <= THIRTY_DAYS ? p.shortTermPower : p.longTermPower;
  const mult = (THIRTY_DAYS / tau) ** power;
  return [1 + p.rangeUp * mult, Math.max(0, 1 - p.rangeDown * mult)];
}

function skewShapes(time: number, p: Pmrm2MarketParams): Pmrm2Expiry['skew'] {
  const k = p.skew;
  if (k === null) return null;
  const s = Math.sqrt(time);
  const kStar = Math.max(k.minKStar, s * k.widthScale * (k.volStatic + k.volScale * s));
  return {
    linear: { cap: k.linear.baseCap + k.linear.capSlope * s, kStar },
    abs: { cap: k.abs.baseCap + k.abs.capSlope * s, kStar },
  };
}

function expiryOf(e: ExpiryMarket, path: string, asOf: number, p: Pmrm2MarketParams, discounting: boolean) {
  const seconds = e.expiry - asOf;
  const time = Math.max(seconds, 0) / YEAR;
  const rate = Math.max(e.rate ?? 0, 0);
  const [volUp, volDown] = volMultipliers(seconds, p.volShock);
  const discount = discounting ? Math.exp(-rate * time) : 1;
  const { long, short } = p.staticDiscount;
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
    discount,
    longDiscount: long.base * Math.exp(-time * (rate * long.rateMultScale + long.rateAddScale)),
    shortDiscount: Math.min(
      1 / discount,
      short.base * Math.exp(time * (rate * short.rateMultScale + short.rateAddScale)),
    ),
    basisFactor: p.basis.addFactor + p.basis.multFactor * time,
    skew: skewShapes(time, p),
    vols: new Map((e.vols ?? []).map((v) => [v.strike, v.vol])),
    defaultVol: e.defaultVol,
  } satisfies Pmrm2Expiry;
}

/** One market under pmrm-2 (exported for the book, which replaces one market at a time). */
export function pmrm2Market(name: string, m: Market, asOf: number, params: Pmrm2Params): Pmrm2Market {
  return buildMarket(name, m, asOf, marketParamsOf(params, name), params.discountOptionValues, expiryOf);
}

/** Resolves pmrm-2 parameters and precomputes per-expiry shocks and discounts for one document. */
export function createPmrm2Context(
  doc: Pick<MarginDocument, 'asOf' | 'params' | 'stable' | 'prices' | 'markets'>,
): Pmrm2Context {
  const params = resolveParams(doc.params);
  if (params.model !== 'pmrm-2') {
    throw new AppError('RISK__INVALID_INPUT', {
      context: { path: '$.params.model', reason: `expected "pmrm-2", got "${params.model}"` },
    });
  }
  const { stablePrice, imFactor } = stableTerms(doc, params);
  const markets = new Map<string, Pmrm2Market>();
  let minSpotConfidence = 1;
  for (const [name, m] of Object.entries(doc.markets)) {
    const market = pmrm2Market(name, m, doc.asOf, params);
    markets.set(name, market);
    minSpotConfidence = Math.min(minSpotConfidence, market.spotConfidence);
  }
  return {
    params,
    asOf: doc.asOf,
    stablePrice,
    imFactor,
    markets,
    prices: doc.prices ?? {},
    minSpotConfidence,
  };
}
