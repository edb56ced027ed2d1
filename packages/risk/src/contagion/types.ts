// Input and output documents of the contagion simulator (shared/spec/contagion.md sections 1, 4, 5).
// Optional fields are typed `?: T | undefined` so the zod output types of @xmargin/schemas fit them.
import type {
  FuturePosition,
  Market,
  OptionPosition,
  ParamsSpec,
  PerpPosition,
  PriceQuote,
} from '../types.js';

/** The three margin regimes compared side by side. */
export type StressMode = 'isolated' | 'cross' | 'portfolio';

/** The canonical order of the modes (input and output). */
export const STRESS_MODES: readonly StressMode[] = ['isolated', 'cross', 'portfolio'];

/** A section-6 position held on one chain. */
export type StressPosition =
  | (OptionPosition & { chain: string })
  | (PerpPosition & { chain: string })
  | (FuturePosition & { chain: string });

export interface StressCollateral {
  asset: string;
  chain: string;
  amount: number;
}

export interface StressAccount {
  id: string;
  /** Cash (stable units) per chain; may be negative. */
  cash?: Readonly<Record<string, number>> | undefined;
  collateral?: readonly StressCollateral[] | undefined;
  positions?: readonly StressPosition[] | undefined;
}

/** Cont-Schaanning exponential impact: `delta` units, or `usdFor2pct`; floor default 0. */
export interface ExpDepth {
  model: 'exp';
  delta?: number | undefined;
  usdFor2pct?: number | undefined;
  floor?: number | undefined;
}

/** Greenwood-Landier-Thesmar linear impact: `depthUsd`, or `usdFor2pct`; floor default 0.01. */
export interface LinearDepth {
  model: 'linear';
  depthUsd?: number | undefined;
  usdFor2pct?: number | undefined;
  floor?: number | undefined;
}

/** Constant-product pools (one or many chains), or `usdFor2pct`. */
export interface CpammDepth {
  model: 'cpamm';
  pools?: readonly { chain: string; base: number; quote: number }[] | undefined;
  usdFor2pct?: number | undefined;
}

export type DepthModel = ExpDepth | LinearDepth | CpammDepth;

/** Liquidation policy (section 4). */
export interface StressPolicy {
  kind: 'full' | 'toTarget';
  buffer?: number | undefined;
  penalty?: number | undefined;
  closeFactor?: number | undefined;
  alpha?: number | undefined;
  capacityPerRound?: number | undefined;
  oracleLag?: number | undefined;
  insuranceFund?: number | undefined;
}

/** The stress document (`version: 1`). */
export interface StressDocument {
  version: 1;
  asOf: number;
  params: ParamsSpec;
  stable?: PriceQuote | undefined;
  prices?: Readonly<Record<string, PriceQuote>> | undefined;
  markets: Readonly<Record<string, Market>>;
  accounts: readonly StressAccount[];
  shocks?: Readonly<Record<string, number>> | undefined;
  depth?: Readonly<Record<string, DepthModel>> | undefined;
  policy: StressPolicy;
  modes?: readonly StressMode[] | undefined;
  maxRounds?: number | undefined;
}

export interface StressLiquidation {
  unit: string;
  fraction: number;
  notional: number;
  penalty: number;
  badDebt: number;
}

export interface StressRound {
  round: number;
  oraclePrices: Record<string, number>;
  executionPrices: Record<string, number>;
  prices: Record<string, number>;
  sold: Record<string, number>;
  liquidations: number;
  notional: number;
  shortfall: number;
  penalties: number;
  badDebt: number;
  insuranceDraw: number;
  insuranceFund: number;
  socialisedLoss: number;
  liquidated: StressLiquidation[];
}

export interface StressChainFigures {
  notional: number;
  sold: Record<string, number>;
  badDebt: number;
}

export interface StressModeResult {
  converged: boolean;
  roundCount: number;
  prices: Record<string, number>;
  drop: Record<string, number>;
  amplification: Record<string, number | null>;
  liquidations: number;
  liquidatedUnits: number;
  notional: number;
  sold: Record<string, number>;
  penalties: number;
  badDebt: number;
  insuranceDraw: number;
  insuranceFund: number;
  socialisedLoss: number;
  perChain: Record<string, StressChainFigures>;
  rounds: StressRound[];
}

export interface StressWarning {
  code: 'STRESS_NOT_CONVERGED';
  mode: StressMode;
  message: string;
}

/** The output document (section 5). */
export interface StressResult {
  version: 1;
  asOf: number;
  reference: Record<string, number>;
  shocked: Record<string, number>;
  warnings: StressWarning[];
  modes: Partial<Record<StressMode, StressModeResult>>;
}

/** Options of `runStress`. */
export interface RunStressOptions {
  /** Called after every executed round of every mode (progress reporting). */
  onRound?: ((mode: StressMode, round: number) => void) | undefined;
}
