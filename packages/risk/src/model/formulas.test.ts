import { describe, expect, it } from 'vitest';
import { computeMargin } from '../compute-margin.js';
import {
  AS_OF,
  call,
  EXPIRY_1,
  EXPIRY_2,
  perp,
  pmrmDocument,
  pmrmTestParams,
  put,
} from '../testing/pmrm-fixture.js';
import type { MarginDocument, ParamsInput } from '../types.js';
import { imHaircutExtra, mmHaircut } from './collateral.js';
import { createContext } from './context.js';

const withParams = (doc: MarginDocument, patch: ParamsInput): MarginDocument => ({
  ...doc,
  params: { ...pmrmTestParams, ...patch },
});

describe('per-expiry precomputes', () => {
  const ctx = createContext(pmrmDocument([]));
  const e2 = ctx.markets.get('ETH')!.expiries.get(EXPIRY_2)!;

  it('vol shocks: (30d / max(tau, floor))^p with the short-term power inside 30 days', () => {
    const mult = (30 / (1497600 / 86400)) ** 0.3;
    expect(e2.volUp).toBeCloseTo(1 + 0.45 * mult, 14);
    expect(e2.volDown).toBeCloseTo(1 - 0.3 * mult, 14);
    const far = createContext({
      ...pmrmDocument([]),
      markets: { X: { spot: 1, expiries: [{ expiry: AS_OF + 90 * 86400, forward: 1 }] } },
    });
    expect(far.markets.get('X')!.expiries.get(AS_OF + 90 * 86400)!.volUp).toBeCloseTo(
      1 + 0.45 * (30 / 90) ** 0.13,
      14,
    );
    // Inside the one-day floor the shock stops growing.
    const near = createContext({
      ...pmrmDocument([]),
      markets: { X: { spot: 1, expiries: [{ expiry: AS_OF + 60, forward: 1 }] } },
    });
    expect(near.markets.get('X')!.expiries.get(AS_OF + 60)!.volDown).toBeCloseTo(1 - 0.3 * 30 ** 0.3, 14);
  });

  it('static discount: base * exp(-T (max(0,r) * mult + add)); basis factor add + mult*T', () => {
    const T = 1497600 / (365 * 86400);
    expect(e2.staticDiscount).toBeCloseTo(0.95 * Math.exp(-T * (0.02 * 4 + 0.12)), 14);
    expect(e2.basisFactor).toBeCloseTo(0.25 + 0.01 * T, 14);
    expect(e2.valueDiscount).toBe(1);
  });

  it('stablecoin depeg raises the IM factor: imFactor + (threshold - P$) * factor', () => {
    const ctx2 = createContext({ ...pmrmDocument([]), stable: { price: 0.95 } });
    expect(ctx2.imFactor).toBeCloseTo(1.3 + 0.03 * 2, 14);
  });
});

