import type { Position } from '../types.js';
import type { StressAccount, StressMode, StressPosition } from './types.js';

/** A collateral balance of a unit (amount scaled down by partial liquidations). */
export interface UnitCollateral {
  readonly asset: string;
  readonly chain: string;
  amount: number;
}

/** A position of a unit: a section-6 position (quantity and funding scaled in place) and its chain. */
export interface UnitPosition {
  readonly chain: string;
  readonly position: Position;
}

/**
 * The entity that is margined and liquidated (section 2): an account under `cross` and `portfolio`,
 * an (account, chain) pair `account@chain` under `isolated`. Mutable: settlement rewrites it.
 */
export interface StressUnit {
  readonly id: string;
  readonly account: StressAccount;
  /** The chain of an isolated unit. */
  readonly chain: string | undefined;
  cash: number;
  collateral: UnitCollateral[];
  positions: UnitPosition[];
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function positionOf(p: StressPosition): Position {
  const { chain: _chain, ...position } = p;
  return { ...position } as Position;
}

function chainsOf(a: StressAccount): string[] {
  const set = new Set(Object.keys(a.cash ?? {}));
  for (const c of a.collateral ?? []) set.add(c.chain);
  for (const p of a.positions ?? []) set.add(p.chain);
  return [...set].sort(byName);
}

function unit(account: StressAccount, chain: string | undefined): StressUnit {
  const on = (c: string) => chain === undefined || c === chain;
  let cash = 0;
  // Chains in name order, so the sum does not depend on the key order of the input map.
  for (const c of Object.keys(account.cash ?? {}).sort(byName)) if (on(c)) cash += account.cash![c]!;
  return {
    id: chain === undefined ? account.id : `${account.id}@${chain}`,
    account,
    chain,
    cash,
    collateral: (account.collateral ?? [])
      .filter((c) => on(c.chain))
      .map((c) => ({ asset: c.asset, chain: c.chain, amount: c.amount })),
    positions: (account.positions ?? [])
      .filter((p) => on(p.chain))
      .map((p) => ({ chain: p.chain, position: positionOf(p) })),
  };
}

/** The units of a mode, sorted by id (every sum over units runs in this order). */
export function unitsOf(accounts: readonly StressAccount[], mode: StressMode): StressUnit[] {
  const units: StressUnit[] = [];
  for (const a of accounts) {
    if (mode === 'isolated') for (const c of chainsOf(a)) units.push(unit(a, c));
    else units.push(unit(a, undefined));
  }
  return units.sort((x, y) => byName(x.id, y.id));
}

/** Holds any collateral or position (a unit that holds nothing and has cash >= 0 is out of the run). */
export function holdsAnything(u: StressUnit): boolean {
  return u.collateral.length > 0 || u.positions.length > 0;
}

/** Scales every quantity, amount and funding of a unit by `keep` (the part left after a slice). */
export function scaleHoldings(u: StressUnit, keep: number): void {
  for (const c of u.collateral) c.amount *= keep;
  for (const { position } of u.positions) {
    const p = position as { quantity: number; funding?: number | undefined };
    p.quantity *= keep;
    if (p.funding !== undefined) p.funding *= keep;
  }
}

/** The chains of an account's input cash, with |cash| (the bad-debt split when it holds nothing). */
export function inputCashWeights(a: StressAccount): [string, number][] {
  return Object.keys(a.cash ?? {})
    .sort(byName)
    .map((c) => [c, Math.abs(a.cash![c]!)]);
}
