import type { StressMode, StressModeResult, StressResult, StressRound } from '@xmargin/risk';
import { binOf } from '../admin/book-stats.js';

export type StressLiquidationMetric = 'notional' | 'badDebt' | 'penalty';

/** A round without its list of liquidated units (one entry per unit: up to the whole book). */
export type StressRoundView = Omit<StressRound, 'liquidated'> & { liquidatedCount: number };

export interface StressRunRoundsView {
  readonly asOf: number;
  readonly reference: Record<string, number>;
  readonly shocked: Record<string, number>;
  readonly warnings: StressResult['warnings'];
  /** The liquidation metric binned below, and the bin edges every mode shares (so they overlay). */
  readonly metric: StressLiquidationMetric;
  readonly edges: number[];
  readonly modes: (Omit<StressModeResult, 'sold' | 'perChain' | 'rounds'> & {
    mode: StressMode;
    perChain: { chain: string; notional: number; badDebt: number }[];
    rounds: StressRoundView[];
    /** Liquidation events (unit, round) per bin of `metric`. */
    counts: number[];
  })[];
}

/**
 * What the console draws of a stress result: every figure per mode and per round, and the liquidation
 * events binned on the server; never the per-unit lists, which hold up to one entry per account.
 */
export function stressRunRounds(
  result: StressResult,
  p: { metric: StressLiquidationMetric; bins: number },
): StressRunRoundsView {
  const modes = Object.entries(result.modes) as [
    StressMode,
    NonNullable<StressResult['modes'][StressMode]>,
  ][];
  let hi = 0;
  for (const [, m] of modes)
    for (const r of m.rounds) for (const l of r.liquidated) if (l[p.metric] > hi) hi = l[p.metric];
  if (!(hi > 0)) hi = 1;
  const edges = Array.from({ length: p.bins + 1 }, (_, i) => (hi * i) / p.bins);
  return {
    asOf: result.asOf,
    reference: result.reference,
    shocked: result.shocked,
    warnings: result.warnings,
    metric: p.metric,
    edges,
    modes: modes.map(([mode, m]) => {
      const counts = new Array<number>(p.bins).fill(0);
      for (const r of m.rounds)
        for (const l of r.liquidated) {
          const b = binOf(l[p.metric], 0, hi, p.bins);
          counts[Math.max(0, Math.min(p.bins - 1, b))]! += 1;
        }
      const { sold: _sold, perChain, rounds, ...figures } = m;
      return {
        mode,
        ...figures,
        perChain: Object.entries(perChain).map(([chain, c]) => ({
          chain,
          notional: c.notional,
          badDebt: c.badDebt,
        })),
        rounds: rounds.map(({ liquidated, ...r }) => ({ ...r, liquidatedCount: liquidated.length })),
        counts,
      };
    }),
  };
}