describe('contingencies', () => {
  it('naked shorts net calls and puts at one strike; long options cover nothing elsewhere', () => {
    const r = computeMargin(
      pmrmDocument([call(EXPIRY_2, 2000, -2), put(EXPIRY_2, 2000, 1), call(EXPIRY_2, 2200, 3)]),
    );
    expect(r.underlyings.ETH!.staticContingency).toBeCloseTo(2000 * 0.01 * 1, 10);
  });

  it('static contingency: S * (|perp| * perpPercent + base * basePercent)', () => {
    const r = computeMargin(pmrmDocument([perp(-3, 2000)], 2));
    expect(r.underlyings.ETH!.staticContingency).toBeCloseTo(2000 * (3 * 0.025 + 2 * 0.025), 10);
  });

  it('confidence contingency adds to IM only, at portfolio and expiry level', () => {
    const doc = pmrmDocument([perp(1, 2000), call(EXPIRY_2, 2000, -2)]);
    const base = computeMargin(doc);
    const low = structuredClone(doc) as MarginDocument & { markets: { ETH: { spotConfidence: number } } };
    low.markets.ETH.spotConfidence = 0.5;
    const r = computeMargin(low);
    const expected = (1 - 0.5) * 0.4 * 1 * 2000 + (1 - 0.5) * 0.4 * 2 * 2000;
    expect(r.underlyings.ETH!.confidenceContingency).toBeCloseTo(expected, 9);
    expect(r.initialRequirement - base.initialRequirement).toBeCloseTo(expected, 9);
    expect(r.maintenanceRequirement).toBeCloseTo(base.maintenanceRequirement, 12);
  });

  it('expiry confidence uses min(portfolio, forward, rate, vol)', () => {
    const doc = structuredClone(pmrmDocument([call(EXPIRY_2, 2000, -1)])) as MarginDocument;
    (doc.markets.ETH!.expiries![1] as { volConfidence?: number }).volConfidence = 0.3;
    expect(computeMargin(doc).underlyings.ETH!.confidenceContingency).toBeCloseTo(0.7 * 0.4 * 2000, 9);
  });

  it('basis contingency is a scenario candidate and can be the worst case', () => {
    // A calendar spread is nearly flat across spot scenarios but loses when forwards diverge.
    const doc = withParams(pmrmDocument([call(EXPIRY_1, 2000, 1), call(EXPIRY_2, 2000, -1)]), {
      basis: { spotUp: 1.3, spotDown: 0.7, addFactor: 5, multFactor: 0 },
    });
    const r = computeMargin(doc);
    const eth = r.underlyings.ETH!;
    expect(eth.worstScenario).toEqual({ basis: true });
    expect(r.maintenanceRequirement).toBeCloseTo(-eth.basisContingency + eth.staticContingency, 9);
    const attributed = r.positions.reduce((s, p) => s + p.worstScenarioPnl, 0);
    expect(attributed).toBeCloseTo(eth.basisContingency, 9);
  });
});

describe('scenario P&L', () => {
  it('applies the static discount only to a positive shocked expiry value, and weights', () => {
    const doc = withParams(pmrmDocument([call(EXPIRY_2, 2000, 1)]), {
      scenarios: [{ spotShock: 1, vol: 'none', weight: 0.5 }],
      basis: { spotUp: 1.05, spotDown: 0.95, addFactor: 0, multFactor: 0 },
    });
    const r = computeMargin(doc);
    const ctx = createContext(doc);
    const disc = ctx.markets.get('ETH')!.expiries.get(EXPIRY_2)!.staticDiscount;
    const mark = r.markToMarket;
    expect(r.underlyings.ETH!.scenarios[0]!.pnl).toBeCloseTo(0.5 * (mark * disc - mark), 10);
    expect(r.positions[0]!.worstScenarioPnl).toBeCloseTo(0.5 * (mark * disc - mark), 10);
  });

  it('position attribution adds up to the worst scenario P&L less the base collateral share', () => {
    const r = computeMargin(
      pmrmDocument([call(EXPIRY_2, 2000, -1), put(EXPIRY_1, 1800, 2), perp(0.5, 1990)], 1),
    );
    const eth = r.underlyings.ETH!;
    const w = eth.worstScenario as { spotShock: number; vol: string };
    const pnl = eth.scenarios.find((s) => s.spotShock === w.spotShock && s.vol === w.vol)!.pnl;
    const attributed = r.positions.reduce((s, p) => s + p.worstScenarioPnl, 0);
    expect(attributed + 1 * 2000 * (w.spotShock - 1)).toBeCloseTo(pnl, 9);
  });

  it('dated futures: value qty*(F - entry), P&L qty*(F(k) - F), count with perps in contingencies', () => {
    const fut = {
      type: 'future' as const,
      underlying: 'ETH',
      expiry: EXPIRY_2,
      quantity: 2,
      entryPrice: 2000,
    };
    const r = computeMargin(pmrmDocument([fut]));
    expect(r.markToMarket).toBeCloseTo(2 * 4.7545, 9);
    expect(r.underlyings.ETH!.staticContingency).toBeCloseTo(2000 * 2 * 0.025, 9);
    expect(r.maintenanceRequirement).toBeCloseTo(2 * 0.15 * 2004.7545 + 100, 9);
    expect(r.positions[0]!.greeks.delta).toBeCloseTo(2 * (2004.7545 / 2000), 12);
  });

  it('discountOptionValues multiplies option values by exp(-rT)', () => {
    const doc = pmrmDocument([call(EXPIRY_2, 2000, 1)]);
    const plain = computeMargin(doc).markToMarket;
    const disc = computeMargin(withParams(doc, { discountOptionValues: true })).markToMarket;
    expect(disc / plain).toBeCloseTo(Math.exp((-0.02 * 1497600) / (365 * 86400)), 12);
  });

  it('minVolUp floors the up-shocked vol', () => {
    const doc = structuredClone(pmrmDocument([call(EXPIRY_2, 2400, -1)])) as MarginDocument;
    (doc.markets.ETH!.expiries![1] as { defaultVol: number }).defaultVol = 0.01;
    const low = computeMargin(doc).maintenanceRequirement;
    const floored = computeMargin(
      withParams(doc, { volShock: { ...pmrmTestParams.volShock!, minVolUp: 0.9 } }),
    );
    expect(floored.maintenanceRequirement).toBeGreaterThan(low + 1);
  });
});

