import type { StressAccount, StressCollateral, StressMode, StressPosition } from './types.js';

const NO_COLLATERAL: readonly StressCollateral[] = [];
const NO_POSITIONS: readonly StressPosition[] = [];

/** The `count` items of `list` on `chain`, in order. */
function onChain<T extends { readonly chain: string }>(
  list: readonly T[] | undefined,
  chain: string,
  count: number,
  none: readonly T[],
): readonly T[] {
  if (count === 0 || !list) return none;
  const out = new Array<T>(count);
  let w = 0;
  for (const x of list) if (x.chain === chain) out[w++] = x;
  return out;
}

/**
 * The entity that is margined and liquidated (section 2): an account under `cross` and `portfolio`,
 * an (account, chain) pair `account@chain` under `isolated`. Mutable: settlement rewrites it.
 * Its holdings are the input's own objects (an isolated unit's share of its account's lists is split
 * off when read and not kept: most units are only margined, which reads the account's lists, and half a
 * million small lists kept made most of a large run's garbage-collection time). A partial liquidation
 * scales the amounts, quantities and funding into one list of numbers the unit keeps
 * ({@link StressUnit.amount}, {@link StressUnit.quantity}, {@link StressUnit.funding} read them), so
 * a run allocates no per-holding objects.
 */
export class StressUnit {
  /** Position of the unit in its mode's id order (evaluators key their state by it); set by unitsOf. */
  index = 0;
  readonly account: StressAccount;
  /** Position of the account in the document's `accounts`. */
  readonly accountIndex: number;
  /** The chain of an isolated unit. */
  readonly chain: string | undefined;
  cash: number;
  #collateral: readonly StressCollateral[] | undefined;
  #positions: readonly StressPosition[] | undefined;
  #collateralCount: number;
  #positionCount: number;
  /**
   * After a partial liquidation: the amounts of the collateral, then the quantities of the positions,
   * then their funding (0 where a position has none), each scaled slice after slice.
   */
  #scaled: number[] | undefined;

  constructor(
    account: StressAccount,
    accountIndex: number,
    chain: string | undefined,
    cash: number,
    collateralCount: number,
    positionCount: number,
  ) {
    this.account = account;
    this.accountIndex = accountIndex;
    this.chain = chain;
    this.cash = cash;
    this.#collateralCount = collateralCount;
    this.#positionCount = positionCount;
    if (chain === undefined) {
      this.#collateral = account.collateral ?? NO_COLLATERAL;
      this.#positions = account.positions ?? NO_POSITIONS;
    }
  }

  /** `account` or `account@chain` (made when read: units are ordered without it, and few are named). */
  get id(): string {
    return this.chain === undefined ? this.account.id : `${this.account.id}@${this.chain}`;
  }

  /**
   * The collateral held: the account's objects on the unit's chain (all of them without one), in the
   * account's order; their amounts as given ({@link amount} is the unit's).
   */
  get collateral(): readonly StressCollateral[] {
    return (
      this.#collateral ?? onChain(this.account.collateral, this.chain!, this.#collateralCount, NO_COLLATERAL)
    );
  }

  /**
   * Section-6 positions with their chain (an extra field the margin engine ignores), as `collateral`:
   * the account's objects; {@link quantity} and {@link funding} are the unit's.
   */
  get positions(): readonly StressPosition[] {
    return this.#positions ?? onChain(this.account.positions, this.chain!, this.#positionCount, NO_POSITIONS);
  }

  /**
   * The collateral as held: `collateral`, or after a slice copies with the unit's amounts (made when
   * read: the margin of a liquidated unit resolves them).
   */
  get heldCollateral(): readonly StressCollateral[] {
    const held = this.collateral;
    const s = this.#scaled;
    if (s === undefined) return held;
    return held.map((c, i) => ({ asset: c.asset, chain: c.chain, amount: s[i]! }));
  }

