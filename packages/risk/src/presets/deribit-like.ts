import type { ParamsInput, Scenario } from '../types.js';

// A Deribit-portfolio-margin-like grid (spec section 7): spot -16%..+16% in 9 steps x vol up/none/down,
// plus extreme moves with vol up, weighted 0.1386/|move| so a +100% move counts 13.86% of its loss.
const scenarios: Scenario[] = [];
for (let i = 4; i >= -4; i--) {
  for (const vol of ['up', 'none', 'down'] as const) {
    scenarios.push({ spotShock: Math.round((1 + 0.04 * i) * 100) / 100, vol, weight: 1 });
  }
}
for (const move of [-0.66, -0.33, 0.5, 1, 2, 3, 4, 5]) {
  scenarios.push({
    spotShock: Math.round((1 + move) * 100) / 100,
    vol: 'up',
    weight: 0.1386 / Math.abs(move),
  });
}

/** Parameters of the `deribit-like` preset (plain data). */
export const deribitLike = {
  scenarios,
  basis: { spotUp: 1.05, spotDown: 0.95, addFactor: 0.25, multFactor: 0.01 },
  volShock: {
    rangeUp: 0.45,
    rangeDown: 0.3,
    shortTermPower: 0.3,
    longTermPower: 0.13,
    dteFloorSeconds: 86400,
    minVolUp: 0,
  },
  staticDiscount: { base: 1, rateMultScale: 0, rateAddScale: 0 },
  contingency: { basePercent: 0.02, perpPercent: 0.02, optionPercent: 0.01 },
  confidence: { threshold: 0.6, margin: 0.5 },
  peg: { threshold: 0.98, factor: 2 },
  imFactor: 1.3,
  mmFactor: 1,
  discountOptionValues: false,
  collateralMaxAgeSeconds: 3600,
  assets: {
    ETH: { underlying: 'ETH', mmHaircut: 0.1, imHaircut: 0.05, unescrowedHaircut: 1 },
    WETH: { underlying: 'ETH', mmHaircut: 0.1, imHaircut: 0.05, unescrowedHaircut: 1 },
    BTC: { underlying: 'BTC', mmHaircut: 0.1, imHaircut: 0.05, unescrowedHaircut: 1 },
    SOL: { underlying: 'SOL', mmHaircut: 0.15, imHaircut: 0.05, unescrowedHaircut: 1 },
    USDC: { mmHaircut: 0.02, imHaircut: 0.01, unescrowedHaircut: 1 },
    USDT: {
      tiers: [{ upTo: 1_000_000, haircut: 0.02 }, { upTo: 10_000_000, haircut: 0.05 }, { haircut: 0.1 }],
      imHaircut: 0.01,
      unescrowedHaircut: 1,
    },
  },
  cross: { futureIm: 0.02, futureMm: 0.01, optionShortA: 0.15, optionShortB: 0.1, optionMmFactor: 0.5 },
} satisfies ParamsInput;
