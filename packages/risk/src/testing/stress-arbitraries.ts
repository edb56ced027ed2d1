// Test-only: random stress books for the contagion property tests (fast-check arbitraries).
import fc from 'fast-check';
import type {
  DepthModel,
  StressAccount,
  StressCollateral,
  StressDocument,
  StressPolicy,
  StressPosition,
} from '../contagion/types.js';
import { pmrm2Mainnet } from '../presets/pmrm-2-mainnet.js';
import type { ParamsInput, Scenario } from '../types.js';

export const STRESS_AS_OF = 1_700_000_000;
export const STRESS_EXPIRY = STRESS_AS_OF + 30 * 86_400;
const CHAINS = ['arbitrum', 'ethereum', 'solana'] as const;

/** Nine scenarios with vol moves, contingencies and haircuts: every mode has something to charge. */
export const stressParams: ParamsInput = {
  scenarios: [0.9, 0.95, 1, 1.05, 1.1].flatMap((spotShock): Scenario[] =>
    spotShock === 1
      ? [{ spotShock, vol: 'none', weight: 1 }]
      : [
          { spotShock, vol: 'up' as const, weight: 1 },
          { spotShock, vol: 'down' as const, weight: 1 },
        ],
  ),
  basis: { spotUp: 1.05, spotDown: 0.95, addFactor: 0.25, multFactor: 0.01 },
  volShock: {
    rangeUp: 0.45,
    rangeDown: 0.3,
    shortTermPower: 0.3,
    longTermPower: 0.13,
    dteFloorSeconds: 86400,
  },
  staticDiscount: { base: 0.95, rateMultScale: 4, rateAddScale: 0.05 },
  contingency: { basePercent: 0.01, perpPercent: 0.01, optionPercent: 0.01 },
  confidence: { threshold: 0.6, margin: 0.5 },
  peg: { threshold: 0.98, factor: 2 },
  imFactor: 1.3,
  mmFactor: 1,
  cross: { futureIm: 0.1, futureMm: 0.05, optionShortA: 0.15, optionShortB: 0.1, optionMmFactor: 0.5 },
  assets: {
    ETH: { underlying: 'ETH', mmHaircut: 0.05 },
    WBTC: { underlying: 'BTC', mmHaircut: 0.05 },
    SOL: { mmHaircut: 0.15, imHaircut: 0.05 },
    USDC: { mmHaircut: 0.01 },
  },
};

/**
 * PMRM_2 parameters on the same markets: tails and skew scenarios, static discount by sign, MM/IM
 * contingencies, collateral at its own price (WBTC is quoted; STETH moves with ETH's spot but is not
 * risk-cancelling), and BTC on a shorter scenario grid of its own (`underlyings`).
 */
export const stressParamsPmrm2: ParamsInput = {
  ...pmrm2Mainnet,
  scenarios: [
    ...(stressParams.scenarios ?? []),
    { spotShock: 0.5, vol: 'up', weight: 0.3 },
    { spotShock: 1.6, vol: 'up', weight: 0.25 },
    { spotShock: 1, vol: 'linear', weight: 1 },
    { spotShock: 1, vol: 'abs', weight: 1 },
  ],
  // The published cases' static discount (the preset holds the deployed one).
  staticDiscount: {
    long: { base: 0.95, rateMultScale: 1, rateAddScale: 0.08 },
    short: { base: 1.04, rateMultScale: 0.5, rateAddScale: 0.08 },
  },
  cross: stressParams.cross,
  assets: {
    ETH: { underlying: 'ETH', mmHaircut: 0.015, imHaircut: 0.005 },
    WBTC: { underlying: 'BTC', mmHaircut: 0.05 },
    STETH: { underlying: 'ETH', riskCancelling: false, mmHaircut: 0.2, imHaircut: 0.05 },
    SOL: { mmHaircut: 0.15, imHaircut: 0.05 },
    USDC: { mmHaircut: 0.01 },
  },
  underlyings: {
    BTC: {
      scenarios: [0.85, 0.92, 1, 1.08, 1.15].map((spotShock) => ({
        spotShock,
        vol: 'up' as const,
        weight: 1,
      })),
      contingency: {
        mm: { perpPercent: 0.05, optionPercent: 0.01 },
        im: { perpPercent: 0.02, optionPercent: 0.005 },
      },
    },
  },
};

