import { describe, expect, it } from 'vitest';
import { createRiskBook } from '../book/create-risk-book.js';
import { computeMargin, computeMarginSummary } from '../compute-margin.js';
import { pmrm2Mainnet } from '../presets/pmrm-2-mainnet.js';
import { perp, pmrmDocument, pmrmTestParams } from '../testing/pmrm-fixture.js';
import type { CollateralBalance, MarginDocument, ParamsInput } from '../types.js';

// Trust classes (README "Collateral trust model"): an unescrowed balance counts at
// amount * (1 - unescrowedHaircut) of its asset, default haircut 1 (nothing), under both models and in
// the resident book; a balance without a class is escrowed, so documents written before classes keep
// their results.

const usdc = (amount: number, trust?: CollateralBalance['trust']): CollateralBalance => ({
  asset: 'USDC',
  chain: 'solana',
  amount,
  ...(trust === undefined ? {} : { trust }),
});

function withUsdc(
  params: ParamsInput,
  collateral: CollateralBalance[],
  usdcHaircut?: number,
): MarginDocument {
  const doc = pmrmDocument([perp(-1, 2000)], 0, 0);
  const assets = { ...params.assets };
  if (usdcHaircut !== undefined) assets.USDC = { ...assets.USDC, unescrowedHaircut: usdcHaircut };
  return { ...doc, params: { ...params, assets }, account: { ...doc.account, collateral } };
}

const pmrm2Params: ParamsInput = { ...pmrm2Mainnet, assets: { ...pmrm2Mainnet.assets } };

describe.each([
  ['pmrm-1', pmrmTestParams],
  ['pmrm-2', pmrm2Params],
] as const)('trust classes under %s', (_model, params) => {
  it('counts an unescrowed balance at nothing by default and an escrowed one in full', () => {
    const none = computeMarginSummary(withUsdc(params, []));
    const escrowed = computeMarginSummary(withUsdc(params, [usdc(5000, 'escrowed')]));
    const unclassed = computeMarginSummary(withUsdc(params, [usdc(5000)]));
    const unescrowed = computeMarginSummary(withUsdc(params, [usdc(5000, 'unescrowed')]));
    expect(unclassed).toEqual(escrowed);
    expect(unescrowed).toEqual(none);
    expect(escrowed.equity).toBeGreaterThan(none.equity + 4000);
  });

  it('counts an unescrowed balance at 1 - unescrowedHaircut of its amount', () => {
    const lowered = computeMarginSummary(withUsdc(params, [usdc(5000, 'unescrowed')], 0.4));
    const asEscrowed = computeMarginSummary(withUsdc(params, [usdc(3000, 'escrowed')], 0.4));
    expect(lowered).toEqual(asEscrowed);
    const mixed = computeMargin(
      withUsdc(params, [usdc(1000, 'escrowed'), usdc(5000, 'unescrowed'), usdc(2000)], 0.5),
    );
    const same = computeMargin(withUsdc(params, [usdc(5500, 'escrowed')], 0.5));
    expect(mixed.equity).toBeCloseTo(same.equity, 9);
    expect(mixed.initialRequirement).toBeCloseTo(same.initialRequirement, 9);
  });

  it('the resident book honours the haircut as computeMargin does, also after a params change', () => {
    const doc = withUsdc(params, [usdc(4000, 'unescrowed'), usdc(1000, 'escrowed')]);
    const { account, ...market } = doc;
    const book = createRiskBook(market, [['a', account]]);
    const entry = book.get('a');
    expect(entry?.ok && entry.summary).toEqual(computeMarginSummary(doc));
    const lowered = withUsdc(params, [usdc(4000, 'unescrowed'), usdc(1000, 'escrowed')], 0.25);
    book.updateParams(lowered.params);
    const after = book.get('a');
    const want = computeMarginSummary(lowered);
    if (!after?.ok) throw new Error('book entry failed');
    for (const k of ['equity', 'initialRequirement', 'maintenanceRequirement'] as const) {
      expect(after.summary[k]).toBeCloseTo(want[k], 9);
    }
    expect(after.summary.equity).toBeGreaterThan(entry?.ok ? entry.summary.equity + 2999 : 0);
  });
});

describe('unescrowedHaircut parameter', () => {
  it('is refused outside 0..1', () => {
    expect(() => computeMargin(withUsdc(pmrmTestParams, [usdc(1)], 1.5))).toThrow(
      expect.objectContaining({
        code: 'RISK__INVALID_INPUT',
        context: expect.objectContaining({ path: '$.params.assets.USDC.unescrowedHaircut' }),
      }),
    );
  });

  it('defaults to 1 in the presets', () => {
    for (const a of Object.values(pmrm2Mainnet.assets)) expect(a.unescrowedHaircut).toBe(1);
  });
});
