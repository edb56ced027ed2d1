/**
 * Account runs in flat typed arrays: legs (instrument, quantity) and segments (one underlying's legs,
 * its risk-cancelling base, the mark constant of its linear legs and the last aggregation's results). A run is a range of
 * legs and a range of segments; segment leg bounds are absolute. A book, a stress run and a single
 * `computeMargin` each keep their runs in one store, so margining half a million runs allocates no
 * per-run arrays or objects (small per-run arrays and segment objects made the garbage collector the
 * largest cost of a stress run), and the aggregation reads one array of each kind.
 */
export interface RunStore {
  inst: Int32Array;
  qty: Float64Array;
  /** Legs in use: the next run's legs start here. */
  legCount: number;
  segU: Int32Array;
  segLo: Int32Array;
  segHi: Int32Array;
  /** Risk-cancelling collateral: its amount under PMRM v1, its value (stable units) under pmrm-2. */
  segBase: Float64Array;
  /**
   * Mark-to-market constant of the segment's linear legs, -qty*entry (+ funding) summed leg by leg:
   * their mark is the sum of qty*price plus this (one number per segment rather than one per leg).
   */
  segKonst: Float64Array;
  /** Results of the segment's last aggregation. */
  segIm: Float64Array;
  segMm: Float64Array;
  segMtm: Float64Array;
  segCount: number;
}

export function createRunStore(legs = 64, segments = 16): RunStore {
  const l = Math.max(1, legs);
  const s = Math.max(1, segments);
  return {
    inst: new Int32Array(l),
    qty: new Float64Array(l),
    legCount: 0,
    segU: new Int32Array(s),
    segLo: new Int32Array(s),
    segHi: new Int32Array(s),
    segBase: new Float64Array(s),
    segKonst: new Float64Array(s),
    segIm: new Float64Array(s),
    segMm: new Float64Array(s),
    segMtm: new Float64Array(s),
    segCount: 0,
  };
}

function grown<T extends Int32Array | Float64Array>(a: T, size: number, used: number): T {
  const next = new (a.constructor as new (n: number) => T)(size);
  next.set(a.subarray(0, used));
  return next;
}

/** Room for `n` more legs past `legCount` (arrays read before this call may be replaced). */
export function reserveLegs(s: RunStore, n: number): void {
  const need = s.legCount + n;
  if (need <= s.inst.length) return;
  const size = Math.max(need, 2 * s.inst.length);
  s.inst = grown(s.inst, size, s.legCount);
  s.qty = grown(s.qty, size, s.legCount);
}

/** Room for `n` more segments past `segCount`. */
export function reserveSegments(s: RunStore, n: number): void {
  const need = s.segCount + n;
  if (need <= s.segU.length) return;
  const size = Math.max(need, 2 * s.segU.length);
  s.segU = grown(s.segU, size, s.segCount);
  s.segLo = grown(s.segLo, size, s.segCount);
  s.segHi = grown(s.segHi, size, s.segCount);
  s.segBase = grown(s.segBase, size, s.segCount);
  s.segKonst = grown(s.segKonst, size, s.segCount);
  s.segIm = grown(s.segIm, size, s.segCount);
  s.segMm = grown(s.segMm, size, s.segCount);
  s.segMtm = grown(s.segMtm, size, s.segCount);
}

/**
 * Copies legs [legLo, legHi) and segments [segLo, segHi) of `from` to the end of `to` (their leg
 * bounds shifted to the new place); returns the new leg and segment starts.
 */
export function copyRun(
  from: RunStore,
  to: RunStore,
  legLo: number,
  legHi: number,
  segLo: number,
  segHi: number,
): { legLo: number; segLo: number } {
  const legs = legHi - legLo;
  const segs = segHi - segLo;
  reserveLegs(to, legs);
  reserveSegments(to, segs);
  const l = to.legCount;
  const g = to.segCount;
  to.inst.set(from.inst.subarray(legLo, legHi), l);
  to.qty.set(from.qty.subarray(legLo, legHi), l);
  for (let j = 0; j < segs; j++) {
    to.segU[g + j] = from.segU[segLo + j]!;
    to.segLo[g + j] = from.segLo[segLo + j]! - legLo + l;
    to.segHi[g + j] = from.segHi[segLo + j]! - legLo + l;
    to.segBase[g + j] = from.segBase[segLo + j]!;
    to.segKonst[g + j] = from.segKonst[segLo + j]!;
  }
  to.legCount += legs;
  to.segCount += segs;
  return { legLo: l, segLo: g };
}
