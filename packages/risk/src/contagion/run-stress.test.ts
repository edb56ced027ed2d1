import { readFileSync } from 'node:fs';
import { AppError, isAppError } from '@xmargin/errors';
import { describe, expect, it } from 'vitest';
import { createDepth } from './depth.js';
import { runStress } from './run-stress.js';
import type { StressDocument, StressMode } from './types.js';

const fixture = JSON.parse(
  readFileSync(new URL('../../../../../shared/fixtures/contagion-examples.json', import.meta.url), 'utf8'),
) as { cases: { name: string; input: StressDocument }[] };
const cpammCase = fixture.cases[0]!.input;
const gltCase = fixture.cases[1]!.input;

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe('depth models (spec section 1)', () => {
  const R = 2000;
  const U = 1_000_000;
  it('usdFor2pct: selling U dollars at R moves R down 2% in every model', () => {
    for (const model of [
      { model: 'exp' as const, usdFor2pct: U },
      { model: 'exp' as const, usdFor2pct: U, floor: 0.5 },
      { model: 'linear' as const, usdFor2pct: U },
      { model: 'linear' as const, usdFor2pct: U, floor: 0.3 },
      { model: 'cpamm' as const, usdFor2pct: U },
    ]) {
      const { price } = createDepth('ETH', model, R, 0.5, 'depth.ETH').clear(R, U / R);
      expect(rel(price, 0.98 * R)).toBeLessThan(1e-12);
    }
  });

  it('execution prices: alpha of the move for exp and linear, the swap average for cpamm', () => {
    const exp = createDepth('ETH', { model: 'exp', delta: 1000, floor: 0.1 }, R, 0.25, 'd').clear(1900, 300);
    expect(exp.price).toBeCloseTo(200 + 1700 * Math.exp(-0.3), 9);
    expect(exp.execution).toBeCloseTo(1900 - 0.25 * (1900 - exp.price), 9);
    const lin = createDepth('ETH', { model: 'linear', depthUsd: 1e8 }, R, 0.5, 'd').clear(1900, 1000);
    expect(lin.price).toBeCloseTo(1900 * (1 - (1000 * 1900) / 1e8), 9);
    expect(lin.execution).toBeCloseTo((1900 + lin.price) / 2, 9);
    const pools = [
      { chain: 'arbitrum', base: 1000, quote: 2_000_000 },
      { chain: 'solana', base: 3000, quote: 6_000_000 },
    ];
    const cp = createDepth('ETH', { model: 'cpamm', pools }, R, 0.5, 'd').clear(2000, 400);
    // Both pools at R hold 4000 ETH together: 4000 -> 4400 ETH.
    expect(cp.price).toBeCloseTo(2000 * (4000 / 4400) ** 2, 9);
    expect(cp.execution).toBeCloseTo(Math.sqrt(2000 * cp.price), 9);
  });

  it('linear stops at its floor (default 1% of R); buys raise prices', () => {
    const lin = createDepth('ETH', { model: 'linear', depthUsd: 1e6 }, R, 0.5, 'd');
    expect(lin.clear(2000, 10_000).price).toBe(0.01 * R);
    expect(lin.clear(2000, -100).price).toBeGreaterThan(2000);
  });

  it('a buy of the whole constant-product base reserve is RISK__DEPTH_EXHAUSTED', () => {
    const cp = createDepth(
      'ETH',
      { model: 'cpamm', pools: [{ chain: 'a', base: 100, quote: 200_000 }] },
      R,
      0.5,
      'd',
    );
    expect(() => cp.clear(2000, -100)).toThrow(AppError);
    try {
      cp.clear(2000, -150);
    } catch (err) {
      expect(isAppError(err, 'RISK__DEPTH_EXHAUSTED') && err.context).toEqual({
        asset: 'ETH',
        bought: 150,
        available: 100,
      });
    }
  });
});

