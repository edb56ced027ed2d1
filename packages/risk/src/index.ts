export { type BookEntry, type BookMarket, createRiskBook, type RiskBook } from './book/create-risk-book.js';
export { computeMargin, computeMarginSummary } from './compute-margin.js';
export { resolveParams } from './params/resolve-params.js';
export { presets } from './presets/index.js';
export {
  type BlackScholesParameters,
  blackScholes,
  blackScholesGreeks,
  type Greeks,
} from './pricing/black-scholes.js';
export { type Black76Parameters, black76, type OptionPrices } from './pricing/black76.js';
export { type Black76GreeksParameters, black76Greeks } from './pricing/greeks.js';
export { erfc, normCdf, normPdf } from './pricing/norm.js';
export type {
  Account,
  AssetParams,
  CollateralBalance,
  ExpiryMarket,
  FuturePosition,
  GreeksOut,
  HaircutTier,
  MarginDocument,
  MarginResult,
  MarginSummary,
  MarginWarning,
  Market,
  MaxPassingSize,
  ModeResult,
  OptionPosition,
  ParamsInput,
  ParamsSpec,
  PerpPosition,
  Position,
  PositionResult,
  PriceQuote,
  RiskParams,
  Scenario,
  UnderlyingResult,
  VolDirection,
  VolPoint,
  WhatIfChange,
  WhatIfOptions,
  WhatIfResult,
  WorstScenario,
} from './types.js';
export { applyChanges, maxPassingSize, whatIf } from './what-if.js';
