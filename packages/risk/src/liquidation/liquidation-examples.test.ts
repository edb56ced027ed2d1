import { isAppError } from '@xmargin/errors';
import { describe, expect, it } from 'vitest';
import { auctionDiscount } from './auction-discount.js';
import { bufferMargin } from './buffer-margin.js';
import { insolventBidPrice } from './insolvent-bid-price.js';
import { liquidationFee } from './liquidation-fee.js';
import { maxFraction } from './max-fraction.js';
import { resolveAuctionParams } from './resolve-auction-params.js';
import { simulateLiquidation } from './simulate-liquidation.js';
import { solventBidPrice } from './solvent-bid-price.js';
import {
  closeTo,
  expectSubset,
  type FunctionCase,
  liquidationExamples,
} from './testing/liquidation-fixture.js';
import type { AuctionParams } from './types.js';

// Every case of shared/fixtures/liquidation-examples.json, every figure at 1e-9 relative.
const functions: Record<string, (p: AuctionParams, input: Record<string, number>) => number> = {
  auctionDiscount: (p, i) => auctionDiscount(p, i.elapsed!),
  bufferMargin: (p, i) => bufferMargin(p, { mm: i.mm!, mtm: i.mtm! }),
  maxFraction: (p, i) =>
    maxFraction(p, { mtm: i.mtm!, bm: i.bm!, discount: i.discount!, reservedCash: i.reservedCash! }),
  solventBidPrice: (p, i) =>
    solventBidPrice(p, { elapsed: i.elapsed!, mtm: i.mtm!, reservedCash: i.reservedCash! }),
  insolventBidPrice: (p, i) => insolventBidPrice(p, { elapsed: i.elapsed!, mm: i.mm!, mtm: i.mtm! }),
  liquidationFee: (p, i) => liquidationFee(p, { mtm: i.mtm!, bm: i.bm! }),
};

describe('liquidation-examples.json: pure functions', () => {
  it.each(liquidationExamples.functions.map((c) => [c.name, c] as [string, FunctionCase]))('%s', (_, c) => {
    const fn = functions[c.function];
    expect(fn, `no function ${c.function}`).toBeDefined();
    const params = resolveAuctionParams(c.params);
    if (typeof c.output === 'number') {
      const actual = fn!(params, c.input);
      expect(closeTo(actual, c.output), `${actual} vs ${c.output}`).toBe(true);
    } else {
      const code = c.output.error;
      let caught: unknown;
      try {
        fn!(params, c.input);
      } catch (e) {
        caught = e;
      }
      expect(isAppError(caught) && caught.code === code, `expected ${code}, got ${String(caught)}`).toBe(
        true,
      );
    }
  });
});

describe('liquidation-examples.json: simulations', () => {
  it.each(liquidationExamples.simulations.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const out = simulateLiquidation(c.input);
    expectSubset(out, c.expected);
    if (c.exampleOutput) {
      expectSubset(out, c.exampleOutput);
      // The example shows the whole output: no field more, no field less, in the spec's order.
      expect(JSON.parse(JSON.stringify(out))).toEqual(
        expect.objectContaining(
          Object.fromEntries(Object.keys(c.exampleOutput).map((k) => [k, expect.anything()])),
        ),
      );
      expect(Object.keys(out.start)).toEqual(Object.keys(c.exampleOutput.start as object));
      expect(Object.keys(out.actions[0]!)).toEqual(
        Object.keys((c.exampleOutput.actions as Record<string, unknown>[])[0]!),
      );
      expect(Object.keys(out.end)).toEqual(Object.keys(c.exampleOutput.end as object));
    }
  });
});
