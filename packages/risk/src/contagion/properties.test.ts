import { isAppError } from '@xmargin/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMargin } from '../compute-margin.js';
import {
  stressBook,
  stressDepth,
  stressDocument,
  stressParams,
  stressPolicy,
  stressShocks,
} from '../testing/stress-arbitraries.js';
import { runStress } from './run-stress.js';
import type { DepthModel, StressAccount, StressDocument, StressResult } from './types.js';

// The properties of contagion spec section 6 on random books (options, perps, futures, collateral on
// three chains), every depth model, both policies, capacity and oracle lag.

/** runStress, or the code of the AppError it throws (a cpamm buy may exhaust the pools). */
function outcome(doc: StressDocument): StressResult | string {
  try {
    return runStress(doc);
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
}

const closeTo = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

describe('runStress properties (spec section 6)', () => {
  it('does not depend on the order of the accounts', () => {
    fc.assert(
      fc.property(
        stressBook(),
        stressShocks,
        stressDepth,
        stressPolicy,
        fc.integer(),
        (accounts, shocks, depth, policy, seed) => {
          const shuffled = [...accounts].sort(
            (a, b) => ((a.id.charCodeAt(5) * seed) % 7) - ((b.id.charCodeAt(5) * seed) % 7),
          );
          const rest = { shocks, depth, policy, maxRounds: 30 };
          expect(outcome(stressDocument(shuffled.reverse(), rest))).toEqual(
            outcome(stressDocument(accounts, rest)),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('zero shock on a healthy book: 0 rounds, converged, prices at the reference', () => {
    fc.assert(
      fc.property(stressBook(), stressDepth, stressPolicy, (book, depth, policy) => {
        // Ample cash on every chain: healthy under isolated margin too.
        const cash = { arbitrum: 300_000, ethereum: 300_000, solana: 300_000 };
        const accounts = book.map((a) => ({ ...a, cash }));
        const r = runStress(stressDocument(accounts, { depth, policy }));
        for (const m of Object.values(r.modes)) {
          expect(m.roundCount).toBe(0);
          expect(m.converged).toBe(true);
          expect(m.prices).toEqual(r.reference);
          expect(m.liquidations).toBe(0);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('sell-only cascades move every price monotonically down', () => {
    fc.assert(
      fc.property(
        stressBook({ sellOnly: true, cash: [-400_000, 10_000] }),
        stressShocks,
        stressDepth,
        stressPolicy,
        (accounts, shocks, depth, policy) => {
          const r = runStress(stressDocument(accounts, { shocks, depth, policy, maxRounds: 50 }));
          for (const m of Object.values(r.modes)) {
            let previous = r.shocked;
            for (const round of m.rounds) {
              for (const [a, p] of Object.entries(round.prices)) expect(p).toBeLessThanOrEqual(previous[a]!);
              for (const q of Object.values(round.sold)) expect(q).toBeGreaterThan(0);
              previous = round.prices;
            }
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('doubling every account, depth, capacity and fund changes no price', () => {
    const double = (a: StressAccount): StressAccount => ({
      id: a.id,
      cash: Object.fromEntries(Object.entries(a.cash ?? {}).map(([c, v]) => [c, 2 * v])),
      collateral: (a.collateral ?? []).map((c) => ({ ...c, amount: 2 * c.amount })),
      positions: (a.positions ?? []).map((p) =>
        p.type === 'perp' && p.funding !== undefined
          ? { ...p, quantity: 2 * p.quantity, funding: 2 * p.funding }
          : { ...p, quantity: 2 * p.quantity },
      ),
    });
    const deeper = (d: DepthModel): DepthModel => {
      const u = d.usdFor2pct === undefined ? {} : { usdFor2pct: 2 * d.usdFor2pct };
      if (d.model === 'exp') return { ...d, ...u, ...(d.delta === undefined ? {} : { delta: 2 * d.delta }) };
      if (d.model === 'linear')
        return { ...d, ...u, ...(d.depthUsd === undefined ? {} : { depthUsd: 2 * d.depthUsd }) };
      return {
        ...d,
        ...u,
        ...(d.pools === undefined
          ? {}
          : { pools: d.pools.map((p) => ({ ...p, base: 2 * p.base, quote: 2 * p.quote })) }),
      };
    };
    fc.assert(
      fc.property(
        stressBook(),
        stressShocks,
        stressDepth,
        stressPolicy,
        (accounts, shocks, depth, policy) => {
          const one = outcome(stressDocument(accounts, { shocks, depth, policy, maxRounds: 30 }));
          const two = outcome(
            stressDocument(accounts.map(double), {
              shocks,
              depth: Object.fromEntries(Object.entries(depth).map(([a, d]) => [a, deeper(d)])),
              policy: {
                ...policy,
                ...(policy.capacityPerRound === undefined
                  ? {}
                  : { capacityPerRound: 2 * policy.capacityPerRound }),
                ...(policy.insuranceFund === undefined ? {} : { insuranceFund: 2 * policy.insuranceFund }),
              },
              maxRounds: 30,
            }),
          );
          if (typeof one === 'string' || typeof two === 'string') {
            expect(two).toEqual(one);
            return;
          }
          for (const [mode, m] of Object.entries(one.modes)) {
            const d = two.modes[mode as keyof typeof two.modes]!;
            expect(d.roundCount).toBe(m.roundCount);
            m.rounds.forEach((round, k) => {
              for (const [a, p] of Object.entries(round.prices))
                expect(closeTo(d.rounds[k]!.prices[a]!, p)).toBe(true);
              for (const l of round.liquidated) {
                const twin = d.rounds[k]!.liquidated.find((x) => x.unit === l.unit)!;
                expect(closeTo(twin.notional, 2 * l.notional)).toBe(true);
              }
            });
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('linear depth: round 1 equals the Greenwood-Landier-Thesmar closed form', () => {
    // Leveraged holders of ETH, WBTC and SOL financed by debt, each at the toTarget target before the
    // shock: equity = (1 + buffer) x haircut x assets, leverage lambda = 1/((1 + buffer) x haircut).
    // Shocks of at most 20% keep every holder solvent (equity is 25% of assets), as GLT assume.
    const h = 0.2;
    const buffer = 0.25;
    const lambda = 1 / ((1 + buffer) * h);
    const R = { ETH: 2000, WBTC: 40000, SOL: 100 } as const;
    const market = { ETH: 'ETH', WBTC: 'BTC', SOL: 'SOL' } as const;
    const holder = fc.record({
      ETH: fc.double({ min: 0, max: 2000, noNaN: true }),
      WBTC: fc.double({ min: 0, max: 100, noNaN: true }),
      SOL: fc.double({ min: 0, max: 40_000, noNaN: true }),
    });
    fc.assert(
      fc.property(
        fc.array(holder, { minLength: 1, maxLength: 6 }),
        fc.record({
          ETH: fc.double({ min: 0.8, max: 0.95, noNaN: true }),
          BTC: fc.double({ min: 0.8, max: 0.95, noNaN: true }),
          SOL: fc.double({ min: 0.8, max: 0.95, noNaN: true }),
        }),
        fc.record({
          ETH: fc.double({ min: 1e8, max: 1e9, noNaN: true }),
          BTC: fc.double({ min: 1e8, max: 1e9, noNaN: true }),
          SOL: fc.double({ min: 1e8, max: 1e9, noNaN: true }),
        }),
        (holders, shocks, depthUsd) => {
          const books = holders.filter((x) => x.ETH * R.ETH + x.WBTC * R.WBTC + x.SOL * R.SOL > 1000);
          fc.pre(books.length > 0);
          const accounts: StressAccount[] = books.map((x, i) => {
            const assets = x.ETH * R.ETH + x.WBTC * R.WBTC + x.SOL * R.SOL;
            return {
              id: `g${i}`,
              cash: { ethereum: -(assets - assets / lambda) },
              collateral: (['ETH', 'WBTC', 'SOL'] as const).map((a) => ({
                asset: a,
                chain: 'ethereum',
                amount: x[a],
              })),
            };
          });
          const doc = stressDocument(accounts, {
            params: {
              ...stressParams,
              assets: {
                ETH: { underlying: 'ETH', mmHaircut: h },
                WBTC: { underlying: 'BTC', mmHaircut: h },
                SOL: { mmHaircut: h },
              },
            },
            shocks,
            depth: {
              ETH: { model: 'linear', depthUsd: depthUsd.ETH },
              BTC: { model: 'linear', depthUsd: depthUsd.BTC },
              SOL: { model: 'linear', depthUsd: depthUsd.SOL },
            },
            policy: { kind: 'toTarget', buffer, penalty: 0 },
            modes: ['cross'],
          });
          const round = runStress(doc).modes.cross!.rounds[0];
          // Closed form: each holder whose loss L breaches maintenance sells (lambda - 1) L, split by
          // post-shock weights; dP/P = -(P/D) x (units sold).
          const P0 = { ETH: R.ETH * shocks.ETH, BTC: R.WBTC * shocks.BTC, SOL: R.SOL * shocks.SOL };
          const sold = { ETH: 0, BTC: 0, SOL: 0 };
          for (const x of books) {
            const before = x.ETH * R.ETH + x.WBTC * R.WBTC + x.SOL * R.SOL;
            const after = x.ETH * P0.ETH + x.WBTC * P0.BTC + x.SOL * P0.SOL;
            const loss = before - after;
            const equity = before / lambda - loss;
            if (!(equity - h * after < 0)) continue;
            const sale = (lambda - 1) * loss;
            for (const a of ['ETH', 'WBTC', 'SOL'] as const) {
              const m = market[a];
              sold[m] += (sale * ((x[a] * P0[m]) / after)) / P0[m];
            }
          }
          if (round === undefined) {
            expect(sold).toEqual({ ETH: 0, BTC: 0, SOL: 0 });
            return;
          }
          for (const m of ['ETH', 'BTC', 'SOL'] as const) {
            const expected = Math.max(
              0.01 * R[m === 'BTC' ? 'WBTC' : m],
              P0[m] * (1 - (sold[m] * P0[m]) / depthUsd[m]),
            );
            expect(Math.abs(round.prices[m]! - expected)).toBeLessThanOrEqual(1e-9 * P0[m]);
          }
        },
      ),
      { numRuns: 50 },
    );
  });

  it('isolated units are margined alone per chain, cross units pool every chain', () => {
    // One account, long ETH perp on arbitrum with no cash there, all its cash on solana.
    const accounts: StressAccount[] = [
      {
        id: 'A',
        cash: { solana: 100_000 },
        positions: [{ type: 'perp', underlying: 'ETH', quantity: 10, entryPrice: 2000, chain: 'arbitrum' }],
      },
    ];
    const r = runStress(stressDocument(accounts, { shocks: { ETH: 0.95 } }));
    expect(r.modes.isolated!.rounds[0]!.liquidated.map((l) => l.unit)).toEqual(['A@arbitrum']);
    expect(r.modes.cross!.roundCount).toBe(0);
    expect(r.modes.portfolio!.roundCount).toBe(0);
    const unit = computeMargin({ ...stressDocument([]), account: { cash: 100_000 } });
    expect(unit.maintenanceExcess).toBe(100_000);
  });
});
