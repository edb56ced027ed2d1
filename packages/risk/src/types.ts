// Input and output documents of the margin engine (spec section 6). Optional fields are typed
// `?: T | undefined` so the zod output types of @xmargin/schemas are assignable to them.

/** Vol shock direction of a scenario. */
export type VolDirection = 'up' | 'none' | 'down';

/** One stress scenario: spot multiplier, vol direction and weight (PMRM's dampening factor). */
export interface Scenario {
  spotShock: number;
  vol: VolDirection;
  weight?: number | undefined;
}

/** One band of a tiered haircut: value (USD) up to `upTo` gets `haircut`; no `upTo` = unbounded. */
export interface HaircutTier {
  upTo?: number | undefined;
  haircut: number;
}

/** How an asset counts as collateral. */
export interface AssetParams {
  /** Market the asset tracks; collateral in it is risk-cancelling (`base`) for that market. */
  underlying?: string | undefined;
  mmHaircut?: number | undefined;
  imHaircut?: number | undefined;
  /** Size-tiered haircut (marginal bands, Binance/OKX style); replaces `mmHaircut` when given. */
  tiers?: readonly HaircutTier[] | undefined;
}

/** The fully resolved parameter set (spec section 6). */
export interface RiskParams {
  scenarios: readonly { spotShock: number; vol: VolDirection; weight: number }[];
  basis: { spotUp: number; spotDown: number; addFactor: number; multFactor: number };
  volShock: {
    rangeUp: number;
    rangeDown: number;
    shortTermPower: number;
    longTermPower: number;
    dteFloorSeconds: number;
    minVolUp: number;
  };
  staticDiscount: { base: number; rateMultScale: number; rateAddScale: number };
  contingency: { basePercent: number; perpPercent: number; optionPercent: number };
  confidence: { threshold: number; margin: number };
  peg: { threshold: number; factor: number };
  imFactor: number;
  mmFactor: number;
  discountOptionValues: boolean;
  /** Balances observed longer ago than this count at zero; `null` = no age limit. */
  collateralMaxAgeSeconds: number | null;
  assets: Readonly<Record<string, AssetParams>>;
  cross: {
    futureIm: number;
    futureMm: number;
    optionShortA: number;
    optionShortB: number;
    optionMmFactor: number;
  };
}

/** Every field optional, `undefined` allowed (the shape zod's `.partial()` produces). */
type Opt<T> = { [K in keyof T]?: T[K] | undefined };

/** Deep-partial parameter object, as written in a document (full object or overrides). */
export type ParamsInput = {
  scenarios?: readonly Scenario[] | undefined;
  basis?: Opt<RiskParams['basis']> | undefined;
  volShock?: Opt<RiskParams['volShock']> | undefined;
  staticDiscount?: Opt<RiskParams['staticDiscount']> | undefined;
  contingency?: Opt<RiskParams['contingency']> | undefined;
  confidence?: Opt<RiskParams['confidence']> | undefined;
  peg?: Opt<RiskParams['peg']> | undefined;
  imFactor?: number | undefined;
  mmFactor?: number | undefined;
  discountOptionValues?: boolean | undefined;
  collateralMaxAgeSeconds?: number | null | undefined;
  assets?: Readonly<Record<string, AssetParams>> | undefined;
  cross?: Opt<RiskParams['cross']> | undefined;
};

/** `params` of a document: a preset with overrides, or a parameter object. */
export type ParamsSpec = { preset: string; overrides?: ParamsInput | undefined } | ParamsInput;

export interface VolPoint {
  strike: number;
  vol: number;
}

/** Market data of one expiry of an underlying. */
export interface ExpiryMarket {
  expiry: number;
  forward: number;
  forwardFixed?: number | undefined;
  forwardConfidence?: number | undefined;
  rate?: number | undefined;
  rateConfidence?: number | undefined;
  volConfidence?: number | undefined;
  defaultVol?: number | undefined;
  vols?: readonly VolPoint[] | undefined;
}

/** Market data of one underlying. Confidences default to 1. */
export interface Market {
  spot: number;
  spotConfidence?: number | undefined;
  perp?: { price: number; confidence?: number | undefined } | undefined;
  expiries?: readonly ExpiryMarket[] | undefined;
}

export interface OptionPosition {
  type: 'option';
  underlying: string;
  expiry: number;
  strike: number;
  right: 'call' | 'put';
  quantity: number;
}