describe('collateral', () => {
  it('flat haircuts: MM value*mm, IM value*(mm+im); tiers are marginal bands', () => {
    expect(mmHaircut(1000, { mmHaircut: 0.02 })).toBeCloseTo(20, 12);
    expect(imHaircutExtra(1000, { imHaircut: 0.01 })).toBeCloseTo(10, 12);
    const tiers = {
      tiers: [
        { upTo: 100, haircut: 0 },
        { upTo: 1000, haircut: 0.1 },
      ],
    };
    expect(mmHaircut(50, tiers)).toBe(0);
    expect(mmHaircut(500, tiers)).toBeCloseTo(40, 12);
    // Above the last bounded band value counts at zero.
    expect(mmHaircut(1500, tiers)).toBeCloseTo(90 + 500, 12);
    expect(mmHaircut(1500, { tiers: [...tiers.tiers, { haircut: 0.5 }] })).toBeCloseTo(90 + 250, 12);
  });

  it('other collateral adds value to equity and its haircuts to the requirements', () => {
    const doc = pmrmDocument([perp(1, 2000)]);
    doc.account.collateral = [
      { asset: 'USDC', amount: 600, chain: 'ethereum' },
      { asset: 'USDC', amount: 400, chain: 'solana' },
    ];
    const r = computeMargin(doc);
    expect(r.equity).toBeCloseTo(1 + 1000, 10);
    expect(r.maintenanceRequirement).toBeCloseTo(350.15 + 20, 9);
    expect(r.initialRequirement).toBeCloseTo(1.3 * 350.15 + 30, 9);
  });

  it('a balance older than collateralMaxAgeSeconds counts at zero and the output says so', () => {
    const doc = pmrmDocument([]);
    doc.account.collateral = [
      { asset: 'ETH', amount: 1, observedAt: AS_OF - 3601, source: 'vaa' },
      { asset: 'ETH', amount: 2, observedAt: AS_OF - 3600, source: 'indexer' },
      { asset: 'DOGE', amount: 2 },
    ];
    const r = computeMargin(doc);
    expect(r.equity).toBeCloseTo(4000, 10);
    expect(r.warnings.map((w) => [w.code, w.path])).toEqual([
      ['COLLATERAL_STALE', '$.account.collateral[0]'],
      ['COLLATERAL_UNSUPPORTED', '$.account.collateral[2]'],
    ]);
  });

  it('risk-cancelling collateral is priced at spot over the stable price', () => {
    const doc = { ...pmrmDocument([], 1), stable: { price: 0.5 } };
    expect(computeMargin(doc).equity).toBeCloseTo(4000, 10);
  });
});

describe('many underlyings', () => {
  it('adds per-underlying requirements and reports each underlying', () => {
    const doc = pmrmDocument([perp(1, 2000)]);
    const btcPerp = { type: 'perp' as const, underlying: 'BTC', quantity: -0.1, entryPrice: 30000 };
    const both: MarginDocument = {
      ...doc,
      markets: { ...doc.markets, BTC: { spot: 30000, perp: { price: 30010 } } },
      account: { ...doc.account, positions: [perp(1, 2000), btcPerp] },
    };
    const btcOnly: MarginDocument = { ...both, account: { positions: [btcPerp] } };
    const a = computeMargin(doc);
    const b = computeMargin(btcOnly);
    const r = computeMargin(both);
    expect(Object.keys(r.underlyings)).toEqual(['BTC', 'ETH']);
    expect(r.initialRequirement).toBeCloseTo(a.initialRequirement + b.initialRequirement, 9);
    expect(r.positions.map((p) => p.index)).toEqual([0, 1]);
  });
});
