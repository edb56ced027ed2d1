import type { ParamsInput, Scenario } from '../types.js';
import { pmrmV1Mainnet } from './pmrm-v1-mainnet.js';

// Derive PMRM_2 deployment script (spec section 7): 33 scenarios in the deployed order.
const scenarios: Scenario[] = [{ spotShock: 1.18, vol: 'up', weight: 1 }];
for (const spotShock of [1.135, 1.09, 1.045, 1, 0.955, 0.91, 0.865]) {
  for (const vol of ['up', 'none', 'down'] as const) scenarios.push({ spotShock, vol, weight: 1 });
}
scenarios.push({ spotShock: 0.82, vol: 'up', weight: 1 });
// Tail moves: vol up, weight 0.1386 / |k - 1|, written as deployed.
const tails: [number, number][] = [
  [0.34, 0.21],
  [0.67, 0.42],
  [1.5, 0.2772],
  [2, 0.1386],
  [3, 0.0693],
  [4, 0.0462],
  [5, 0.03465],
  [6, 0.02772],
];
for (const [spotShock, weight] of tails) scenarios.push({ spotShock, vol: 'up', weight });
scenarios.push({ spotShock: 1, vol: 'linear', weight: 1 }, { spotShock: 1, vol: 'abs', weight: 1 });

/**
 * Parameters of the `pmrm-2-mainnet` preset (plain data). The static discount bases are the deployed
 * ones (every published test uses long 0.95 / short 1.04 instead); `collateralMaxAgeSeconds`, `assets`
 * and `cross` are placeholders copied from `pmrm-v1-mainnet`, because Derive sets PMRM_2 haircuts per
 * asset on chain without publishing them.
 */
export const pmrm2Mainnet = {
  model: 'pmrm-2',
  scenarios,
  basis: { spotUp: 1.045, spotDown: 0.955, addFactor: 0.5, multFactor: 2 },
  volShock: {
    rangeUp: 0.5,
    rangeDown: 0.3,
    shortTermPower: 0.3,
    longTermPower: 0.13,
    dteFloorSeconds: 86400,
    minVolUp: 0.4,
  },
  skew: {
    linear: { baseCap: 0.25, capSlope: -0.1 },
    abs: { baseCap: 0.25, capSlope: -0.1 },
    minKStar: 0.01,
    widthScale: 4,
    volStatic: 0.6,
    volScale: 0,
  },
  staticDiscount: {
    long: { base: 1.05, rateMultScale: 0, rateAddScale: 0.16 },
    short: { base: 0.95, rateMultScale: 0, rateAddScale: 0.16 },
  },
  contingency: {
    mm: { perpPercent: 0.03, optionPercent: 0.003 },
    im: { perpPercent: 0.01, optionPercent: 0.002 },
  },
  confidence: { threshold: 0.55, margin: 1 },
  peg: { threshold: 0.99, factor: 4 },
  imFactor: 1,
  mmFactor: 0.8,
  discountOptionValues: true,
  collateralMaxAgeSeconds: pmrmV1Mainnet.collateralMaxAgeSeconds,
  assets: pmrmV1Mainnet.assets,
  cross: pmrmV1Mainnet.cross,
} satisfies ParamsInput;
