import { AppError, formatIssuePath } from '@xmargin/errors';
import {
  imHaircutExtra,
  mmHaircut,
  type ResolvedCollateral,
  resolveCollateral,
} from '../model/collateral.js';
import { volFor } from '../model/option-value.js';
import {
  collateralCharge,
  type Pmrm2ResolvedCollateral,
  resolvePmrm2Collateral,
} from '../pmrm2/pmrm2-collateral.js';
import type { Pmrm2Context, Pmrm2Expiry } from '../pmrm2/pmrm2-context.js';
import { checkPricable } from '../pmrm2/pmrm2-pricing.js';
import type { Account, MarginWarning, Position } from '../types.js';
import type { AccountTerms, RunLegs, Segment } from './aggregate.js';
import type { InstrumentTable } from './instrument-table.js';
import { isPmrm2, type ModelContext } from './model-context.js';

/**
 * One account as the aggregation sees it: its positions as (instrument, quantity, mark constant) legs
 * sorted by underlying name, expiry, kind, strike and right with repeated instruments merged, one
 * segment per underlying it is exposed to (positions or risk-cancelling collateral), and its
 * collateral terms.
 */
export interface AccountRun extends RunLegs {
  readonly terms: AccountTerms;
  readonly segments: Segment[];
  /** Collateral assets the account holds (their prices and asset parameters enter its terms). */
  readonly assets: readonly string[];
  /** Some balance carries `observedAt`: its staleness, hence the terms, depend on `asOf`. */
  readonly timestamped: boolean;
  /** Collateral warnings (stale, unsupported). */
  readonly warnings: readonly MarginWarning[];
}

/** Mark-to-market constant of a position: its mark is quantity x unit value + this. */
export function markConstant(p: Position): number {
  if (p.type === 'option') return 0;
  return -p.quantity * p.entryPrice + (p.type === 'perp' ? (p.funding ?? 0) : 0);
}

/** Checks that the market data a position needs exists (the errors name the position). */
function checkPosition(ctx: ModelContext, p: Position, index: number): void {
  const m = ctx.markets.get(p.underlying);
  if (!m)
    throw new AppError('RISK__MISSING_MARKET', { context: { underlying: p.underlying, position: index } });
  if (p.type === 'perp') {
    if (m.perpPrice === undefined) {
      throw new AppError('RISK__INVALID_INPUT', {
        context: {
          path: formatIssuePath(['markets', p.underlying, 'perp']),
          reason: `position ${index} is a perp but the market has no perp price`,
        },
      });
    }
    return;
  }
  const e = m.expiries.get(p.expiry);
  if (!e) {
    throw new AppError('RISK__MISSING_EXPIRY', {
      context: { underlying: m.name, expiry: p.expiry, position: index },
    });
  }
  if (p.type !== 'option') return;
  volFor(e, p.strike);
  if (isPmrm2(ctx))
    checkPricable(e as Pmrm2Expiry, p.strike, ctx.markets.get(p.underlying)!.params.scenarios);
}

/** Either model's resolved collateral of one account. */
export type AnyResolvedCollateral = ResolvedCollateral | Pmrm2ResolvedCollateral;

function collateralTerms(ctx: ModelContext, account: Account, resolved: AnyResolvedCollateral | undefined) {
  if (isPmrm2(ctx)) return pmrm2CollateralTerms(ctx, account, resolved as Pmrm2ResolvedCollateral);
  const col =
    (resolved as ResolvedCollateral | undefined) ?? resolveCollateral(ctx, account.collateral ?? []);
  let otherValue = 0;
  let haircutMm = 0;
  let haircutIm = 0;
  for (const c of col.others) {
    otherValue += c.value;
    const h = mmHaircut(c.value, c.params);
    haircutMm += h;
    haircutIm += h + imHaircutExtra(c.value, c.params);
  }
  const terms: AccountTerms = { cash: account.cash ?? 0, otherValue, haircutMm, haircutIm };
  return { terms, base: col.base, warnings: col.warnings };
}

/**
 * pmrm-2 terms (section 9.4), in stable units: every collateral, risk-cancelling too, is charged its
 * haircuts and confidence add-on; risk-cancelling value is the base of its market.
 */
