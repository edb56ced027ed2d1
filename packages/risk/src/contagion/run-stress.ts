import { AppError } from '@xmargin/errors';
import { createModelContext } from '../book/model-context.js';
import { resolveParams } from '../params/resolve-params.js';
import { createDepth, type Depth } from './depth.js';
import type { PriceState, UnitEvaluator } from './evaluator.js';
import { createStressMargin, type StressMargin } from './fast-evaluator.js';
import { assetUniverse, marketDataAt } from './price-state.js';
import { referenceEvaluator } from './reference-evaluator.js';
import { type ResolvedPolicy, type StressSetup, simulateMode } from './simulate-mode.js';
import {
  type RunStressOptions,
  STRESS_MODES,
  type StressCollateral,
  type StressDocument,
  type StressMode,
  type StressModeResult,
  type StressResult,
  type StressWarning,
} from './types.js';
import { accountOrder, unitsOf } from './units.js';

const DEFAULT_MAX_ROUNDS = 100;

function invalid(path: string, reason: string): AppError<'RISK__INVALID_INPUT'> {
  return new AppError('RISK__INVALID_INPUT', { context: { path, reason } });
}

function check(ok: boolean, path: string, reason: string): void {
  if (!ok) throw invalid(path, reason);
}

function resolvePolicy(doc: StressDocument): ResolvedPolicy & { alpha: number } {
  const p = doc.policy;
  const policy = {
    kind: p.kind,
    buffer: p.buffer ?? 0,
    penalty: p.penalty ?? 0,
    closeFactor: p.closeFactor ?? 1,
    alpha: p.alpha ?? 0.5,
    capacity: p.capacityPerRound ?? Number.POSITIVE_INFINITY,
    oracleLag: p.oracleLag ?? 0,
    insuranceFund: p.insuranceFund ?? 0,
  };
  check(policy.kind === 'full' || policy.kind === 'toTarget', 'policy.kind', 'must be full or toTarget');
  check(policy.buffer >= 0 && Number.isFinite(policy.buffer), 'policy.buffer', 'must be >= 0');
  check(policy.penalty >= 0 && policy.penalty < 1, 'policy.penalty', 'must be in [0, 1)');
  check(policy.closeFactor > 0 && policy.closeFactor <= 1, 'policy.closeFactor', 'must be in (0, 1]');
  check(policy.alpha >= 0 && policy.alpha <= 1, 'policy.alpha', 'must be in [0, 1]');
  check(policy.capacity > 0, 'policy.capacityPerRound', 'must be > 0');
  check(
    Number.isInteger(policy.oracleLag) && policy.oracleLag >= 0,
    'policy.oracleLag',
    'must be an integer >= 0',
  );
  check(
    policy.insuranceFund >= 0 && Number.isFinite(policy.insuranceFund),
    'policy.insuranceFund',
    'must be a finite number >= 0',
  );
  return policy;
}

/** The run's modes, in canonical order. */
function modesOf(doc: StressDocument): StressMode[] {
  const listed = doc.modes ?? STRESS_MODES;
  check(listed.length > 0, 'modes', 'must name at least one mode');
  const seen = new Set<string>();
  listed.forEach((m, i) => {
    check(STRESS_MODES.includes(m), `modes.${i}`, 'must be isolated, cross or portfolio');
    check(!seen.has(m), `modes.${i}`, `duplicate mode ${m}`);
    seen.add(m);
  });
  return STRESS_MODES.filter((m) => seen.has(m));
}

const NO_COLLATERAL: readonly StressCollateral[] = [];

function collateralPath(i: number, j: number): string {
  return `accounts.${i}.collateral.${j}`;
}

/**
 * References between sections that the margin engine would not catch (section 1). `byId`: the accounts'
 * indexes in id order (equal ids adjacent, in input order), where the first repeated id is found.
 */
function checkAccounts(
  doc: StressDocument,
  marketOf: (asset: string) => boolean,
  byId: readonly number[],
): void {
  const params = resolveParams(doc.params);
  const { accounts } = doc;
  let repeated = accounts.length;
  for (let k = 1; k < byId.length; k++) {
    const i = byId[k]!;
    if (i < repeated && accounts[i]!.id === accounts[byId[k - 1]!]!.id) repeated = i;
  }
  // Paths and reasons are built only for the error (a book has many accounts and no error).
  for (let i = 0; i < accounts.length; i++) {
    const a = accounts[i]!;
    if (a.id.length === 0 || a.id.includes('@'))
      throw invalid(`accounts.${i}.id`, 'must be non-empty, without @');
    if (i === repeated) throw invalid(`accounts.${i}.id`, `duplicate account id ${a.id}`);
    const collateral = a.collateral ?? NO_COLLATERAL;
    for (let j = 0; j < collateral.length; j++) {
      const c = collateral[j]!;
      // The path made only for an error (a closure per holding was a large allocation).
      const asset = params.assets[c.asset];
      if (asset === undefined)
        throw invalid(`${collateralPath(i, j)}.asset`, `${c.asset} is not in params.assets`);
      const underlying = asset.underlying;
      const priced =
        (underlying !== undefined && marketOf(underlying)) || doc.prices?.[c.asset] !== undefined;
      if (!priced)
        throw invalid(
          `${collateralPath(i, j)}.asset`,
          `${c.asset} has no price (no market, no prices entry)`,
        );
      if (!(c.amount >= 0 && Number.isFinite(c.amount))) {
        throw invalid(`${collateralPath(i, j)}.amount`, 'must be a finite number >= 0');
      }
    }
  }
}

