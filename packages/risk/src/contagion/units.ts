import type { StressAccount, StressCollateral, StressMode, StressPosition } from './types.js';

/**
 * The entity that is margined and liquidated (section 2): an account under `cross` and `portfolio`,
 * an (account, chain) pair `account@chain` under `isolated`. Mutable: settlement rewrites it.
 * Holdings are the input's own objects until a partial liquidation scales them (copy on write), so a
 * mode over a large book allocates no per-holding objects up front.
 */
export interface StressUnit {
  readonly id: string;
  /** Position of the unit in its mode's id order (evaluators key their state by it); set by unitsOf. */
  index: number;
  readonly account: StressAccount;
  /** The chain of an isolated unit. */
  readonly chain: string | undefined;
  cash: number;
  collateral: readonly StressCollateral[];
  /** Section-6 positions with their chain (an extra field the margin engine ignores). */
  positions: readonly StressPosition[];
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function unit(
  account: StressAccount,
  chain: string | undefined,
  cash: number,
  collateral: readonly StressCollateral[],
  positions: readonly StressPosition[],
): StressUnit {
  return {
    id: chain === undefined ? account.id : `${account.id}@${chain}`,
    index: 0,
    account,
    chain,
    cash,
    collateral,
    positions,
  };
}

/** An account's cash summed over its chains in name order (independent of the input map's key order). */
function totalCash(account: StressAccount): number {
  const chains = Object.keys(account.cash ?? {});
  if (chains.length > 1) chains.sort(byName);
  let cash = 0;
  for (const c of chains) cash += account.cash![c]!;
  return cash;
}

/** One unit per chain the account has cash, collateral or positions on, its holdings split in one pass. */
function chainUnits(account: StressAccount, out: StressUnit[]): void {
  const byChain = new Map<string, { collateral: StressCollateral[]; positions: StressPosition[] }>();
  const on = (chain: string) => {
    let b = byChain.get(chain);
    if (!b) {
      b = { collateral: [], positions: [] };
      byChain.set(chain, b);
    }
    return b;
  };
  for (const c of Object.keys(account.cash ?? {})) on(c);
  for (const c of account.collateral ?? []) on(c.chain).collateral.push(c);
  for (const p of account.positions ?? []) on(p.chain).positions.push(p);
  for (const chain of [...byChain.keys()].sort(byName)) {
    const b = byChain.get(chain)!;
    out.push(unit(account, chain, 0 + (account.cash?.[chain] ?? 0), b.collateral, b.positions));
  }
}

/** The units of a mode, sorted by id (every sum over units runs in this order). */
export function unitsOf(accounts: readonly StressAccount[], mode: StressMode): StressUnit[] {
  const units: StressUnit[] = [];
  for (const a of accounts) {
    if (mode === 'isolated') chainUnits(a, units);
    else units.push(unit(a, undefined, totalCash(a), a.collateral ?? [], a.positions ?? []));
  }
  units.sort((x, y) => byName(x.id, y.id));
  units.forEach((u, i) => {
    u.index = i;
  });
  return units;
}

/** Holds any collateral or position (a unit that holds nothing and has cash >= 0 is out of the run). */
export function holdsAnything(u: StressUnit): boolean {
  return u.collateral.length > 0 || u.positions.length > 0;
}

/** Scales every quantity, amount and funding of a unit by `keep` (the part left after a slice). */
export function scaleHoldings(u: StressUnit, keep: number): void {
  u.collateral = u.collateral.map((c) => ({ asset: c.asset, chain: c.chain, amount: c.amount * keep }));
  u.positions = u.positions.map((p) => {
    const scaled = { ...p, quantity: p.quantity * keep };
    if ('funding' in scaled && scaled.funding !== undefined) scaled.funding *= keep;
    return scaled;
  });
}

/** The chains of an account's input cash, with |cash| (the bad-debt split when it holds nothing). */
export function inputCashWeights(a: StressAccount): [string, number][] {
  return Object.keys(a.cash ?? {})
    .sort(byName)
    .map((c) => [c, Math.abs(a.cash![c]!)]);
}
