// Input and output documents of the margin engine (spec section 6). Optional fields are typed
// `?: T | undefined` so the zod output types of @xmargin/schemas are assignable to them.

/** Vol shock direction of a scenario. */
export type VolDirection = 'up' | 'none' | 'down';

/** Vol of a scenario: a shock direction, or (pmrm-2 only) a skew scenario at spot 1. */
export type ScenarioVol = VolDirection | 'linear' | 'abs';

/** The margin model a parameter set selects (spec section 6 `params.model`). */
export type ModelName = 'pmrm-1' | 'pmrm-2';

/** One stress scenario: spot multiplier, vol direction and weight (PMRM's dampening factor). */
export interface Scenario {
  spotShock: number;
  vol: ScenarioVol;
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
  /** pmrm-2 only: whether collateral tracking `underlying` moves with it (default: it names a market). */
  riskCancelling?: boolean | undefined;
  /**
   * Share of an `unescrowed` balance that does not count (0..1, default 1: wallet balances that only an
   * attestation proves can leave at any time, so they back no margin). An unescrowed balance counts as
   * `amount * (1 - unescrowedHaircut)` of the asset, before the asset's other haircuts.
   */
  unescrowedHaircut?: number | undefined;
}

/** The fully resolved PMRM v1 parameter set (spec section 6). */
export interface RiskParams {
  model: 'pmrm-1';
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
  /** Resolved per-market parameters of the underlyings that override any; others use the fields above. */
  underlyings: Readonly<Record<string, Pmrm1MarketParams>>;
}

/** The per-market part of the PMRM v1 parameters. */
export type Pmrm1MarketParams = Pick<
  RiskParams,
  'scenarios' | 'basis' | 'volShock' | 'staticDiscount' | 'contingency'
>;

/** Every field optional, `undefined` allowed (the shape zod's `.partial()` produces). */
type Opt<T> = { [K in keyof T]?: T[K] | undefined };

/**
 * Deep-partial parameter object, as written in a document (full object or overrides). The v1 and
 * pmrm-2 shapes of `staticDiscount` and `contingency` share one optional type; the resolver of the
 * selected model rejects the other model's fields.
 */
export type ParamsInput = {
  model?: ModelName | undefined;
  scenarios?: readonly Scenario[] | undefined;
  basis?: Opt<RiskParams['basis']> | undefined;
  volShock?: Opt<RiskParams['volShock']> | undefined;
  skew?:
    | (Opt<Omit<Pmrm2Skew, 'linear' | 'abs'>> & {
        linear?: Opt<Pmrm2SkewCap> | undefined;
        abs?: Opt<Pmrm2SkewCap> | undefined;
      })
    | undefined;
  staticDiscount?:
    | (Opt<RiskParams['staticDiscount']> & {
        long?: Opt<Pmrm2StaticDiscount> | undefined;
        short?: Opt<Pmrm2StaticDiscount> | undefined;
      })
    | undefined;
  contingency?:
    | (Opt<RiskParams['contingency']> & {
        mm?: Opt<Pmrm2Contingency> | undefined;
        im?: Opt<Pmrm2Contingency> | undefined;
      })
    | undefined;
  confidence?: Opt<RiskParams['confidence']> | undefined;
  peg?: Opt<RiskParams['peg']> | undefined;
  imFactor?: number | undefined;
  mmFactor?: number | undefined;
  discountOptionValues?: boolean | undefined;
  collateralMaxAgeSeconds?: number | null | undefined;
  assets?: Readonly<Record<string, AssetParams>> | undefined;
  cross?: Opt<RiskParams['cross']> | undefined;
  /** Per-market overrides, merged over the fields above for that underlying only. */
  underlyings?: Readonly<Record<string, UnderlyingParamsInput>> | undefined;
};

/** The per-market fields of a parameter object (sections 3 and 9), as one underlying overrides them. */
export type UnderlyingParamsInput = Pick<
  ParamsInput,
  'scenarios' | 'basis' | 'volShock' | 'skew' | 'staticDiscount' | 'contingency'
>;

/** Skew scenario caps of one kind (pmrm-2 section 9.3). */
export interface Pmrm2SkewCap {
  baseCap: number;
  capSlope: number;
}

/** Skew vols of the `linear` and `abs` scenarios (pmrm-2 section 9.3). */
export interface Pmrm2Skew {
  linear: Pmrm2SkewCap;
  abs: Pmrm2SkewCap;
  minKStar: number;
  widthScale: number;
  volStatic: number;
  volScale: number;
}

/** One side of the pmrm-2 static discount. */
export interface Pmrm2StaticDiscount {
  base: number;
  rateMultScale: number;
  rateAddScale: number;
}

/** One level (mm or im) of the pmrm-2 static contingencies. */
export interface Pmrm2Contingency {
  perpPercent: number;
  optionPercent: number;
}

/** The fully resolved pmrm-2 parameter set (spec section 9.1). */
export interface Pmrm2Params {
  model: 'pmrm-2';
  scenarios: readonly { spotShock: number; vol: ScenarioVol; weight: number }[];
  basis: RiskParams['basis'];
  volShock: RiskParams['volShock'];
  /** `null` when no skew scenario needs it. */
  skew: Pmrm2Skew | null;
  staticDiscount: { long: Pmrm2StaticDiscount; short: Pmrm2StaticDiscount };
  contingency: { mm: Pmrm2Contingency; im: Pmrm2Contingency };
  confidence: RiskParams['confidence'];
  peg: RiskParams['peg'];
  imFactor: number;
  mmFactor: number;
  discountOptionValues: boolean;
  collateralMaxAgeSeconds: number | null;
  assets: Readonly<Record<string, AssetParams>>;
  cross: RiskParams['cross'];
  /** Resolved per-market parameters of the underlyings that override any; others use the fields above. */
  underlyings: Readonly<Record<string, Pmrm2MarketParams>>;
}

/** The per-market part of the pmrm-2 parameters. */
export type Pmrm2MarketParams = Pick<
  Pmrm2Params,
  'scenarios' | 'basis' | 'volShock' | 'skew' | 'staticDiscount' | 'contingency'
>;

/** A resolved parameter set of either model, told apart by `model`. */
export type ResolvedParams = RiskParams | Pmrm2Params;

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

/**
 * Trust class of a collateral balance: `escrowed` funds sit where only the engine's authorisation
 * releases them (the EVM vault, a Solana escrow token account owned by the engine's settlement key);
 * `unescrowed` funds are in the trader's own wallet, proved by an attestation, and can leave at any time.
 */
export type TrustClass = 'escrowed' | 'unescrowed';

/** One collateral balance on one chain. */
export interface CollateralBalance {
  asset: string;
  amount: number;
  chain?: string | undefined;
  source?: 'indexer' | 'vaa' | 'query' | undefined;
  /** Default `escrowed`: a document without classes keeps its meaning. */
  trust?: TrustClass | undefined;
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
export type WorstScenario = { spotShock: number; vol: ScenarioVol } | { basis: true };

export interface UnderlyingResult {
  worstScenario: WorstScenario;
  scenarios: { spotShock: number; vol: ScenarioVol; pnl: number }[];
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
  /**
   * The chains collateral may sit on: a collateral change naming another is RISK__UNKNOWN_CHAIN. When
   * absent, chains are not checked (a bare document has no chain registry).
   */
  chains?: readonly string[] | undefined;
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
  /** The warnings of the margin after the change (stale or unsupported collateral, expired options). */
  warnings: MarginWarning[];
}
