import { describe, expect, it } from 'vitest';
import { createRiskBook } from '../book/create-risk-book.js';
import { computeMargin, computeMarginSummary } from '../compute-margin.js';
import type { MarginDocument, Market, ParamsSpec, Position } from '../types.js';
import { resolveParams } from './resolve-params.js';

// Parameters per underlying (issue 13 part 2): `params.underlyings[U]` overrides the per-market fields
// of sections 3 and 9 for U only; without it every market keeps the document-wide values.

const AS_OF = 1_700_000_000;
const DAY = 86_400;
const market = (spot: number): Market => ({
  spot,
  perp: { price: spot },
  expiries: [{ expiry: AS_OF + 30 * DAY, forward: spot * 1.002, rate: 0.03, defaultVol: 0.6 }],
});
const markets = { ETH: market(2000), BTC: market(40000), SOL: market(150) };
const perp = (underlying: string, quantity: number, entryPrice: number): Position => ({
  type: 'perp',
  underlying,
  quantity,
  entryPrice,
});
const doc = (params: ParamsSpec, positions: Position[]): MarginDocument => ({
  version: 1,
  asOf: AS_OF,
  params,
  markets,
  account: { positions },
});

// BTC gets a +-10% grid and a lower perp contingency, as a venue configures a less volatile market.
const btcGrid = {
  scenarios: [
    { spotShock: 1.1, vol: 'up' as const },
    { spotShock: 1, vol: 'none' as const },
    { spotShock: 0.9, vol: 'down' as const },
  ],
  contingency: { perpPercent: 0.01 },
};

describe('params.underlyings under PMRM v1', () => {
  it('a perp needs 23% of notional at maintenance on every market by default, its own rate when overridden', () => {
    const positions = [perp('ETH', 1, 2000), perp('BTC', -0.05, 40000), perp('SOL', 20, 150)];
    const notional: Record<string, number> = { ETH: 2000, BTC: 2000, SOL: 3000 };
    const flat = computeMargin(doc({ preset: 'pmrm-v1-mainnet' }, positions));
    for (const u of ['ETH', 'BTC', 'SOL']) {
      const r = flat.underlyings[u]!;
      const worst = -Math.min(...r.scenarios.map((s) => s.pnl));
      expect((worst + r.staticContingency) / notional[u]!).toBeCloseTo(0.23, 12);
    }
    const own = computeMargin(
      doc({ preset: 'pmrm-v1-mainnet', overrides: { underlyings: { BTC: btcGrid } } }, positions),
    );
    expect(own.underlyings.BTC!.scenarios.map((s) => s.spotShock)).toEqual([1.1, 1, 0.9]);
    expect(own.underlyings.BTC!.staticContingency).toBeCloseTo(0.01 * 0.05 * 40000, 9);
    // 10% move + 1% contingency of the 2000 notional.
    expect(own.maintenanceRequirement - flat.maintenanceRequirement).toBeCloseTo(
      0.11 * 2000 - 0.23 * 2000,
      9,
    );
    expect(own.underlyings.ETH).toEqual(flat.underlyings.ETH);
    expect(own.underlyings.SOL).toEqual(flat.underlyings.SOL);
  });

  it('an underlying with overrides margins as a document whose own parameters are those overrides', () => {
    const positions: Position[] = [
      perp('BTC', 0.3, 39000),
      {
        type: 'option',
        underlying: 'BTC',
        expiry: AS_OF + 30 * DAY,
        strike: 42000,
        right: 'call',
        quantity: -1,
      },
    ];
    const viaUnderlyings = computeMargin(
      doc({ preset: 'pmrm-v1-mainnet', overrides: { underlyings: { BTC: btcGrid } } }, positions),
    );
    const viaTopLevel = computeMargin(doc({ preset: 'pmrm-v1-mainnet', overrides: btcGrid }, positions));
    expect(viaUnderlyings.underlyings.BTC).toEqual(viaTopLevel.underlyings.BTC);
    expect(viaUnderlyings.initialRequirement).toBe(viaTopLevel.initialRequirement);
  });

  it('resolves each override over the document-wide values, and the book honours it', () => {
    const p = resolveParams({
      preset: 'pmrm-v1-mainnet',
      overrides: { underlyings: { BTC: { volShock: { rangeUp: 0.3 } } } },
    });
    expect(p.underlyings.BTC!.volShock).toEqual({ ...p.volShock, rangeUp: 0.3 });
    expect(p.underlyings.BTC!.scenarios).toEqual(p.scenarios);
    const params = { preset: 'pmrm-v1-mainnet', overrides: { underlyings: { BTC: btcGrid } } };
    const accounts = [
      [perp('ETH', 1, 2000), perp('BTC', 0.1, 40000)],
      [
        {
          type: 'option',
          underlying: 'BTC',
          expiry: AS_OF + 30 * DAY,
          strike: 38000,
          right: 'put',
          quantity: -2,
        } as Position,
      ],
    ];
    const book = createRiskBook(
      { asOf: AS_OF, params, markets },
      accounts.map((positions, i) => [`a${i}`, { positions }] as const),
    );
    accounts.forEach((positions, i) => {
      expect(book.get(`a${i}`)).toEqual({ ok: true, summary: computeMarginSummary(doc(params, positions)) });
    });
  });
});
