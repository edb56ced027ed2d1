import { code } from '../spec.js';

/** The pure margin engine (packages/risk). */
export const riskCodes = {
  RISK__UNKNOWN_PRESET: code<{ preset: string; known: readonly string[] }>(400, 'Unknown parameter preset'),
  RISK__MISSING_MARKET: code<{ underlying: string; position: number }>(
    422,
    'A position refers to an underlying with no market data',
  ),
  RISK__MISSING_EXPIRY: code<{ underlying: string; expiry: number; position: number }>(
    422,
    'A position refers to an expiry with no market data',
  ),
  RISK__MISSING_PRICE: code<{ asset: string }>(422, 'Collateral asset has no price'),
  RISK__INVALID_INPUT: code<{ path: string; reason: string }>(422, 'Input is outside the model domain'),
  RISK__DEPTH_EXHAUSTED: code<{ asset: string; bought: number; available: number }>(
    422,
    'A stress round buys at least all the base reserve of the constant-product pools',
  ),
  RISK__UNKNOWN_CHAIN: code<{ path: string; chain: string }>(
    422,
    'What-if collateral names a chain that does not exist',
  ),
  RISK__UNKNOWN_ASSET: code<{ path: string; asset: string }>(
    422,
    'What-if collateral names an asset that is not accepted collateral',
  ),
} as const;
