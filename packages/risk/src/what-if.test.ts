import { describe, expect, it } from 'vitest';
import { computeMarginSummary } from './compute-margin.js';
import { call, EXPIRY_2, perp, pmrmDocument } from './testing/pmrm-fixture.js';
import { applyChanges, maxPassingSize, whatIf } from './what-if.js';

describe('whatIf', () => {
  const doc = pmrmDocument([], 1, 500);

  it('returns before, after and the change', () => {
    const r = whatIf(doc, [{ type: 'position', position: call(EXPIRY_2, 2000, -1) }]);
    expect(r.before).toEqual(computeMarginSummary(doc));
    expect(r.after).toEqual(
      computeMarginSummary(applyChanges(doc, [{ type: 'position', position: call(EXPIRY_2, 2000, -1) }])),
    );
    expect(r.change.initialExcess).toBeCloseTo(r.after.initialExcess - r.before.initialExcess, 12);
    expect(r.riskAdding).toBe(true);
    expect(r.passes).toBe(true);
  });

  it('fails a risk-adding change that leaves initialExcess < 0', () => {
    const r = whatIf(doc, [{ type: 'position', position: call(EXPIRY_2, 1800, -20) }]);
    expect(r.riskAdding).toBe(true);
    expect(r.after.initialExcess).toBeLessThan(0);
    expect(r.passes).toBe(false);
  });

  it('lets an underwater account reduce risk', () => {
    const underwater = pmrmDocument([perp(5, 2000)]);
    expect(computeMarginSummary(underwater).initialExcess).toBeLessThan(0);
    const r = whatIf(underwater, [{ type: 'position', position: perp(-2, 2001) }]);
    expect(r.riskAdding).toBe(false);
    expect(r.after.initialExcess).toBeLessThan(0);
    expect(r.passes).toBe(true);
  });

  it('applies collateral and cash changes and refuses to withdraw more than held', () => {
    const r = whatIf(doc, [
      { type: 'collateral', asset: 'USDC', amount: 1000, chain: 'solana' },
      { type: 'cash', amount: -100 },
    ]);
    expect(r.change.equity).toBeCloseTo(900, 9);
    expect(r.maxPassingSize).toBeNull();
    expect(() => whatIf(doc, [{ type: 'collateral', asset: 'ETH', amount: -2 }])).toThrow(
      expect.objectContaining({ code: 'RISK__INVALID_INPUT' }),
    );
  });

  it('finds the largest passing size by bisection: it passes, a hair more fails', () => {
    const r = whatIf(doc, [{ type: 'position', position: call(EXPIRY_2, 2000, -1) }]);
    const m = r.maxPassingSize!;
    expect(m.bounded).toBe(true);
    expect(m.quantity).toBeLessThan(-1);
    const at = (q: number) =>
      whatIf(doc, [{ type: 'position', position: call(EXPIRY_2, 2000, q) }], { sizeChange: 0 });
    expect(at(m.quantity).passes).toBe(true);
    expect(at(m.quantity * (1 + 1e-6)).passes).toBe(false);
    expect(Math.abs(at(m.quantity).after.initialExcess)).toBeLessThan(1e-3);
  });

  it('reports an unbounded size when the cap is reached while still passing', () => {
    const hedged = pmrmDocument([perp(1, 2000)], 0, 1_000_000);
    const m = maxPassingSize(
      hedged,
      [
        { type: 'cash', amount: 1 },
        { type: 'position', position: perp(-1, 2001) },
      ],
      1,
      64,
    );
    expect(m.bounded).toBe(false);
    expect(m.quantity).toBe(-64);
  });

  it('rejects collateral on a chain that does not exist or of an asset that is not accepted', () => {
    const chains = ['ethereum', 'solana'];
    const narnia = () =>
      whatIf(doc, [{ type: 'collateral', asset: 'USDC', amount: 1000, chain: 'narnia' }], { chains });
    expect(narnia).toThrow(
      expect.objectContaining({
        code: 'RISK__UNKNOWN_CHAIN',
        status: 422,
        context: { path: '$.changes[0].chain', chain: 'narnia' },
      }),
    );
    const unknown = () =>
      whatIf(doc, [
        { type: 'cash', amount: 1 },
        { type: 'collateral', asset: 'NOPE', amount: 1000 },
      ]);
    expect(unknown).toThrow(
      expect.objectContaining({
        code: 'RISK__UNKNOWN_ASSET',
        context: { path: '$.changes[1].asset', asset: 'NOPE' },
      }),
    );
    // A known chain and asset are valued as before, and the result carries the proposed warnings.
    const r = whatIf(doc, [{ type: 'collateral', asset: 'USDC', amount: 10, chain: 'solana' }], { chains });
    expect(r.change.equity).toBeCloseTo(10, 9);
    expect(r.warnings).toEqual([]);
  });
});
