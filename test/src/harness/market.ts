/** Seconds in a day; option expiries fall on whole days (08:00 UTC, like the big venues). */
const DAY = 86_400;

export interface DemoMarketLevels {
  readonly eth: number;
  readonly sol: number;
}

export const baseLevels: DemoMarketLevels = { eth: 3_000, sol: 150 };

/** The option expiry the seeded book trades: 08:00 UTC about 30 days after `nowSeconds`. */
export function demoExpiry(nowSeconds: number): number {
  return Math.floor(nowSeconds / DAY) * DAY + 30 * DAY + 8 * 3_600;
}

/**
 * Market data the oracle key writes (`PUT /v1/market-data`): stable and collateral prices, and ETH / SOL
 * markets with a perp and one expiry (forward from a 4% carry, flat vols). Same shape for the base
 * levels and for a shock, so a shock is "the same market at other levels".
 */
export function demoMarketData(nowSeconds: number, levels: DemoMarketLevels = baseLevels, volBump = 0) {
  const expiry = demoExpiry(nowSeconds);
  const years = (expiry - nowSeconds) / (365 * DAY);
  const market = (spot: number, vol: number) => ({
    spot,
    perp: { price: round(spot * 1.0003) },
    expiries: [
      {
        expiry,
        forward: round(spot * Math.exp(0.04 * years)),
        rate: 0.04,
        defaultVol: vol + volBump,
      },
    ],
  });
  return {
    stable: { price: 1 },
    prices: { USDC: { price: 1 }, WETH: { price: levels.eth }, SOL: { price: levels.sol } },
    markets: { ETH: market(levels.eth, 0.6), SOL: market(levels.sol, 0.8) },
    observedAt: nowSeconds,
  };
}

const round = (x: number) => Math.round(x * 100) / 100;
