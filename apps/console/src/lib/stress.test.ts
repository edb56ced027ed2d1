import { describe, expect, it } from 'vitest';
import {
  defaultStressForm,
  liquidationsHistogramOption,
  movedAssets,
  roundsOption,
  type StressView,
  shockFactor,
  stressRequest,
} from './stress.js';

const round = (n: number, eth: number, liquidations: number, badDebt: number) => ({
  round: n,
  oraclePrices: { ETH: eth },
  executionPrices: { ETH: eth },
  prices: { ETH: eth, SOL: 100 },
  sold: { ETH: 1 },
  liquidations,
  liquidatedCount: liquidations,
  notional: 1000 * liquidations,
  shortfall: 0,
  penalties: 0,
  badDebt,
  insuranceDraw: 0,
  insuranceFund: 0,
  socialisedLoss: badDebt,
});
const mode = (name: 'isolated' | 'cross' | 'portfolio', rounds: ReturnType<typeof round>[]) => ({
  mode: name,
  converged: true,
  roundCount: rounds.length,
  prices: { ETH: 1400, SOL: 100 },
  drop: { ETH: 0.3, SOL: 0, DOGE: 0.01 },
  amplification: { ETH: 1.2, SOL: null },
  liquidations: rounds.reduce((a, r) => a + r.liquidations, 0),
  liquidatedUnits: 1,
  notional: 0,
  penalties: 0,
  badDebt: 0,
  insuranceDraw: 0,
  insuranceFund: 0,
  socialisedLoss: 0,
  perChain: [],
  rounds,
  counts: [rounds.length, 0],
});
const view: StressView = {
  asOf: 1,
  reference: { ETH: 2000, SOL: 100 },
  shocked: { ETH: 1500 },
  warnings: [],
  metric: 'notional',
  edges: [0, 500, 1000],
  modes: [
    mode('isolated', [round(1, 1450, 3, 10), round(2, 1420, 1, 0)]),
    mode('portfolio', [round(1, 1490, 1, 0)]),
  ],
};

describe('stress form', () => {
  it('reads percentage moves and factors', () => {
    expect(shockFactor('-25%')).toBeCloseTo(0.75, 12);
    expect(shockFactor('+10 %')).toBeCloseTo(1.1, 12);
    expect(shockFactor('0.7')).toBe(0.7);
    expect(shockFactor('abc')).toBeNaN();
  });
  it('builds the request body of the engine route from the default form', () => {
    const r = stressRequest(defaultStressForm);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.body).toEqual({
      shocks: { ETH: 0.75, SOL: 0.7 },
      depth: { ETH: { model: 'exp', usdFor2pct: 5_000_000 }, SOL: { model: 'exp', usdFor2pct: 5_000_000 } },
      policy: { kind: 'full', penalty: 0.02, insuranceFund: 0 },
      modes: ['isolated', 'cross', 'portfolio'],
      params: 'active',
      label: 'ETH -25%, SOL -30%',
    });
    const v = stressRequest({ ...defaultStressForm, params: '7', label: ' ' });
    expect(v.ok && v.body.params).toBe(7);
    expect(v.ok && 'label' in v.body).toBe(false);
  });
  it('names every wrong field', () => {
    const r = stressRequest({
      ...defaultStressForm,
      shocks: 'ETH=-25%, SOL=lots',
      usdFor2pct: '0',
      penalty: '1',
      modes: [],
      params: 'v2',
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.field)).toEqual(['shocks', 'usdFor2pct', 'penalty', 'modes', 'params']);
    expect(stressRequest({ ...defaultStressForm, shocks: '' }).ok).toBe(false);
    expect(stressRequest({ ...defaultStressForm, shocks: 'ETH=-100%' }).ok).toBe(false);
  });
});

describe('stress charts', () => {
  it('prices per round per mode start at the shocked price; shorter modes end early', () => {
    const o = roundsOption(view, 'price', 'ETH');
    expect(o.xAxis.data).toEqual(['0', '1', '2']);
    expect(o.series.map((s) => [s.name, s.type, s.data])).toEqual([
      ['isolated', 'line', [1500, 1450, 1420]],
      ['portfolio', 'line', [1500, 1490, null]],
    ]);
    expect(roundsOption(view, 'badDebt').series[0]!.data).toEqual([0, 10, 0]);
    expect(roundsOption(view, 'liquidations').series[1]!.type).toBe('bar');
  });
  it('draws the server bins with labels from their edges', () => {
    const o = liquidationsHistogramOption(view);
    expect(o.xAxis.data).toEqual(['0–500', '500–1000']);
    expect(o.series.map((s) => s.data)).toEqual([
      [2, 0],
      [1, 0],
    ]);
  });
  it('lists the shocked assets first, then those the cascade moved', () => {
    expect(movedAssets(view)).toEqual(['ETH', 'DOGE']);
  });
});