export interface PerpPosition {
  type: 'perp';
  underlying: string;
  quantity: number;
  entryPrice: number;
  funding?: number | undefined;
}

export interface FuturePosition {
  type: 'future';
  underlying: string;
  expiry: number;
  quantity: number;
  entryPrice: number;
}

export type Position = OptionPosition | PerpPosition | FuturePosition;

/** One collateral balance on one chain. */
export interface CollateralBalance {
  asset: string;
  amount: number;
  chain?: string | undefined;
  source?: 'indexer' | 'vaa' | 'query' | undefined;
  observedAt?: number | undefined;
}

export interface Account {
  cash?: number | undefined;
  collateral?: readonly CollateralBalance[] | undefined;
  positions?: readonly Position[] | undefined;
}

export interface PriceQuote {
  price: number;
  confidence?: number | undefined;
}

/** The input document (`version: 1`). */
export interface MarginDocument {
  version: 1;
  asOf: number;
  params: ParamsSpec;
  stable?: PriceQuote | undefined;
  prices?: Readonly<Record<string, PriceQuote>> | undefined;
  markets: Readonly<Record<string, Market>>;
  account: Account;
}

/** Greeks with respect to spot: delta, gamma, vega per 1.00 vol, theta per year. */
export interface GreeksOut {
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
}

/** The scenario that set the requirement, or the basis contingency. */
export type WorstScenario = { spotShock: number; vol: VolDirection } | { basis: true };

export interface UnderlyingResult {
  worstScenario: WorstScenario;
  scenarios: { spotShock: number; vol: VolDirection; pnl: number }[];
  basisContingency: number;
  staticContingency: number;
  confidenceContingency: number;
  markToMarket: number;
  greeks: GreeksOut;
}

export interface PositionResult {
  index: number;
  markToMarket: number;
  /** The position's P&L in its underlying's worst scenario (static discount shared pro rata). */
  worstScenarioPnl: number;
  greeks: GreeksOut;
}

export interface ModeResult {
  initialRequirement: number;
  maintenanceRequirement: number;
  initialExcess: number;
  maintenanceExcess: number;
}

export interface MarginWarning {
  code: 'COLLATERAL_STALE' | 'COLLATERAL_UNSUPPORTED' | 'OPTION_EXPIRED';
  path: string;
  message: string;
}

/** The output document (spec section 6). Numbers are in stable units. */
export interface MarginResult {
  equity: number;
  initialRequirement: number;
  maintenanceRequirement: number;
  initialExcess: number;
  maintenanceExcess: number;
  markToMarket: number;
  underlyings: Record<string, UnderlyingResult>;
  positions: PositionResult[];
  modes: { isolated: ModeResult; cross: ModeResult; portfolio: ModeResult };
  /** isolated / portfolio initial requirement; `null` when the portfolio requirement is zero. */
  capitalEfficiency: number | null;
  warnings: MarginWarning[];
}

/** One proposed change of a what-if check. Quantities and amounts are deltas. */
export type WhatIfChange =
  /** Adds a position; a negative quantity on an existing instrument reduces or closes it. */
  | { type: 'position'; position: Position }
  /** Deposits (amount > 0) or withdraws (amount < 0) collateral. */
  | { type: 'collateral'; asset: string; amount: number; chain?: string | undefined }
  /** Adds to (or takes from) the cash balance. */
  | { type: 'cash'; amount: number };

/** Options of a what-if check. */
export interface WhatIfOptions {
  /** Index in `changes` of the position change whose largest passing size is searched (default: the last). */
  sizeChange?: number | undefined;
  /** Upper bound of that search, as a multiple of the proposed quantity (default 1e6). */
  maxSizeMultiple?: number | undefined;
}

/** The headline figures of a margin result. */
export interface MarginSummary {
  equity: number;
  initialRequirement: number;
  maintenanceRequirement: number;
  initialExcess: number;
  maintenanceExcess: number;
  markToMarket: number;
}

/** Largest quantity of the proposed position (same sign) that still passes, by bisection. */
export interface MaxPassingSize {
  change: number;
  quantity: number;
  /** false when the search reached `maxSizeMultiple` without failing. */
  bounded: boolean;
}

export interface WhatIfResult {
  before: MarginSummary;
  after: MarginSummary;
  change: MarginSummary;
  /** The change lowers the initial excess. */
  riskAdding: boolean;
  /** Not risk-adding, or the initial excess after the change is >= 0. */
  passes: boolean;
  maxPassingSize: MaxPassingSize | null;
}
