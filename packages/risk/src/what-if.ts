import { AppError } from '@xmargin/errors';
import { computeMarginSummary } from './compute-margin.js';
import type {
  MarginDocument,
  MarginSummary,
  MaxPassingSize,
  WhatIfChange,
  WhatIfOptions,
  WhatIfResult,
} from './types.js';

/** The document with `changes` applied: positions appended, collateral and cash adjusted. */
export function applyChanges(doc: MarginDocument, changes: readonly WhatIfChange[]): MarginDocument {
  const positions = [...(doc.account.positions ?? [])];
  const collateral = [...(doc.account.collateral ?? [])];
  let cash = doc.account.cash ?? 0;
  changes.forEach((c, i) => {
    if (c.type === 'position') positions.push(c.position);
    else if (c.type === 'cash') cash += c.amount;
    else {
      const held = collateral.filter((b) => b.asset === c.asset).reduce((s, b) => s + b.amount, 0);
      if (held + c.amount < 0) {
        throw new AppError('RISK__INVALID_INPUT', {
          context: {
            path: `changes.${i}.amount`,
            reason: `withdraws ${-c.amount} ${c.asset} but the account holds ${held}`,
          },
        });
      }
      collateral.push({
        asset: c.asset,
        amount: c.amount,
        ...(c.chain === undefined ? {} : { chain: c.chain }),
      });
    }
  });
  return { ...doc, account: { ...doc.account, cash, collateral, positions } };
}

function diff(a: MarginSummary, b: MarginSummary): MarginSummary {
  return {
    equity: b.equity - a.equity,
    initialRequirement: b.initialRequirement - a.initialRequirement,
    maintenanceRequirement: b.maintenanceRequirement - a.maintenanceRequirement,
    initialExcess: b.initialExcess - a.initialExcess,
    maintenanceExcess: b.maintenanceExcess - a.maintenanceExcess,
    markToMarket: b.markToMarket - a.markToMarket,
  };
}

// A change that lowers the initial excess adds risk and must leave it >= 0; one that does not (a hedge,
// a deposit, a close) passes even below water, so a distressed account can always de-risk.
function verdict(before: MarginSummary, after: MarginSummary): { riskAdding: boolean; passes: boolean } {
  const riskAdding = after.initialExcess < before.initialExcess;
  return { riskAdding, passes: !riskAdding || after.initialExcess >= 0 };
}

function scaled(changes: readonly WhatIfChange[], index: number, multiple: number): WhatIfChange[] {
  return changes.map((c, i) =>
    i === index && c.type === 'position'
      ? { type: 'position', position: { ...c.position, quantity: c.position.quantity * multiple } }
      : c,
  );
}

/**
 * Largest multiple of the proposed position `changes[index]` (the other changes kept) that still passes,
 * found by doubling then bisection to 1e-9 relative; returned as a quantity with the proposed sign.
 * Assumes passing is monotone in size, which holds for a risk-adding position.
 */
export function maxPassingSize(
  doc: MarginDocument,
  changes: readonly WhatIfChange[],
  index: number,
  maxSizeMultiple = 1e6,
): MaxPassingSize {
  const c = changes[index];
  if (c?.type !== 'position') {
    throw new AppError('RISK__INVALID_INPUT', {
      context: { path: `changes.${index}`, reason: 'not a position change' },
    });
  }
  const q = c.position.quantity;
  const before = computeMarginSummary(doc);
  const passes = (m: number) =>
    verdict(before, computeMarginSummary(applyChanges(doc, scaled(changes, index, m)))).passes;
  let lo = 0;
  let hi = 1;
  if (q !== 0 && passes(1)) {
    lo = 1;
    hi = 2;
    while (passes(hi)) {
      lo = hi;
      if (hi >= maxSizeMultiple) return { change: index, quantity: q * maxSizeMultiple, bounded: false };
      hi = Math.min(hi * 2, maxSizeMultiple);
    }
  }
  if (q === 0) return { change: index, quantity: 0, bounded: true };
  for (let i = 0; i < 200 && hi - lo > 1e-9 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (passes(mid)) lo = mid;
    else hi = mid;
  }
  return { change: index, quantity: q * lo, bounded: true };
}

/**
 * Pre-trade check: margin before and after `changes`, the difference, whether the change passes
 * (risk-adding changes must keep `initialExcess >= 0`), and the largest passing size of the proposed
 * position (`options.sizeChange`, default the last position change; null when there is none).
 */
export function whatIf(
  doc: MarginDocument,
  changes: readonly WhatIfChange[],
  options: WhatIfOptions = {},
): WhatIfResult {
  const before = computeMarginSummary(doc);
  const after = computeMarginSummary(applyChanges(doc, changes));
  let index = options.sizeChange;
  if (index === undefined) {
    for (let i = changes.length - 1; i >= 0; i--) {
      if (changes[i]!.type === 'position') {
        index = i;
        break;
      }
    }
  }
  return {
    before,
    after,
    change: diff(before, after),
    ...verdict(before, after),
    maxPassingSize: index === undefined ? null : maxPassingSize(doc, changes, index, options.maxSizeMultiple),
  };
}