describe('runStress rounds', () => {
  it('a liquidated short that buys more than the pools hold fails with RISK__DEPTH_EXHAUSTED', () => {
    const doc: StressDocument = {
      ...cpammCase,
      accounts: [
        {
          id: 'S',
          cash: { arbitrum: 1000 },
          positions: [
            { type: 'perp', underlying: 'ETH', quantity: -20_000, entryPrice: 2000, chain: 'arbitrum' },
          ],
        },
      ],
      shocks: { ETH: 1.1 },
      modes: ['cross'],
    };
    expect(() => runStress(doc)).toThrow(expect.objectContaining({ code: 'RISK__DEPTH_EXHAUSTED' }));
  });

  it('oracle lag: decisions use the price lagRounds back; waits are rounds; same fills in the end', () => {
    const lagged = runStress({
      ...cpammCase,
      modes: ['isolated'],
      policy: { ...cpammCase.policy, oracleLag: 1 },
    });
    const plain = runStress({ ...cpammCase, modes: ['isolated'] });
    const m = lagged.modes.isolated!;
    expect(m.rounds.map((r) => r.liquidations)).toEqual([1, 0, 1, 0, 1, 0]);
    expect(m.rounds.map((r) => r.liquidated.map((l) => l.unit))).toEqual([
      ['H@arbitrum'],
      [],
      ['A1@arbitrum'],
      [],
      ['A2@solana'],
      [],
    ]);
    // Round 2 decides at P0 while the market is at P1; round 3 at P1.
    expect(m.rounds[1]!.oraclePrices).toEqual(lagged.shocked);
    expect(m.rounds[2]!.oraclePrices).toEqual(m.rounds[0]!.prices);
    expect(m.rounds[1]!.prices).toEqual(m.rounds[0]!.prices);
    expect(m.converged).toBe(true);
    expect(m.prices).toEqual(plain.modes.isolated!.prices);
    expect(m.badDebt).toBe(plain.modes.isolated!.badDebt);
  });

  it('maxRounds: an unfinished mode is not converged and warns', () => {
    const r = runStress({ ...cpammCase, maxRounds: 2 });
    expect(r.modes.isolated!.roundCount).toBe(2);
    expect(r.modes.isolated!.converged).toBe(false);
    expect(r.modes.cross!.converged).toBe(true);
    expect(r.warnings).toEqual([
      expect.objectContaining({ code: 'STRESS_NOT_CONVERGED', mode: 'isolated' satisfies StressMode }),
    ]);
  });

  it('capacity: deepest shortfall first; a round never liquidates more notional than its capacity', () => {
    const capacity = 400_000;
    const r = runStress({ ...gltCase, policy: { ...gltCase.policy, capacityPerRound: capacity } });
    const m = r.modes.cross!;
    for (const round of m.rounds) expect(round.notional).toBeLessThanOrEqual(capacity * (1 + 1e-12));
    // Round 1: G1 (excess -30,000) is the deepest of G1-G3 and is served first, in full.
    const first = m.rounds[0]!.liquidated;
    expect(first.find((l) => l.unit === 'G1')!.fraction).toBeCloseTo(1 / 3, 12);
    expect(m.rounds[0]!.notional).toBeCloseTo(capacity, 6);
    expect(m.liquidatedUnits).toBe(4);
  });

  it('penalties go to the fund, which pays bad debt before it is socialised', () => {
    const r = runStress({ ...cpammCase, modes: ['isolated'] });
    const m = r.modes.isolated!;
    let fund = cpammCase.policy.insuranceFund ?? 0;
    for (const round of m.rounds) {
      fund += round.penalties;
      const draw = Math.min(fund, round.badDebt);
      fund -= draw;
      expect(round.insuranceDraw).toBe(draw);
      expect(round.socialisedLoss).toBe(round.badDebt - draw);
      expect(round.insuranceFund).toBe(fund);
    }
    expect(m.insuranceFund).toBe(fund);
  });

  it('rejects documents outside the model domain with RISK__INVALID_INPUT naming the path', () => {
    const bad = (doc: StressDocument, path: string) => {
      try {
        runStress(doc);
        expect.unreachable();
      } catch (err) {
        expect(isAppError(err, 'RISK__INVALID_INPUT') && err.context.path).toBe(path);
      }
    };
    bad({ ...cpammCase, shocks: { DOGE: 0.5 } }, 'shocks.DOGE');
    bad({ ...cpammCase, accounts: [...cpammCase.accounts, { id: 'A1' }] }, 'accounts.4.id');
    // The first id repeated in input order, whichever repeated id sorts first; a malformed id before it wins.
    const ids = (list: string[]) => list.map((id) => ({ id }));
    bad({ ...cpammCase, accounts: ids(['B', 'A', 'C', 'B', 'A']) }, 'accounts.3.id');
    bad({ ...cpammCase, accounts: ids(['B', 'A', 'A', 'B']) }, 'accounts.2.id');
    bad({ ...cpammCase, accounts: ids(['B', 'x@y', 'B']) }, 'accounts.1.id');
    bad({ ...cpammCase, maxRounds: 0 }, 'maxRounds');
    bad({ ...cpammCase, policy: { kind: 'full', penalty: 1 } }, 'policy.penalty');
    bad({ ...gltCase, depth: { ETH: { model: 'linear', depthUsd: 1e6, floor: 0.95 } } }, 'depth.ETH.floor');
  });

  it('reports progress after every round of every mode', () => {
    const seen: string[] = [];
    runStress(cpammCase, { onRound: (mode, round) => seen.push(`${mode}:${round}`) });
    expect(seen).toEqual(['isolated:1', 'isolated:2', 'isolated:3']);
  });
});
