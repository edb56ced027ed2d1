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

function chainsOf(a: StressAccount): string[] {
  const set = new Set(Object.keys(a.cash ?? {}));
  for (const c of a.collateral ?? []) set.add(c.chain);
  for (const p of a.positions ?? []) set.add(p.chain);
  return [...set].sort(byName);
}

function unit(account: StressAccount, chain: string | undefined): StressUnit {
  let cash = 0;
  // Chains in name order, so the sum does not depend on the key order of the input map.
  const cashChains = Object.keys(account.cash ?? {});
  if (cashChains.length > 1) cashChains.sort(byName);
  for (const c of cashChains) if (chain === undefined || c === chain) cash += account.cash![c]!;
  const collateral = account.collateral ?? [];
  const positions = account.positions ?? [];
  return {
    id: chain === undefined ? account.id : `${account.id}@${chain}`,
    index: 0,
    account,
    chain,
    cash,
    collateral: chain === undefined ? collateral : collateral.filter((c) => c.chain === chain),
    positions: chain === undefined ? positions : positions.filter((p) => p.chain === chain),
  };
}

/** The units of a mode, sorted by id (every sum over units runs in this order). */
export function unitsOf(accounts: readonly StressAccount[], mode: StressMode): StressUnit[] {
  const units: StressUnit[] = [];
  for (const a of accounts) {
    if (mode === 'isolated') for (const c of chainsOf(a)) units.push(unit(a, c));
    else units.push(unit(a, undefined));
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