/**
 * Systemic stress (shared/spec/contagion.md): shocks the book, liquidates what falls below
 * maintenance, sells into finite depth and repeats to a fixed point, once per margin mode. Pure and
 * deterministic; the order of `accounts` does not matter. Throws RISK__INVALID_INPUT for a document
 * outside the model domain and RISK__DEPTH_EXHAUSTED when a buy empties constant-product pools.
 */
export function runStress(doc: StressDocument, opts: RunStressOptions = {}): StressResult {
  let margin: StressMargin | undefined;
  return runStressWith(doc, opts, (mode, units, setup) => {
    margin ??= createStressMargin(setup, doc.accounts);
    return margin.evaluator(mode, units.length);
  });
}

/** `runStress` by the definition: `computeMargin` of every unit's document (tests and benches). */
export function runStressReference(doc: StressDocument, opts: RunStressOptions = {}): StressResult {
  return runStressWith(doc, opts, (mode) => referenceEvaluator(doc, mode));
}

/** `runStress` with a chosen way of margining units (the reference or a fast evaluator). */
export function runStressWith(
  doc: StressDocument,
  opts: RunStressOptions,
  evaluatorFor: (mode: StressMode, units: ReturnType<typeof unitsOf>, setup: StressSetup) => UnitEvaluator,
): StressResult {
  const universe = assetUniverse(doc);
  const n = universe.names.length;
  const policy = resolvePolicy(doc);
  const modes = modesOf(doc);
  const maxRounds = doc.maxRounds ?? DEFAULT_MAX_ROUNDS;
  check(
    Number.isInteger(maxRounds) && maxRounds >= 1 && maxRounds <= 1000,
    'maxRounds',
    'must be an integer in 1..1000',
  );
  const byId = accountOrder(doc.accounts);
  checkAccounts(doc, (a) => doc.markets[a] !== undefined, byId);

  const shocks = new Float64Array(n).fill(1);
  for (const [asset, s] of Object.entries(doc.shocks ?? {})) {
    const i = universe.index.get(asset);
    check(i !== undefined, `shocks.${asset}`, 'not a market or a prices key');
    check(s > 0 && Number.isFinite(s), `shocks.${asset}`, 'must be a finite number > 0');
    shocks[i!] = s;
  }
  const initial = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    check(universe.reference[i]! > 0, `prices.${universe.names[i]}.price`, 'a reference price must be > 0');
    initial[i] = universe.reference[i]! * shocks[i]!;
  }
  const minShock = Math.min(...shocks);
  const depth: (Depth | undefined)[] = new Array(n).fill(undefined);
  for (const [asset, model] of Object.entries(doc.depth ?? {})) {
    const i = universe.index.get(asset);
    const path = `depth.${asset}`;
    check(i !== undefined, path, 'not a market or a prices key');
    if ('floor' in model && model.floor !== undefined) {
      check(model.floor >= 0 && model.floor < 0.98, `${path}.floor`, 'must be in [0, 0.98)');
      check(model.floor < minShock, `${path}.floor`, 'must be below every shock factor');
    }
    depth[i!] = createDepth(asset, model, universe.reference[i!]!, policy.alpha, path);
  }

  const states = new Map<string, PriceState>();
  const setup: StressSetup = {
    universe,
    modes,
    depth,
    policy,
    maxRounds,
    shocks,
    initial,
    stateAt(prices) {
      const key = Array.from(prices).join(',');
      let s = states.get(key);
      if (!s) {
        const market = marketDataAt(doc, universe, prices);
        const ctx = createModelContext({ asOf: doc.asOf, params: doc.params, stable: doc.stable, ...market });
        s = { prices, market, ctx, options: new Map() };
        states.set(key, s);
      }
      return s;
    },
  };

  const result: Partial<Record<StressMode, StressModeResult>> = {};
  const warnings: StressWarning[] = [];
  for (const mode of modes) {
    const units = unitsOf(doc.accounts, mode, byId);
    const r = simulateMode(setup, mode, units, evaluatorFor(mode, units, setup), opts.onRound);
    result[mode] = r;
    if (!r.converged) {
      warnings.push({
        code: 'STRESS_NOT_CONVERGED',
        mode,
        message: `${mode}: no fixed point after maxRounds = ${maxRounds} rounds`,
      });
    }
  }
  const reference: Record<string, number> = {};
  const shocked: Record<string, number> = {};
  universe.names.forEach((a, i) => {
    reference[a] = universe.reference[i]!;
    shocked[a] = initial[i]!;
  });
  return { version: 1, asOf: doc.asOf, reference, shocked, warnings, modes: result };
}