/** `stressDocument` under {@link stressParamsPmrm2}: WBTC has a quote of its own. */
export function stressDocumentPmrm2(
  accounts: readonly StressAccount[],
  rest: Partial<Omit<StressDocument, 'accounts'>> = {},
): StressDocument {
  const doc = stressDocument(accounts, { params: stressParamsPmrm2, ...rest });
  return { ...doc, prices: { ...doc.prices, WBTC: { price: 40_100 } }, ...rest, accounts };
}

/** The document around a book: ETH and BTC markets (perps, one expiry), SOL and USDC prices. */
export function stressDocument(
  accounts: readonly StressAccount[],
  rest: Partial<Omit<StressDocument, 'accounts'>> = {},
): StressDocument {
  return {
    version: 1,
    asOf: STRESS_AS_OF,
    params: stressParams,
    stable: { price: 1, confidence: 1 },
    prices: { SOL: { price: 100 }, USDC: { price: 1 } },
    markets: {
      ETH: {
        spot: 2000,
        perp: { price: 2001 },
        expiries: [{ expiry: STRESS_EXPIRY, forward: 2010, rate: 0.05, defaultVol: 0.6 }],
      },
      BTC: {
        spot: 40000,
        perp: { price: 40010 },
        expiries: [{ expiry: STRESS_EXPIRY, forward: 40150, forwardFixed: 20, rate: 0.04, defaultVol: 0.5 }],
      },
    },
    policy: { kind: 'full' },
    ...rest,
    accounts,
  };
}

// Quantities and amounts in hundredths, as books hold them (no denormal dust, whose margin decisions
// hinge on the last bit).
const size = (max: number) => fc.integer({ min: 0, max: max * 100 }).map((x) => x / 100);
const signed = (max: number) => fc.integer({ min: -max * 100, max: max * 100 }).map((x) => x / 100);
const chain = fc.constantFrom(...CHAINS);

const collateralOf = (pmrm2: boolean): fc.Arbitrary<StressCollateral> =>
  fc.oneof(
    fc.record({ asset: fc.constant('ETH'), chain, amount: size(50) }),
    fc.record({ asset: fc.constant('WBTC'), chain, amount: size(3) }),
    fc.record({ asset: fc.constant('SOL'), chain, amount: size(1000) }),
    fc.record({ asset: fc.constant('USDC'), chain, amount: size(50_000) }),
    ...(pmrm2 ? [fc.record({ asset: fc.constant('STETH'), chain, amount: size(50) })] : []),
  );

function positions(sellOnly: boolean, pmrm2: boolean): fc.Arbitrary<StressPosition> {
  const q = (max: number) => (sellOnly ? size(max) : signed(max));
  const linear = fc.oneof(
    fc.record({
      type: fc.constant('perp' as const),
      underlying: fc.constant('ETH'),
      quantity: q(40),
      entryPrice: fc.double({ min: 1800, max: 2200, noNaN: true }),
      funding: signed(50),
      chain,
    }),
    fc.record({
      type: fc.constant('perp' as const),
      underlying: fc.constant('BTC'),
      quantity: q(2),
      entryPrice: fc.double({ min: 36000, max: 44000, noNaN: true }),
      chain,
    }),
    fc.record({
      type: fc.constant('future' as const),
      underlying: fc.constantFrom('ETH', 'BTC'),
      expiry: fc.constant(STRESS_EXPIRY),
      quantity: q(2),
      entryPrice: fc.double({ min: 1800, max: 2200, noNaN: true }),
      chain,
    }),
  );
  if (sellOnly) return linear;
  const option = (underlying: string, strikes: number[], max: number) =>
    fc.record({
      type: fc.constant('option' as const),
      underlying: fc.constant(underlying),
      expiry: fc.constant(STRESS_EXPIRY),
      strike: fc.constantFrom(...strikes),
      right: fc.constantFrom('call' as const, 'put' as const),
      quantity: signed(max),
      chain,
    });
  const eth = option('ETH', [1600, 1800, 2000, 2200, 2400], 30);
  return pmrm2
    ? fc.oneof(linear, eth, option('BTC', [34_000, 38_000, 40_000, 42_000, 46_000], 2))
    : fc.oneof(linear, eth);
}

