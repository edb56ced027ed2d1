import type { Position } from '../types.js';

/** Instrument kinds, in the order a run lists them within an underlying and expiry. */
export const PERP = 0;
export const FUTURE = 1;
export const OPTION = 2;

const FREE = -1;
const NOTHING: readonly number[] = [];
// Perps sort before every expiry of their underlying.
const PERP_EXPIRY = Number.NEGATIVE_INFINITY;

/**
 * The distinct instruments held by the accounts of a book (or of one document), each with a dense
 * numeric id that indexes the risk arrays. Ids are reference-counted by the account runs that hold
 * them; an instrument nobody holds keeps its id until `sweep` frees it, so an account that is removed
 * and re-added does not churn the table. Expiry groups (underlying, expiry) are never freed: they are
 * bounded by the market's expiries.
 */
export interface InstrumentTable {
  /** Underlying names by underlying index (indexes are assigned on first use, never reused). */
  readonly underlyings: readonly string[];
  /** Per underlying index: its position in name order (runs and totals follow name order). */
  readonly underlyingRank: readonly number[];
  /** Per instrument id (FREE = unused slot). */
  kind: Int8Array;
  underlying: Int32Array;
  group: Int32Array;
  expiry: Float64Array;
  strike: Float64Array;
  isPut: Uint8Array;
  refs: Int32Array;
  /**
   * A number per instrument in `compare` order (equal only for the same instrument): runs sort their
   * legs by it, one number against another instead of five fields against five.
   */
  rank: Float64Array;
  /** One past the highest id ever assigned (the risk arrays size themselves on it). */
  readonly size: number;
  /** Instruments held by at least one run. */
  readonly liveCount: number;
  /** Per expiry group: its underlying index and expiry. */
  readonly groupUnderlying: readonly number[];
  readonly groupExpiry: readonly number[];
  /** Ids that went from unheld to held since the last `takePending`: their risk arrays are stale. */
  takePending(): readonly number[];
  /** Groups and underlyings created since the last `takeNewGroups`. */
  takeNewGroups(): readonly number[];
  underlyingIndex(name: string): number;
  /**
   * Registers (or finds) the instrument of a position, without a reference: an unheld instrument keeps
   * its id until `sweep`.
   */
  find(p: Position): number;
  /** Takes a reference on an instrument (a run leg holds one). */
  retain(id: number): void;
  release(id: number): void;
  /** Held instruments of one underlying. */
  heldOf(u: number): Iterable<number>;
  /** Orders instruments as runs list them: underlying name, perps, expiry, future, strike, call/put. */
  compare(a: number, b: number): number;
  /** Frees the ids of unheld instruments once they are numerous enough to matter. */
  sweep(): void;
}

function grown<T extends Int8Array | Int32Array | Float64Array | Uint8Array>(a: T, size: number): T {
  if (size <= a.length) return a;
  const next = new (a.constructor as new (n: number) => T)(Math.max(size, a.length * 2, 16));
  next.set(a);
  return next;
}

