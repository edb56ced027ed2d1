import { AppError } from '@xmargin/errors';
import { computeMargin, computeMarginSummary } from './compute-margin.js';
import { resolveParams } from './params/resolve-params.js';
import type {
  MarginDocument,
  MarginSummary,
  MaxPassingSize,
  WhatIfChange,
  WhatIfOptions,
  WhatIfResult,
} from './types.js';

/** What collateral a what-if may name: accepted assets (the parameters' asset table) and chains. */
export interface KnownCollateral {
  readonly assets: Readonly<Record<string, unknown>>;
  /** Absent: chains are not checked. */
  readonly chains?: readonly string[] | undefined;
}

/**
 * The one rule for collateral a what-if names, in the CLI and over HTTP: a chain that does not exist is
 * RISK__UNKNOWN_CHAIN and an asset that is not accepted collateral RISK__UNKNOWN_ASSET (both 422), with
 * the path of the change (`$.changes[0]`, `$.collateral[0]`): never valued, never silently ignored.
 */
export function checkWhatIfCollateral(
  c: { readonly asset: string; readonly chain?: string | undefined },
  known: KnownCollateral,
  path: string,
): void {
  if (c.chain !== undefined && known.chains !== undefined && !known.chains.includes(c.chain)) {
    throw new AppError('RISK__UNKNOWN_CHAIN', {
      context: { path: `${path}.chain`, chain: c.chain },
      shortMessage: `${path}.chain: there is no chain "${c.chain}"`,
    });
  }
  if (!Object.hasOwn(known.assets, c.asset)) {
    throw new AppError('RISK__UNKNOWN_ASSET', {
      context: { path: `${path}.asset`, asset: c.asset },
      shortMessage: `${path}.asset: "${c.asset}" is not an accepted collateral asset`,
    });
  }
}

/** The document with `changes` applied: positions appended, collateral and cash adjusted. */
export function applyChanges(
  doc: MarginDocument,
  changes: readonly WhatIfChange[],
  chains?: readonly string[],
): MarginDocument {
  const positions = [...(doc.account.positions ?? [])];
  const collateral = [...(doc.account.collateral ?? [])];
  let cash = doc.account.cash ?? 0;
  const known = { assets: resolveParams(doc.params).assets, chains };
  changes.forEach((c, i) => {
    if (c.type === 'position') positions.push(c.position);
    else if (c.type === 'cash') cash += c.amount;
    else {
      checkWhatIfCollateral(c, known, `$.changes[${i}]`);
      const held = collateral.filter((b) => b.asset === c.asset).reduce((s, b) => s + b.amount, 0);
      if (held + c.amount < 0) {
        throw new AppError('RISK__INVALID_INPUT', {
          context: {
            path: `$.changes[${i}].amount`,
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
 * Largest multiple of the sized change (1: as proposed) whose document still passes, found by doubling
 * then bisection to 1e-9 relative. Assumes passing is monotone in size, which holds for a risk-adding
 * position.
 */
function maxPassingMultiple(
  passes: (multiple: number) => boolean,
  maxSizeMultiple: number,
): { multiple: number; bounded: boolean } {
  let lo = 0;
  let hi = 1;
  if (passes(1)) {
    lo = 1;
    hi = 2;
    while (passes(hi)) {
      lo = hi;
      if (hi >= maxSizeMultiple) return { multiple: maxSizeMultiple, bounded: false };
      hi = Math.min(hi * 2, maxSizeMultiple);
    }
  }
  for (let i = 0; i < 200 && hi - lo > 1e-9 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (passes(mid)) lo = mid;
    else hi = mid;
  }
  return { multiple: lo, bounded: true };
}

/** The proposed state of a what-if, as a document at any multiple of the sized position change. */
export interface ProposedWhatIf {
  /** The document after the change with the sized position's quantity times `multiple` (1: as proposed). */
  readonly at: (multiple: number) => MarginDocument;
  /** The sized position change: its index (in the caller's list of changes) and proposed quantity. */
  readonly sized: { readonly change: number; readonly quantity: number } | null;
}

/**
 * The one what-if computation behind the CLI and HTTP: margin before and after, the difference, whether
 * the change passes (a risk-adding change must keep `initialExcess >= 0`), the largest passing size of
 * the sized position, and the warnings of the margin after the change.
 */
export function evaluateWhatIf(
  doc: MarginDocument,
  proposed: ProposedWhatIf,
  maxSizeMultiple = 1e6,
): WhatIfResult {
  const before = computeMarginSummary(doc);
  const full = computeMargin(proposed.at(1));
  const after: MarginSummary = {
    equity: full.equity,
    initialRequirement: full.initialRequirement,
    maintenanceRequirement: full.maintenanceRequirement,
    initialExcess: full.initialExcess,
    maintenanceExcess: full.maintenanceExcess,
    markToMarket: full.markToMarket,
  };
  let sized: MaxPassingSize | null = null;
  if (proposed.sized) {
    const { change, quantity } = proposed.sized;
    if (quantity === 0) sized = { change, quantity: 0, bounded: true };
    else {
      const passes = (m: number) => verdict(before, computeMarginSummary(proposed.at(m))).passes;
      const { multiple, bounded } = maxPassingMultiple(passes, maxSizeMultiple);
      sized = { change, quantity: quantity * multiple, bounded };
    }
  }
  return {
    before,
    after,
    change: diff(before, after),
    ...verdict(before, after),
    maxPassingSize: sized,
    warnings: full.warnings,
  };
}

/**
 * Largest passing multiple of the proposed position `changes[index]` (the other changes kept), as a
 * quantity with the proposed sign.
 */
export function maxPassingSize(
  doc: MarginDocument,
  changes: readonly WhatIfChange[],
  index: number,
  maxSizeMultiple = 1e6,
  chains?: readonly string[],
): MaxPassingSize {
  const c = changes[index];
  if (c?.type !== 'position') {
    throw new AppError('RISK__INVALID_INPUT', {
      context: { path: `$.changes[${index}]`, reason: 'not a position change' },
    });
  }
  const proposed = {
    at: (m: number) => applyChanges(doc, scaled(changes, index, m), chains),
    sized: { change: index, quantity: c.position.quantity },
  };
  return evaluateWhatIf(doc, proposed, maxSizeMultiple).maxPassingSize!;
}

/**
 * Pre-trade check of a what-if document: `evaluateWhatIf` of `changes` sizing `options.sizeChange`
 * (default the last position change; no size search when there is none).
 */
export function whatIf(
  doc: MarginDocument,
  changes: readonly WhatIfChange[],
  options: WhatIfOptions = {},
): WhatIfResult {
  let index = options.sizeChange;
  if (index === undefined) {
    for (let i = changes.length - 1; i >= 0; i--) {
      if (changes[i]!.type === 'position') {
        index = i;
        break;
      }
    }
  }
  const c = index === undefined ? undefined : changes[index];
  if (index !== undefined && c?.type !== 'position') {
    throw new AppError('RISK__INVALID_INPUT', {
      context: { path: `$.changes[${index}]`, reason: 'not a position change' },
    });
  }
  return evaluateWhatIf(
    doc,
    {
      at: (m) => applyChanges(doc, index === undefined ? changes : scaled(changes, index, m), options.chains),
      sized:
        index !== undefined && c?.type === 'position'
          ? { change: index, quantity: c.position.quantity }
          : null,
    },
    options.maxSizeMultiple,
  );
}
