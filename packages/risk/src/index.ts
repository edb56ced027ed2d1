export { type BookEntry, type BookMarket, createRiskBook, type RiskBook } from './book/create-risk-book.js';
export { computeMargin, computeMarginSummary } from './compute-margin.js';
export { runStress } from './contagion/run-stress.js';
export {
  type CpammDepth,
  type DepthModel,
  type ExpDepth,
  type LinearDepth,
  type RunStressOptions,
  STRESS_MODES,
  type StressAccount,
  type StressChainFigures,
  type StressCollateral,
  type StressDocument,
  type StressLiquidation,
  type StressMode,
  type StressModeResult,
  type StressPolicy,
  type StressPosition,
  type StressResult,
  type StressRound,
  type StressWarning,
} from './contagion/types.js';
export {
  type DynamicAssetPolicy,
  type DynamicPolicy,
  nextScale,
  scaleParams,
} from './dynamic/dynamic-params.js';
export { updateVolatility, type VolatilityState, volatilityOf } from './dynamic/volatility.js';
export { actionResult } from './liquidation/action-result.js';
export { applyBid } from './liquidation/apply-bid.js';
export { auctionDiscount } from './liquidation/auction-discount.js';
export { auctionPresets } from './liquidation/auction-presets.js';
export { type BufferMarginParameters, bufferMargin } from './liquidation/buffer-margin.js';
export { evaluateAuction } from './liquidation/evaluate-auction.js';
export { type InsolventBidPriceParameters, insolventBidPrice } from './liquidation/insolvent-bid-price.js';
export { type LiquidationFeeParameters, liquidationFee } from './liquidation/liquidation-fee.js';
export { type MaxFractionParameters, maxFraction } from './liquidation/max-fraction.js';
export { auctionParamsIssues, resolveAuctionParams } from './liquidation/resolve-auction-params.js';
export { simulateLiquidation } from './liquidation/simulate-liquidation.js';
export { type SolventBidPriceParameters, solventBidPrice } from './liquidation/solvent-bid-price.js';
export { type SplitAccountReturnType, splitAccount } from './liquidation/split-account.js';
export type {
  ApplyBidParameters,
  ApplyBidReturnType,
  AuctionKind,
  AuctionParams,
  AuctionParamsSpec,
  AuctionState,
  AuctionTransition,
  BidRejection,
  EvaluateAuctionParameters,
  EvaluateAuctionReturnType,
  FiguresOf,
  LiquidationAction,
  LiquidationActionResult,
  LiquidationDocument,
  LiquidationFigures,
  LiquidationSimulation,
  MarketUpdate,
  TerminationReason,
} from './liquidation/types.js';
export { countedAmount } from './model/collateral.js';
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
  ModelName,
  ModeResult,
  OptionPosition,
  ParamsInput,
  ParamsSpec,
  PerpPosition,
  Pmrm1MarketParams,
  Pmrm2Contingency,
  Pmrm2MarketParams,
  Pmrm2Params,
  Pmrm2Skew,
  Pmrm2SkewCap,
  Pmrm2StaticDiscount,
  Position,
  PositionResult,
  PriceQuote,
  ResolvedParams,
  RiskParams,
  Scenario,
  ScenarioVol,
  TrustClass,
  UnderlyingParamsInput,
  UnderlyingResult,
  VolDirection,
  VolPoint,
  WhatIfChange,
  WhatIfOptions,
  WhatIfResult,
  WorstScenario,
} from './types.js';
export {
  applyChanges,
  checkWhatIfCollateral,
  evaluateWhatIf,
  type KnownCollateral,
  maxPassingSize,
  type ProposedWhatIf,
  whatIf,
} from './what-if.js';
