import type { StressModeResult, StressResult, StressRound } from '@xmargin/risk';
import { describe, expect, it } from 'vitest';
import { stressRunRounds } from './stress-run-view.js';

const round = (n: number, liquidated: StressRound['liquidated']): StressRound => ({
  round: n,
  oraclePrices: { ETH: 1500 - n },
  executionPrices: { ETH: 1490 - n },
  prices: { ETH: 1500 - n },
  sold: { ETH: n },
  liquidations: liquidated.length,
  notional: liquidated.reduce((a, l) => a + l.notional, 0),
  shortfall: 0,
  penalties: 0,
  badDebt: liquidated.reduce((a, l) => a + l.badDebt, 0),
  insuranceDraw: 0,
  insuranceFund: 10,
  socialisedLoss: 0,
  liquidated,
});
const unit = (unitId: string, notional: number, badDebt = 0) => ({
  unit: unitId,
  fraction: 1,
  notional,
  penalty: notional / 100,
  badDebt,
});
const mode = (rounds: StressRound[]): StressModeResult => ({
  converged: true,
  roundCount: rounds.length,
  prices: { ETH: 1400 },
  drop: { ETH: 0.3 },
  amplification: { ETH: 1.2 },
  liquidations: rounds.reduce((a, r) => a + r.liquidations, 0),
  liquidatedUnits: 3,
  notional: 0,
  sold: { ETH: 1 },
  penalties: 0,
  badDebt: 5,
  insuranceDraw: 0,
  insuranceFund: 10,
  socialisedLoss: 0,
  perChain: { 'evm-devnet': { notional: 100, sold: { ETH: 1 }, badDebt: 5 } },
  rounds,
});
const result: StressResult = {
  version: 1,
  asOf: 1_700_000_000,
  reference: { ETH: 2000 },
  shocked: { ETH: 1500 },
  warnings: [],
  modes: {
    isolated: mode([round(1, [unit('a@p', 100), unit('b@p', 40)]), round(2, [unit('c@p', 10, 5)])]),
    cross: mode([round(1, [unit('a', 50)])]),
  },
};

describe('stressRunRounds', () => {
  it('keeps every figure per round, drops the unit lists, bins liquidations on shared edges', () => {
    const v = stressRunRounds(result, { metric: 'notional', bins: 4 });
    expect(v.edges).toEqual([0, 25, 50, 75, 100]);
    expect(v.modes.map((m) => m.mode)).toEqual(['isolated', 'cross']);
    const iso = v.modes[0]!;
    expect(iso.counts).toEqual([1, 1, 0, 1]); // 10 | 40 | - | 100 (the maximum lands in the last bin)
    expect(iso.rounds.map((r) => r.liquidatedCount)).toEqual([2, 1]);
    expect('liquidated' in iso.rounds[0]!).toBe(false);
    expect(iso.rounds[1]!.prices).toEqual({ ETH: 1498 });
    expect(iso.perChain).toEqual([{ chain: 'evm-devnet', notional: 100, badDebt: 5 }]);
    expect(v.modes[1]!.counts).toEqual([0, 0, 1, 0]);
  });

  it('bins another metric; an empty run gets a unit range and zero counts', () => {
    expect(stressRunRounds(result, { metric: 'badDebt', bins: 5 }).modes[0]!.counts).toEqual([2, 0, 0, 0, 1]);
    const quiet = stressRunRounds(
      { ...result, modes: { portfolio: mode([]) } },
      { metric: 'notional', bins: 2 },
    );
    expect(quiet.edges).toEqual([0, 0.5, 1]);
    expect(quiet.modes[0]!.counts).toEqual([0, 0]);
    expect(quiet.modes[0]!.rounds).toEqual([]);
  });
});
