import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMargin } from './compute-margin.js';
import { AS_OF, EXPIRY_1, EXPIRY_2, pmrmDocument } from './testing/pmrm-fixture.js';
import type { Account, CollateralBalance, MarginDocument, Position } from './types.js';

// Property tests of the portfolio model on random books in the PMRM test environment plus a second
// underlying (BTC, with a fixed forward part). Confidences are 1 and the stable is pegged, so none of
// the IM-only add-ons depends on how positions are grouped.
const env = pmrmDocument([]);
const markets: MarginDocument['markets'] = {
  ...env.markets,
  BTC: {
    spot: 30000,
    perp: { price: 30020 },
    expiries: [{ expiry: EXPIRY_2, forward: 30060, forwardFixed: 15, rate: 0.03, defaultVol: 0.4 }],
  },
};
const doc = (account: Account): MarginDocument => ({ ...env, markets, account });

const qty = (m: number) => fc.double({ min: -m, max: m, noNaN: true, noDefaultInfinity: true });
const position: fc.Arbitrary<Position> = fc.oneof(
  fc.record({
    type: fc.constant('option' as const),
    underlying: fc.constant('ETH'),
    expiry: fc.constantFrom(EXPIRY_1, EXPIRY_2),
    strike: fc.constantFrom(1000, 1400, 1800, 2000, 2200, 2600, 3000),
    right: fc.constantFrom('call' as const, 'put' as const),
    quantity: qty(10),
  }),
  fc.record({
    type: fc.constant('option' as const),
    underlying: fc.constant('BTC'),
    expiry: fc.constant(EXPIRY_2),
    strike: fc.constantFrom(25000, 30000, 36000),
    right: fc.constantFrom('call' as const, 'put' as const),
    quantity: qty(1),
  }),
  fc.record({
    type: fc.constant('perp' as const),
    underlying: fc.constantFrom('ETH', 'BTC'),
    quantity: qty(10),
    entryPrice: fc.double({ min: 1500, max: 35000, noNaN: true }),
    funding: qty(20),
  }),
  fc.record({
    type: fc.constant('future' as const),
    underlying: fc.constantFrom('ETH', 'BTC'),
    expiry: fc.constant(EXPIRY_2),
    quantity: qty(5),
    entryPrice: fc.double({ min: 1500, max: 35000, noNaN: true }),
  }),
);
const balance: fc.Arbitrary<CollateralBalance> = fc.record({
  asset: fc.constantFrom('ETH', 'USDC'),
  amount: fc.double({ min: 0, max: 1e5, noNaN: true }),
  chain: fc.constantFrom('ethereum', 'solana', 'base'),
  observedAt: fc.integer({ min: AS_OF - 3000, max: AS_OF }),
});
const account: fc.Arbitrary<Account> = fc.record({
  cash: fc.double({ min: -1e5, max: 1e5, noNaN: true }),
  collateral: fc.array(balance, { maxLength: 3 }),
  positions: fc.array(position, { maxLength: 10 }),
});

const scale = (r: { initialRequirement: number; equity: number }) =>
  1 + Math.abs(r.initialRequirement) + Math.abs(r.equity);

describe('portfolio model properties', () => {
  it('is positively homogeneous in quantities, collateral and cash (no tiered haircut)', () => {
    fc.assert(
      fc.property(account, fc.double({ min: 0.01, max: 100, noNaN: true }), (acc, lambda) => {
        const scaled: Account = {
          cash: acc.cash! * lambda,
          collateral: acc.collateral!.map((c) => ({ ...c, amount: c.amount * lambda })),
          positions: acc.positions!.map((p) =>
            p.type === 'perp'
              ? { ...p, quantity: p.quantity * lambda, funding: p.funding! * lambda }
              : { ...p, quantity: p.quantity * lambda },
          ),
        };
        const a = computeMargin(doc(acc));
        const b = computeMargin(doc(scaled));
        const tol = 1e-9 * lambda * scale(a);
        for (const f of [
          'equity',
          'initialRequirement',
          'maintenanceRequirement',
          'initialExcess',
        ] as const) {
          expect(Math.abs(b[f] - lambda * a[f])).toBeLessThanOrEqual(tol);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('adding collateral never lowers the excess', () => {
    fc.assert(
      fc.property(
        account,
        fc.constantFrom('ETH', 'USDC'),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        (acc, asset, amount) => {
          const a = computeMargin(doc(acc));
          const b = computeMargin(doc({ ...acc, collateral: [...acc.collateral!, { asset, amount }] }));
          const tol = 1e-9 * scale(a);
          expect(b.initialExcess).toBeGreaterThanOrEqual(a.initialExcess - tol);
          expect(b.maintenanceExcess).toBeGreaterThanOrEqual(a.maintenanceExcess - tol);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('requirements are never negative, in every mode', () => {
    fc.assert(
      fc.property(account, (acc) => {
        const r = computeMargin(doc(acc));
        for (const m of [r.modes.portfolio, r.modes.isolated, r.modes.cross]) {
          expect(m.initialRequirement).toBeGreaterThanOrEqual(0);
          expect(m.maintenanceRequirement).toBeGreaterThanOrEqual(0);
        }
        for (const u of Object.values(r.underlyings)) {
          expect(u.staticContingency).toBeGreaterThanOrEqual(0);
          expect(u.confidenceContingency).toBeGreaterThanOrEqual(0);
          expect(u.basisContingency).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the portfolio requirement never exceeds the isolated requirement', () => {
    fc.assert(
      fc.property(account, (acc) => {
        const r = computeMargin(doc(acc));
        const tol = 1e-9 * (scale(r) + r.modes.isolated.initialRequirement);
        expect(r.initialRequirement).toBeLessThanOrEqual(r.modes.isolated.initialRequirement + tol);
        expect(r.maintenanceRequirement).toBeLessThanOrEqual(r.modes.isolated.maintenanceRequirement + tol);
        if (r.capitalEfficiency !== null) expect(r.capitalEfficiency).toBeGreaterThanOrEqual(1 - 1e-9);
      }),
      { numRuns: 150 },
    );
  });

  it('the requirement is the worst of the scenarios and the basis contingency, plus contingencies', () => {
    fc.assert(
      fc.property(account, (acc) => {
        // Only risk-cancelling collateral, so no haircut adds to the scenario requirement.
        const r = computeMargin(
          doc({ ...acc, collateral: acc.collateral!.filter((c) => c.asset === 'ETH') }),
        );
        let mm = 0;
        let im = 0;
        for (const u of Object.values(r.underlyings)) {
          const min = Math.min(u.basisContingency, ...u.scenarios.map((s) => s.pnl));
          mm += -(min - u.staticContingency);
          im += -1.3 * (min - u.staticContingency) + u.confidenceContingency;
        }
        expect(r.maintenanceRequirement).toBeCloseTo(mm, 6);
        expect(r.initialRequirement).toBeCloseTo(im, 6);
      }),
      { numRuns: 100 },
    );
  });
});
