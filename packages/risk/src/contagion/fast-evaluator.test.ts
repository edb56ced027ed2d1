import { isAppError } from '@xmargin/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMargin } from '../compute-margin.js';
import { compareFigures } from '../testing/compare-figures.js';
import {
  STRESS_EXPIRY,
  stressBook,
  stressDepth,
  stressDocument,
  stressDocumentPmrm2,
  stressParamsPmrm2,
  stressPolicy,
  stressShocks,
} from '../testing/stress-arbitraries.js';
import type { UnitEvaluator } from './evaluator.js';
import { createStressMargin, type StressMargin } from './fast-evaluator.js';
import { appendHoldingFigures, createHoldingFigures, holdingValue } from './holding-figures.js';
import { assetUniverse, marketDataAt } from './price-state.js';
import { referenceEvaluator } from './reference-evaluator.js';
import { runStress, runStressReference, runStressWith } from './run-stress.js';
import {
  STRESS_MODES,
  type StressAccount,
  type StressDocument,
  type StressPolicy,
  type StressResult,
} from './types.js';

function outcome(run: (d: StressDocument) => StressResult, doc: StressDocument): StressResult | string {
  try {
    return run(doc);
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
}

/** Same decisions and structure; figures within 1e-9 (sums may associate differently). */
function same(fast: StressResult | string, reference: StressResult | string): void {
  const problems: string[] = [];
  compareFigures(JSON.parse(JSON.stringify(fast)), JSON.parse(JSON.stringify(reference)), '$', problems);
  expect(problems).toEqual([]);
}

/**
 * Runs `doc` with the fast and the reference evaluator side by side, every round: the same units are
 * liquidatable, with the same figures, and the results are the same; returns how many times the fast
 * one's figures of a unit that is not liquidatable differed from the reference's (`left`: its excess
 * provably >= 0 after the move, or, under cross and isolated, figures summed in another order), how
 * many times it kept a unit's figures of the evaluation before while the reference's changed (`kept`),
 * and how many times a unit was liquidatable at the evaluation right after one that kept its figures
 * (`caught`).
 */
function sideBySide(doc: StressDocument): { left: number; kept: number; caught: number } {
  let left = 0;
  let kept = 0;
  let caught = 0;
  let margin: StressMargin | undefined;
  const run = () =>
    runStressWith(doc, {}, (mode, units, setup): UnitEvaluator => {
      margin ??= createStressMargin(setup, doc.accounts);
      const fast = margin.evaluator(mode, units.length);
      const reference = referenceEvaluator(doc, mode);
      // Per unit index: the figures of the evaluation before (fast, reference), and whether one kept them.
      const before = new Map<number, readonly [number, number, number, number]>();
      const wasKept = new Set<number>();
      return {
        evaluate(state, active) {
          const f = fast.evaluate(state, active);
          const r = reference.evaluate(state, active);
          for (const u of active) {
            const k = u.index;
            const liquidatable = r.equity[k]! - r.maintenance[k]! < 0;
            expect(f.equity[k]! - f.maintenance[k]! < 0).toBe(liquidatable);
            const was = before.get(k);
            if (liquidatable && wasKept.has(k)) caught++;
            if (
              was !== undefined &&
              was[0] === f.equity[k] &&
              was[1] === f.maintenance[k] &&
              (was[2] !== r.equity[k] || was[3] !== r.maintenance[k])
            ) {
              kept++;
              wasKept.add(k);
            } else wasKept.delete(k);
            before.set(k, [f.equity[k]!, f.maintenance[k]!, r.equity[k]!, r.maintenance[k]!]);
            if (liquidatable) {
              expect(f.equity[k]).toBe(r.equity[k]);
              expect(f.maintenance[k]).toBe(r.maintenance[k]);
            } else if (f.equity[k] !== r.equity[k] || f.maintenance[k] !== r.maintenance[k]) {
              left++;
            }
          }
          return f;
        },
        changed(u) {
          fast.changed(u);
          reference.changed(u);
          before.delete(u.index);
          wasKept.delete(u.index);
        },
      };
    });
  same(outcome(run, doc), outcome(runStressReference, doc));
  return { left, kept, caught };
}

// Both models through the same fast path: PMRM v1, and PMRM_2 (risk-model.md section 9) with tails,
// skew, own-price and non-risk-cancelling collateral and BTC on a shorter grid of its own.
const models = [
  { model: 'pmrm-1', pmrm2: false, document: stressDocument, runs: 60 },
  { model: 'pmrm-2', pmrm2: true, document: stressDocumentPmrm2, runs: 50 },
] as const;

describe.each(models)('fast path (shared risk arrays) == computeMargin path, $model', (m) => {
  it('gives the very same result on random books, every mode, depth model and policy', () => {
    fc.assert(
      fc.property(
        stressBook({ pmrm2: m.pmrm2 }),
        stressShocks,
        stressDepth,
        stressPolicy,
        (accounts, shocks, depth, policy) => {
          const doc = m.document(accounts, { shocks, depth, policy, maxRounds: 40 });
          same(outcome(runStress, doc), outcome(runStressReference, doc));
        },
      ),
      { numRuns: m.runs },
    );
  });

  it('gives the very same result for any subset of the modes (each run alone or after others)', () => {
    fc.assert(
      fc.property(
        stressBook({ pmrm2: m.pmrm2 }),
        stressShocks,
        stressDepth,
        stressPolicy,
        fc.subarray([...STRESS_MODES], { minLength: 1 }),
        (accounts, shocks, depth, policy, modes) => {
          const doc = m.document(accounts, { shocks, depth, policy, modes, maxRounds: 40 });
          same(outcome(runStress, doc), outcome(runStressReference, doc));
        },
      ),
      { numRuns: Math.ceil(m.runs / 2) },
    );
  });

  // portfolio: `left` counts units left out; isolated: `kept` counts units whose figures were kept.
  for (const [mode, count] of [
    ['portfolio', 'left'],
    ['isolated', 'kept'],
  ] as const)
    it(`${mode}: a unit left out of a round (its excess provably >= 0 after the move) is never liquidatable there`, () => {
      let skipped = 0;
      fc.assert(
        fc.property(
          stressBook({ pmrm2: m.pmrm2, cash: [-20_000, 200_000] }),
          stressShocks,
          stressDepth,
          stressPolicy,
          (accounts, shocks, depth, policy) => {
            const doc = m.document(accounts, { shocks, depth, policy, modes: [mode], maxRounds: 40 });
            skipped += sideBySide(doc)[count];
          },
        ),
        { numRuns: m.runs, seed: 16 },
      );
      // The bound leaves units out on these books (a fixed seed: the same books every time).
      expect(skipped).toBeGreaterThan(0);
    });

  const perp = (quantity: number) =>
    ({ type: 'perp', underlying: 'ETH', quantity, entryPrice: 2000, funding: 0, chain: 'arbitrum' }) as const;
  const put = (quantity: number) =>
    ({
      type: 'option',
      underlying: 'ETH',
      expiry: STRESS_EXPIRY,
      strike: 1800,
      right: 'put',
      quantity,
      chain: 'arbitrum',
    }) as const;
  const future = (quantity: number) =>
    ({
      type: 'future',
      underlying: 'ETH',
      expiry: STRESS_EXPIRY,
      quantity,
      entryPrice: 2010,
      chain: 'arbitrum',
    }) as const;
  // Rungs of long perps, and of short puts with long futures; cash per rung where each model's
  // requirement spreads their liquidations over rounds (pmrm-2 charges the perps more).
  // (Isolated: the rungs of puts and futures are liquidated in too few rounds to test the bound.)
  const ladders = [
    ...(['portfolio', 'isolated'] as const).map((mode) => ({
      mode,
      rungs: 'long perps',
      positions: [perp(10)],
      cash: m.pmrm2 ? 4_000 : 3_500,
      step: m.pmrm2 ? 100 : 40,
    })),
    {
      mode: 'portfolio' as const,
      rungs: 'short puts and long futures',
      positions: [put(-10), future(3)],
      cash: 2_000,
      step: 200,
    },
  ];

  it.each(ladders)(
    '$mode: a ladder of $rungs liquidated one price step after another, none missed',
    (ladder) => {
      // A large long account sold off in slices drives ETH down round after round; the rungs hold the
      // same positions with more and more cash, so each turns liquidatable some rounds later than the
      // one before, after rounds in which the bound may leave it out.
      const accounts: StressAccount[] = [
        { id: 'driver', cash: { arbitrum: 100_000 }, positions: [perp(400)] },
        ...Array.from({ length: 30 }, (_, i) => ({
          id: `rung-${String(i).padStart(2, '0')}`,
          cash: { arbitrum: ladder.cash + ladder.step * i },
          positions: ladder.positions,
        })),
      ];
      const doc = m.document(accounts, {
        shocks: { ETH: 0.9 },
        depth: { ETH: { model: 'exp', usdFor2pct: 5e5 } },
        policy: { kind: 'full', closeFactor: 0.5, penalty: 0 },
        modes: [ladder.mode],
        maxRounds: 40,
      });
      const r = runStressReference(doc);
      // Rungs are first liquidated in several different rounds.
      const first = new Map<string, number>();
      for (const round of r.modes[ladder.mode]!.rounds)
        for (const l of round.liquidated) if (!first.has(l.unit)) first.set(l.unit, round.round);
      expect(new Set([...first.values()]).size).toBeGreaterThan(3);
      const { left, kept, caught } = sideBySide(doc);
      if (ladder.mode === 'portfolio') expect(left).toBeGreaterThan(0);
      else {
        // Rungs kept out of a round and liquidated at a later one: the bound let none through.
        expect(kept).toBeGreaterThan(0);
        expect(caught).toBeGreaterThan(0);
      }
    },
  );

  it('isolated: the holding figures read off the runs are holding-figures.ts figures, to the bit', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        stressBook({ pmrm2: m.pmrm2 }),
        stressShocks,
        stressDepth,
        fc.oneof(
          stressPolicy,
          fc.constant<StressPolicy>({ kind: 'toTarget', buffer: 0.2, penalty: 0.02, closeFactor: 0.5 }),
        ),
        (accounts, shocks, depth, policy) => {
          const doc = m.document(accounts, { shocks, depth, policy, modes: ['isolated'], maxRounds: 40 });
          const reference = createHoldingFigures();
          const run = () =>
            runStressWith(doc, {}, (mode, units, setup): UnitEvaluator => {
              const fast = createStressMargin(setup, doc.accounts).evaluator(mode, units.length);
              return {
                evaluate: (state, active) => fast.evaluate(state, active),
                changed: (u) => fast.changed(u),
                holdingFigures(out, state, unit) {
                  const at = out.count;
                  const n = fast.holdingFigures!(out, state, unit);
                  reference.count = 0;
                  const expected = appendHoldingFigures(reference, state, setup.universe, unit);
                  expect(Object.is(n, expected)).toBe(true);
                  expect(out.count - at).toBe(reference.count);
                  for (let i = 0; i < reference.count; i++) {
                    expect(out.chain[at + i]).toBe(reference.chain[i]);
                    expect(Object.is(out.notional[at + i], reference.notional[i])).toBe(true);
                    expect(out.asset[at + i]).toBe(reference.asset[i]);
                    expect(Object.is(out.flow[at + i], reference.flow[i])).toBe(true);
                  }
                  compared++;
                  return n;
                },
                holdingValue(state, unit) {
                  const v = fast.holdingValue!(state, unit);
                  expect(Object.is(v, holdingValue(state, setup.universe, unit))).toBe(true);
                  return v;
                },
              };
            });
          same(outcome(run, doc), outcome(runStress, doc));
        },
      ),
      { numRuns: m.runs },
    );
    expect(compared).toBeGreaterThan(0);
  });

  it('agrees on sell-only cascades with long rounds and partial liquidations', () => {
    fc.assert(
      fc.property(
        stressBook({ pmrm2: m.pmrm2, sellOnly: true, cash: [-300_000, 0] }),
        stressShocks,
        stressDepth,
        (accounts, shocks, depth) => {
          const doc = m.document(accounts, {
            shocks,
            depth,
            policy: { kind: 'toTarget', buffer: 0.2, penalty: 0.02, closeFactor: 0.5, oracleLag: 1 },
            maxRounds: 60,
          });
          same(runStress(doc), runStressReference(doc));
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('runStress under pmrm-2 parameters', () => {
  it('round 1 decides on the pmrm-2 margin of each mode (preset pmrm-2-mainnet)', () => {
    const accounts: StressAccount[] = [
      {
        id: 'A',
        cash: { arbitrum: 30_000, ethereum: 2_000 },
        collateral: [{ asset: 'ETH', chain: 'ethereum', amount: 5 }],
        positions: [
          { type: 'perp', underlying: 'ETH', quantity: 40, entryPrice: 2000, funding: 0, chain: 'arbitrum' },
          {
            type: 'option',
            underlying: 'ETH',
            expiry: STRESS_EXPIRY,
            strike: 1800,
            right: 'put',
            quantity: -30,
            chain: 'arbitrum',
          },
        ],
      },
    ];
    const doc = stressDocumentPmrm2(accounts, {
      params: { preset: 'pmrm-2-mainnet' },
      shocks: { ETH: 0.93 },
      depth: { ETH: { model: 'linear', usdFor2pct: 5e6 } },
      policy: { kind: 'full' },
    });
    const r = runStress(doc);
    same(r, runStressReference(doc));
    // The account's margin at P0 under pmrm-2, as computeMargin gives it.
    const universe = assetUniverse(doc);
    const p0 = Float64Array.from(universe.names, (a) => r.shocked[a]!);
    const margin = computeMargin({
      version: 1,
      asOf: doc.asOf,
      params: doc.params,
      stable: doc.stable,
      ...marketDataAt(doc, universe, p0),
      account: {
        cash: 32_000,
        collateral: [{ asset: 'ETH', chain: 'ethereum', amount: 5 }],
        positions: accounts[0]!.positions!.map(({ chain: _chain, ...p }) => p),
      },
    });
    const portfolio = r.modes.portfolio!;
    const cross = r.modes.cross!;
    for (const [m, mode] of [
      [portfolio, margin.maintenanceRequirement],
      [cross, margin.modes.cross.maintenanceRequirement],
    ] as const) {
      const shortfall = mode - margin.equity;
      if (shortfall > 0) expect(m.rounds[0]!.shortfall).toBeCloseTo(shortfall, 6);
      else expect(m.rounds.length === 0 || m.rounds[0]!.liquidations === 0).toBe(true);
    }
    // The same account under PMRM v1 mainnet decides on other figures.
    const v1 = runStress({ ...doc, params: { preset: 'pmrm-v1-mainnet' } });
    expect(JSON.stringify(v1.modes)).not.toBe(JSON.stringify(r.modes));
  });

  it('per-underlying parameters (`underlyings`) change the run', () => {
    const accounts: StressAccount[] = [
      {
        id: 'B',
        cash: { ethereum: 9_000 },
        positions: [
          { type: 'perp', underlying: 'BTC', quantity: 1.5, entryPrice: 40_000, chain: 'ethereum' },
          { type: 'perp', underlying: 'ETH', quantity: 10, entryPrice: 2000, funding: 0, chain: 'ethereum' },
        ],
      },
    ];
    const rest = {
      shocks: { BTC: 0.9, ETH: 0.95 },
      depth: { BTC: { model: 'exp' as const, delta: 200 }, ETH: { model: 'exp' as const, delta: 2000 } },
      policy: { kind: 'toTarget' as const, buffer: 0.1 },
    };
    const withOverride = stressDocumentPmrm2(accounts, rest);
    const { underlyings: _u, ...plain } = stressParamsPmrm2;
    const without = stressDocumentPmrm2(accounts, { ...rest, params: plain });
    const a = runStress(withOverride);
    const b = runStress(without);
    same(a, runStressReference(withOverride));
    same(b, runStressReference(without));
    expect(a.modes.portfolio!.rounds[0]?.shortfall).not.toBe(b.modes.portfolio!.rounds[0]?.shortfall);
  });
});