function pmrm2CollateralTerms(
  ctx: Pmrm2Context,
  account: Account,
  resolved: Pmrm2ResolvedCollateral | undefined,
) {
  const col = resolved ?? resolvePmrm2Collateral(ctx, account.collateral ?? []);
  let otherValue = 0;
  let haircutMm = 0;
  let haircutIm = 0;
  const base = new Map<string, number>();
  for (const c of col.assets) {
    const ch = collateralCharge(ctx, c);
    haircutMm += ch.mm;
    haircutIm += ch.im;
    if (c.underlying === undefined) otherValue += c.value;
    else base.set(c.underlying, (base.get(c.underlying) ?? 0) + c.value);
  }
  const terms: AccountTerms = { cash: account.cash ?? 0, otherValue, haircutMm, haircutIm };
  return { terms, base, warnings: col.warnings };
}

/**
 * Builds an account's run over `table` (taking a reference on each instrument it holds) and returns
 * it with `positionInstrument`, the instrument of each position in input order. Throws the AppError
 * of the first position whose market data is missing, in input order, after collateral errors;
 * takes no reference then. `collateral`, when given, is the account's collateral already resolved
 * against `ctx`.
 */
export function buildAccountRun(
  ctx: ModelContext,
  table: InstrumentTable,
  account: Account,
  collateral?: AnyResolvedCollateral,
): AccountRun & { readonly positionInstrument: readonly number[] } {
  const { terms, base, warnings } = collateralTerms(ctx, account, collateral);
  const positions = account.positions ?? [];
  positions.forEach((p, i) => {
    checkPosition(ctx, p, i);
  });
  const m = positions.length;
  const positionInstrument: number[] = [];
  const order: number[] = [];
  for (let i = 0; i < m; i++) {
    positionInstrument.push(table.acquire(positions[i]!));
    order.push(i);
  }
  // Ties keep input order, so merged quantities add up in the order the positions were given.
  if (m <= 32) {
    // Insertion sort: runs are short, and a builtin sort calling a comparator costs more.
    for (let i = 1; i < m; i++) {
      const x = order[i]!;
      let j = i - 1;
      while (j >= 0 && table.compare(positionInstrument[order[j]!]!, positionInstrument[x]!) > 0) {
        order[j + 1] = order[j]!;
        j--;
      }
      order[j + 1] = x;
    }
  } else order.sort((x, y) => table.compare(positionInstrument[x]!, positionInstrument[y]!) || x - y);
  // Plain arrays, not typed ones: small typed arrays each get an off-heap buffer, slow to allocate
  // and scattered in memory; packed arrays of numbers live inline on the heap.
  const inst: number[] = [];
  const qty: number[] = [];
  const konst: number[] = [];
  let w = 0;
  for (const i of order) {
    const p = positions[i]!;
    const id = positionInstrument[i]!;
    const k = markConstant(p);
    if (w > 0 && inst[w - 1] === id) {
      qty[w - 1]! += p.quantity;
      konst[w - 1]! += k;
      // The merged leg holds one reference for the instrument.
      table.release(id);
      continue;
    }
    inst.push(id);
    qty.push(p.quantity);
    konst.push(k);
    w++;
  }
  const segments: Segment[] = [];
  let lo = 0;
  while (lo < w) {
    const u = table.underlying[inst[lo]!]!;
    let hi = lo + 1;
    while (hi < w && table.underlying[inst[hi]!] === u) hi++;
    segments.push({ u, lo, hi, base: base.get(table.underlyings[u]!) ?? 0, im: 0, mm: 0, mtm: 0 });
    lo = hi;
  }
  for (const [name, b] of base) {
    const u = table.underlyingIndex(name);
    if (!segments.some((s) => s.u === u)) segments.push({ u, lo: w, hi: w, base: b, im: 0, mm: 0, mtm: 0 });
  }
  segments.sort((x, y) => table.underlyingRank[x.u]! - table.underlyingRank[y.u]!);
  const assets: string[] = [];
  let timestamped = false;
  for (const c of account.collateral ?? []) {
    if (!assets.includes(c.asset)) assets.push(c.asset);
    if (c.observedAt !== undefined) timestamped = true;
  }
  return {
    inst,
    qty,
    konst,
    terms,
    segments,
    assets,
    timestamped,
    warnings,
    positionInstrument,
  };
}

/** Drops the run's references on its instruments. */
export function releaseAccountRun(table: InstrumentTable, run: RunLegs): void {
  for (let i = 0; i < run.inst.length; i++) table.release(run.inst[i]!);
}