  /** The amount the unit holds of its i-th collateral, `c` (`collateral[i]`). */
  amount(i: number, c: StressCollateral): number {
    return this.#scaled === undefined ? c.amount : this.#scaled[i]!;
  }

  /** The quantity the unit holds of its i-th position, `p` (`positions[i]`). */
  quantity(i: number, p: StressPosition): number {
    return this.#scaled === undefined ? p.quantity : this.#scaled[this.#collateralCount + i]!;
  }

  /** The funding of its i-th position, `p`, scaled as its quantity (undefined where `p` has none). */
  funding(i: number, p: StressPosition): number | undefined {
    const f = 'funding' in p ? p.funding : undefined;
    if (this.#scaled === undefined || f === undefined) return f;
    return this.#scaled[this.#collateralCount + this.#positionCount + i]!;
  }

  get collateralCount(): number {
    return this.#collateralCount;
  }

  get positionCount(): number {
    return this.#positionCount;
  }

  /** Holds any collateral or position (a unit that holds nothing and has cash >= 0 is out of the run). */
  get holdsAnything(): boolean {
    return this.#collateralCount > 0 || this.#positionCount > 0;
  }

  /** Scales every amount, quantity and funding by `keep` (the part left after a slice). */
  scaleHoldings(keep: number): void {
    const s = this.#scaled;
    if (s !== undefined) {
      for (let i = 0; i < s.length; i++) s[i]! *= keep;
      return;
    }
    const nc = this.#collateralCount;
    const np = this.#positionCount;
    const collateral = this.collateral;
    const positions = this.positions;
    const scaled: number[] = [];
    for (let i = 0; i < nc; i++) scaled.push(collateral[i]!.amount * keep);
    for (let i = 0; i < np; i++) scaled.push(positions[i]!.quantity * keep);
    for (let i = 0; i < np; i++) {
      const p = positions[i]!;
      const f = 'funding' in p ? p.funding : undefined;
      scaled.push(f === undefined ? 0 : f * keep);
    }
    this.#scaled = scaled;
  }

  /** Everything held is gone (a slice of 1). */
  close(): void {
    this.#collateral = NO_COLLATERAL;
    this.#positions = NO_POSITIONS;
    this.#collateralCount = 0;
    this.#positionCount = 0;
    this.#scaled = undefined;
  }
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** An account's cash summed over its chains in name order (independent of the input map's key order). */
function totalCash(account: StressAccount): number {
  const chains = Object.keys(account.cash ?? {});
  // A few chains: insertion, no sort call (each call allocates a work list: 70 MB for 100,000 accounts).
  for (let i = 1; i < chains.length; i++) {
    const c = chains[i]!;
    let j = i;
    for (; j > 0 && byName(chains[j - 1]!, c) > 0; j--) chains[j] = chains[j - 1]!;
    chains[j] = c;
  }
  let cash = 0;
  for (let i = 0; i < chains.length; i++) cash += account.cash![chains[i]!]!;
  return cash;
}

// Scratch of `chainUnits` (one account at a time): its chains (the first `chainCount`), their holdings
// counted, name order. Kept at their length (an array's length set to 0 drops its storage, and the next
// account's pushes would allocate it again).
const chains: string[] = [];
const collateralCount: number[] = [];
const positionCount: number[] = [];
const chainOrder: number[] = [];
let chainCount = 0;

function chainAt(chain: string): number {
  let i = 0;
  while (i < chainCount && chains[i] !== chain) i++;
  if (i === chainCount) {
    chains[i] = chain;
    collateralCount[i] = 0;
    positionCount[i] = 0;
    chainCount++;
  }
  return i;
}

const NO_CASH: Readonly<Record<string, number>> = {};

/** One unit per chain the account has cash, collateral or positions on (in chain name order). */
function chainUnits(account: StressAccount, accountIndex: number, out: StressUnit[]): void {
  chainCount = 0;
  const cashChains = Object.keys(account.cash ?? NO_CASH);
  for (let k = 0; k < cashChains.length; k++) chainAt(cashChains[k]!);
  const collateral = account.collateral ?? NO_COLLATERAL;
  for (let k = 0; k < collateral.length; k++) collateralCount[chainAt(collateral[k]!.chain)]!++;
  const positions = account.positions ?? NO_POSITIONS;
  for (let k = 0; k < positions.length; k++) positionCount[chainAt(positions[k]!.chain)]!++;
  // Chain name order (a few chains: insertion, no sort call).
  for (let i = 0; i < chainCount; i++) {
    let j = i;
    for (; j > 0 && byName(chains[chainOrder[j - 1]!]!, chains[i]!) > 0; j--)
      chainOrder[j] = chainOrder[j - 1]!;
    chainOrder[j] = i;
  }
  for (let o = 0; o < chainCount; o++) {
    const i = chainOrder[o]!;
    const chain = chains[i]!;
    const cash = 0 + (account.cash?.[chain] ?? 0);
    out.push(new StressUnit(account, accountIndex, chain, cash, collateralCount[i]!, positionCount[i]!));
  }
}

/**
 * `a + '@'` against `b + '@'` (ids hold no `@`): the order of two accounts' isolated units, whose ids
 * `id@chain` first differ within `id@` unless the ids are equal.
 */
function byIdThenAt(a: string, b: string): number {
  const AT = 64;
  if (a.length < b.length && b.startsWith(a)) return AT - b.charCodeAt(a.length);
  if (b.length < a.length && a.startsWith(b)) return a.charCodeAt(b.length) - AT;
  return byName(a, b);
}

/** Some id in `byId` order (id order) is a proper prefix of the next. */
function anyPrefix(accounts: readonly StressAccount[], byId: readonly number[]): boolean {
  for (let k = 1; k < byId.length; k++) {
    const a = accounts[byId[k - 1]!]!.id;
    const b = accounts[byId[k]!]!.id;
    if (b.length > a.length && b.startsWith(a)) return true;
  }
  return false;
}

/** The accounts' indexes in id order (ties in input order): sorted once for every mode of a run. */
export function accountOrder(accounts: readonly StressAccount[]): number[] {
  return accounts.map((_, i) => i).sort((x, y) => byName(accounts[x]!.id, accounts[y]!.id) || x - y);
}

/**
 * The units of a mode, sorted by id (every sum over units runs in this order): the accounts are taken
 * in id order (`byId`, from `accountOrder`; by `id@` under isolated, each followed by its chains in name
 * order), so no unit id is made.
 */
export function unitsOf(
  accounts: readonly StressAccount[],
  mode: StressMode,
  byId: readonly number[] = accountOrder(accounts),
): StressUnit[] {
  // `id@` orders differently from `id` only where an id prefixes another: nearly sorted already, and
  // sorted when no id prefixes the next (every id between an id and a longer one it prefixes starts
  // with it too, so a prefix shows between neighbours).
  const order =
    mode === 'isolated' && anyPrefix(accounts, byId)
      ? [...byId].sort((x, y) => byIdThenAt(accounts[x]!.id, accounts[y]!.id))
      : byId;
  const units: StressUnit[] = [];
  for (const i of order) {
    const a = accounts[i]!;
    if (mode === 'isolated') chainUnits(a, i, units);
    else {
      const collateral = a.collateral?.length ?? 0;
      units.push(new StressUnit(a, i, undefined, totalCash(a), collateral, a.positions?.length ?? 0));
    }
  }
  units.forEach((u, i) => {
    u.index = i;
  });
  return units;
}

/** The chains of an account's input cash, with |cash| (the bad-debt split when it holds nothing). */
export function inputCashWeights(a: StressAccount): [string, number][] {
  return Object.keys(a.cash ?? {})
    .sort(byName)
    .map((c) => [c, Math.abs(a.cash![c]!)]);
}