/** `capacity`: instruments expected (the columns grow past it). */
export function createInstrumentTable(capacity = 64): InstrumentTable {
  const underlyings: string[] = [];
  const underlyingRank: number[] = [];
  const uIndex = new Map<string, number>();
  const perpOf: number[] = [];
  const futureOf: Map<number, number>[] = [];
  const optionOf: Map<number, Map<number, [number, number]>>[] = [];
  const held: Set<number>[] = [];
  const groupOf: Map<number, number>[] = [];
  const groupUnderlying: number[] = [];
  const groupExpiry: number[] = [];
  const freeIds: number[] = [];
  let unheld = new Set<number>();
  let pending: number[] = [];
  let newGroups: number[] = [];
  let size = 0;
  let liveCount = 0;
  /** Registered instruments in `compare` order (their ranks increase along it). */
  const sorted: number[] = [];

  const t: InstrumentTable = {
    underlyings,
    underlyingRank,
    kind: new Int8Array(capacity),
    underlying: new Int32Array(capacity),
    group: new Int32Array(capacity),
    expiry: new Float64Array(capacity),
    strike: new Float64Array(capacity),
    isPut: new Uint8Array(capacity),
    refs: new Int32Array(capacity),
    rank: new Float64Array(capacity),
    get size() {
      return size;
    },
    get liveCount() {
      return liveCount;
    },
    groupUnderlying,
    groupExpiry,
    // Mostly nothing is new: the empty list is handed out, not a fresh one per call.
    takePending() {
      if (pending.length === 0) return NOTHING;
      const out = pending;
      pending = [];
      return out;
    },
    takeNewGroups() {
      if (newGroups.length === 0) return NOTHING;
      const out = newGroups;
      newGroups = [];
      return out;
    },
    underlyingIndex,
    find,
    retain,
    release,
    heldOf: (u) => held[u] ?? [],
    compare,
    sweep,
  };

  function underlyingIndex(name: string): number {
    let u = uIndex.get(name);
    if (u !== undefined) return u;
    u = underlyings.length;
    uIndex.set(name, u);
    underlyings.push(name);
    perpOf.push(-1);
    futureOf.push(new Map());
    optionOf.push(new Map());
    held.push(new Set());
    groupOf.push(new Map());
    const byName = underlyings.map((_, i) => i).sort((a, b) => (underlyings[a]! < underlyings[b]! ? -1 : 1));
    byName.forEach((i, r) => {
      underlyingRank[i] = r;
    });
    return u;
  }

  function groupFor(u: number, expiry: number): number {
    let g = groupOf[u]!.get(expiry);
    if (g === undefined) {
      g = groupUnderlying.length;
      groupOf[u]!.set(expiry, g);
      groupUnderlying.push(u);
      groupExpiry.push(expiry);
      newGroups.push(g);
    }
    return g;
  }

  function allocate(u: number, kind: number, expiry: number, strike: number, put: boolean): number {
    const id = freeIds.pop() ?? size++;
    if (id >= t.kind.length) {
      t.kind = grown(t.kind, id + 1);
      t.underlying = grown(t.underlying, id + 1);
      t.group = grown(t.group, id + 1);
      t.expiry = grown(t.expiry, id + 1);
      t.strike = grown(t.strike, id + 1);
      t.isPut = grown(t.isPut, id + 1);
      t.refs = grown(t.refs, id + 1);
      t.rank = grown(t.rank, id + 1);
    }
    t.kind[id] = kind;
    t.underlying[id] = u;
    t.group[id] = kind === PERP ? -1 : groupFor(u, expiry);
    t.expiry[id] = expiry;
    t.strike[id] = strike;
    t.isPut[id] = put ? 1 : 0;
    t.refs[id] = 0;
    // Unheld until a run retains it (and swept like any unheld id if none does).
    unheld.add(id);
    insertRank(id);
    return id;
  }

  /**
   * Places a new instrument in `sorted` and gives it a rank between its neighbours' (every rank is
   * renumbered in the rare case the gap is too narrow): instruments are few next to positions, and
   * registered far more rarely than looked up.
   */
  function insertRank(id: number): void {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compare(sorted[mid]!, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    sorted.splice(lo, 0, id);
    const r = t.rank;
    const before = lo > 0 ? r[sorted[lo - 1]!]! : undefined;
    const after = lo + 1 < sorted.length ? r[sorted[lo + 1]!]! : undefined;
    if (before === undefined) r[id] = after === undefined ? 0 : after - 1;
    else if (after === undefined) r[id] = before + 1;
    else {
      const mid = before + (after - before) / 2;
      if (mid > before && mid < after) r[id] = mid;
      else
        sorted.forEach((x, i) => {
          r[x] = i;
        });
    }
  }

  // Looked up through numeric maps (perp per underlying, future per expiry, option per expiry and
  // strike): building string keys for millions of positions would dominate a book build.
  function find(p: Position): number {
    const u = underlyingIndex(p.underlying);
    if (p.type === 'perp') {
      if (perpOf[u] === -1) perpOf[u] = allocate(u, PERP, PERP_EXPIRY, -1, false);
      return perpOf[u]!;
    }
    if (p.type === 'future') {
      let id = futureOf[u]!.get(p.expiry);
      if (id === undefined) {
        id = allocate(u, FUTURE, p.expiry, -1, false);
        futureOf[u]!.set(p.expiry, id);
      }
      return id;
    }
    let byStrike = optionOf[u]!.get(p.expiry);
    if (!byStrike) {
      byStrike = new Map();
      optionOf[u]!.set(p.expiry, byStrike);
    }
    let pair = byStrike.get(p.strike);
    if (!pair) {
      pair = [-1, -1];
      byStrike.set(p.strike, pair);
    }
    const slot = p.right === 'call' ? 0 : 1;
    if (pair[slot] === -1) pair[slot] = allocate(u, OPTION, p.expiry, p.strike, p.right === 'put');
    return pair[slot];
  }

  function retain(id: number): void {
    if (t.refs[id]!++ === 0) {
      liveCount++;
      unheld.delete(id);
      held[t.underlying[id]!]!.add(id);
      pending.push(id);
    }
  }

  function release(id: number): void {
    if (--t.refs[id]! === 0) {
      liveCount--;
      held[t.underlying[id]!]!.delete(id);
      unheld.add(id);
    }
  }

  function compare(a: number, b: number): number {
    const k = t.kind;
    return (
      underlyingRank[t.underlying[a]!]! - underlyingRank[t.underlying[b]!]! ||
      t.expiry[a]! - t.expiry[b]! ||
      k[a]! - k[b]! ||
      t.strike[a]! - t.strike[b]! ||
      t.isPut[a]! - t.isPut[b]!
    );
  }

  function sweep(): void {
    if (unheld.size < 1024 || unheld.size < liveCount) return;
    for (const id of unheld) {
      const u = t.underlying[id]!;
      if (t.kind[id] === PERP) perpOf[u] = -1;
      else if (t.kind[id] === FUTURE) futureOf[u]!.delete(t.expiry[id]!);
      else {
        const byStrike = optionOf[u]!.get(t.expiry[id]!)!;
        const pair = byStrike.get(t.strike[id]!)!;
        pair[t.isPut[id]!] = -1;
        if (pair[0] === -1 && pair[1] === -1) byStrike.delete(t.strike[id]!);
        if (byStrike.size === 0) optionOf[u]!.delete(t.expiry[id]!);
      }
      t.kind[id] = FREE;
      freeIds.push(id);
    }
    const gone = unheld;
    let w = 0;
    for (const x of sorted) if (!gone.has(x)) sorted[w++] = x;
    sorted.length = w;
    unheld = new Set();
  }

  return t;
}
