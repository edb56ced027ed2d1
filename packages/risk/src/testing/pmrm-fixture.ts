// Test-only helpers: the environment of the published PMRM v1 test results (spec section 8).
import type { MarginDocument, ParamsInput, Position, Scenario } from '../types.js';

export const AS_OF = 1672531200;
export const EXPIRY_1 = AS_OF + 892800;
export const EXPIRY_2 = AS_OF + 1497600;

const scenarios: Scenario[] = [];
for (const spotShock of [1.15, 1.1, 1.05, 1, 0.95, 0.9, 0.85]) {
  for (const vol of ['up', 'none', 'down'] as const) scenarios.push({ spotShock, vol, weight: 1 });
}

export const pmrmTestParams: ParamsInput = {
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
  staticDiscount: { base: 0.95, rateMultScale: 4, rateAddScale: 0.12 },
  contingency: { basePercent: 0.025, perpPercent: 0.025, optionPercent: 0.01 },
  confidence: { threshold: 0.6, margin: 0.4 },
  peg: { threshold: 0.98, factor: 2 },
  imFactor: 1.3,
  mmFactor: 1,
  discountOptionValues: false,
  collateralMaxAgeSeconds: 3600,
  assets: {
    ETH: { underlying: 'ETH' },
    WETH: { underlying: 'ETH' },
    USDC: { mmHaircut: 0.02, imHaircut: 0.01 },
  },
};

/** A document in the PMRM test environment holding `positions` and `eth` risk-cancelling collateral. */
export function pmrmDocument(positions: Position[], eth = 0, cash = 0): MarginDocument {
  return {
    version: 1,
    asOf: AS_OF,
    params: pmrmTestParams,
    stable: { price: 1, confidence: 1 },
    prices: { USDC: { price: 1, confidence: 1 } },
    markets: {
      ETH: {
        spot: 2000,
        spotConfidence: 1,
        perp: { price: 2001, confidence: 1 },
        expiries: [
          { expiry: EXPIRY_1, forward: 2002.83305, forwardFixed: 0, rate: 0.02, defaultVol: 0.5 },
          { expiry: EXPIRY_2, forward: 2004.7545, forwardFixed: 0, rate: 0.02, defaultVol: 0.5 },
        ],
      },
    },
    account: {
      cash,
      collateral: eth === 0 ? [] : [{ asset: 'ETH', chain: 'ethereum', amount: eth }],
      positions,
    },
  };
}

export const call = (expiry: number, strike: number, quantity: number): Position => ({
  type: 'option',
  underlying: 'ETH',
  expiry,
  strike,
  right: 'call',
  quantity,
});

export const put = (expiry: number, strike: number, quantity: number): Position => ({
  type: 'option',
  underlying: 'ETH',
  expiry,
  strike,
  right: 'put',
  quantity,
});

export const perp = (quantity: number, entryPrice: number): Position => ({
  type: 'perp',
  underlying: 'ETH',
  quantity,
  entryPrice,
});
