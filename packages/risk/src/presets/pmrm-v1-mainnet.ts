import type { ParamsInput, Scenario } from '../types.js';

// Lyra v2 / Derive PMRM v1 mainnet configuration (spec section 7): 23 scenarios, spot 1.20..0.80 in
// 0.05 steps, vol up/none/down inside +-15%, vol up only at the +-20% tails.
const scenarios: Scenario[] = [{ spotShock: 1.2, vol: 'up', weight: 1 }];
for (const spotShock of [1.15, 1.1, 1.05, 1, 0.95, 0.9, 0.85]) {
  for (const vol of ['up', 'none', 'down'] as const) scenarios.push({ spotShock, vol, weight: 1 });
}
scenarios.push({ spotShock: 0.8, vol: 'up', weight: 1 });

/** Parameters of the `pmrm-v1-mainnet` preset (plain data). */
export const pmrmV1Mainnet = {
  scenarios,
  basis: { spotUp: 1.05, spotDown: 0.95, addFactor: 1, multFactor: 1.2 },
  volShock: {
    rangeUp: 0.6,
    rangeDown: 0.3,
    shortTermPower: 0.3,
    longTermPower: 0.13,
    dteFloorSeconds: 86400,
    minVolUp: 0,
  },
  staticDiscount: { base: 0.95, rateMultScale: 1, rateAddScale: 0.12 },
  contingency: { basePercent: 0.03, perpPercent: 0.03, optionPercent: 0.02 },
  confidence: { threshold: 0.55, margin: 1 },
  peg: { threshold: 0.99, factor: 4 },
  imFactor: 1.25,
  mmFactor: 1,
  discountOptionValues: false,
  collateralMaxAgeSeconds: 3600,
  assets: {
    ETH: { underlying: 'ETH', mmHaircut: 0.1, imHaircut: 0.05, unescrowedHaircut: 1 },
    WETH: { underlying: 'ETH', mmHaircut: 0.1, imHaircut: 0.05, unescrowedHaircut: 1 },
    stETH: { underlying: 'ETH', mmHaircut: 0.12, imHaircut: 0.05, unescrowedHaircut: 1 },
    BTC: { underlying: 'BTC', mmHaircut: 0.1, imHaircut: 0.05, unescrowedHaircut: 1 },
    WBTC: { underlying: 'BTC', mmHaircut: 0.1, imHaircut: 0.05, unescrowedHaircut: 1 },
    SOL: { underlying: 'SOL', mmHaircut: 0.15, imHaircut: 0.05, unescrowedHaircut: 1 },
    USDC: { mmHaircut: 0, imHaircut: 0, unescrowedHaircut: 1 },
    USDT: { mmHaircut: 0.02, imHaircut: 0.01, unescrowedHaircut: 1 },
  },
  cross: { futureIm: 0.1, futureMm: 0.05, optionShortA: 0.15, optionShortB: 0.1, optionMmFactor: 0.5 },
} satisfies ParamsInput;