/**
 * A book of 1..8 accounts with unique ids; `sellOnly`: only long holdings (every flow is a sale);
 * `pmrm2`: collateral from {@link stressParamsPmrm2}'s assets (STETH too).
 */
export function stressBook(
  opts: { sellOnly?: boolean; cash?: [number, number]; pmrm2?: boolean } = {},
): fc.Arbitrary<StressAccount[]> {
  const [lo, hi] = opts.cash ?? [-60_000, 40_000];
  const account = fc.record({
    cash: fc.dictionary(chain, fc.double({ min: lo, max: hi, noNaN: true }), { maxKeys: 2 }),
    collateral: fc.array(collateralOf(opts.pmrm2 ?? false), { maxLength: 3 }),
    positions: fc.array(positions(opts.sellOnly ?? false, opts.pmrm2 ?? false), { maxLength: 4 }),
  });
  return fc
    .array(account, { minLength: 1, maxLength: 8 })
    .map((list) => list.map((a, i) => ({ id: `acct-${String(i).padStart(2, '0')}`, ...a })));
}

/** Depth for ETH, BTC and SOL, each from any of the three models (USDC never moves). */
export const stressDepth: fc.Arbitrary<Record<string, DepthModel>> = fc.record({
  ETH: fc.oneof(
    fc.record({
      model: fc.constant('exp' as const),
      usdFor2pct: fc.double({ min: 2e5, max: 5e6, noNaN: true }),
    }),
    fc.record({
      model: fc.constant('linear' as const),
      depthUsd: fc.double({ min: 1e7, max: 3e8, noNaN: true }),
    }),
    fc.record({
      model: fc.constant('cpamm' as const),
      pools: fc.constant([
        { chain: 'arbitrum', base: 5000, quote: 1e7 },
        { chain: 'ethereum', base: 20000, quote: 4e7 },
      ]),
    }),
  ),
  BTC: fc.oneof(
    fc.record({
      model: fc.constant('exp' as const),
      delta: fc.double({ min: 50, max: 2000, noNaN: true }),
      floor: fc.constantFrom(0, 0.2),
    }),
    fc.record({
      model: fc.constant('cpamm' as const),
      usdFor2pct: fc.double({ min: 2e5, max: 5e6, noNaN: true }),
    }),
  ),
  SOL: fc.record({
    model: fc.constant('linear' as const),
    usdFor2pct: fc.double({ min: 5e4, max: 1e6, noNaN: true }),
  }),
});

export const stressPolicy: fc.Arbitrary<StressPolicy> = fc.record({
  kind: fc.constantFrom('full' as const, 'toTarget' as const),
  buffer: fc.constantFrom(0, 0.1, 0.25),
  penalty: fc.constantFrom(0, 0.01, 0.05),
  closeFactor: fc.constantFrom(0.5, 1),
  alpha: fc.constantFrom(0, 0.5, 1),
  capacityPerRound: fc.option(fc.double({ min: 1e4, max: 1e6, noNaN: true }), { nil: undefined }),
  oracleLag: fc.constantFrom(0, 0, 1),
  insuranceFund: fc.constantFrom(0, 5000),
});

/** Shocks of ETH, BTC and SOL in [0.6, 1.05]. */
export const stressShocks = fc.record({
  ETH: fc.double({ min: 0.6, max: 1.05, noNaN: true }),
  BTC: fc.double({ min: 0.6, max: 1.05, noNaN: true }),
  SOL: fc.double({ min: 0.6, max: 1.05, noNaN: true }),
});
