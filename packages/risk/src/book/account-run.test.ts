import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { unitsOf } from '../contagion/units.js';
import { stressBook, stressDocument, stressDocumentPmrm2 } from '../testing/stress-arbitraries.js';
import type { Account } from '../types.js';
import { buildAccountRun, collateralTerms, markConstant, positionLegs, rewriteRun } from './account-run.js';
import { createInstrumentTable } from './instrument-table.js';
import { createModelContext } from './model-context.js';
import { createRunStore, type RunStore } from './run-store.js';

/** Legs and segments of a store's first run, as plain lists (doubles compared bit for bit by toEqual). */
function runOf(s: RunStore, legLo: number, legHi: number, segLo: number, segHi: number) {
  const seg = (j: number) => [
    s.segU[j],
    s.segLo[j]! - legLo,
    s.segHi[j]! - legLo,
    s.segBase[j],
    s.segKonst[j],
  ];
  return {
    legs: Array.from({ length: legHi - legLo }, (_, i) => [s.inst[legLo + i], s.qty[legLo + i]]),
    segments: Array.from({ length: segHi - segLo }, (_, j) => seg(segLo + j)),
  };
}

const models = [
  { model: 'pmrm-1', pmrm2: false, document: stressDocument },
  { model: 'pmrm-2', pmrm2: true, document: stressDocumentPmrm2 },
] as const;

describe.each(models)('a run rewritten in place after a slice, $model', (m) => {
  it('is the run a fresh build of the scaled holdings gives, to the last bit', () => {
    fc.assert(
      fc.property(
        stressBook({ pmrm2: m.pmrm2 }),
        fc.array(fc.double({ min: 0.01, max: 0.99, noNaN: true }), { minLength: 1, maxLength: 3 }),
        (accounts, keeps) => {
          const ctx = createModelContext(m.document(accounts));
          for (const unit of unitsOf(accounts, 'cross')) {
            const table = createInstrumentTable();
            const store = createRunStore(4, 2);
            const account = (): Account => ({
              cash: unit.cash,
              collateral: unit.collateral,
              positions: unit.positions,
            });
            const run = buildAccountRun(ctx, table, store, account());
            const instruments = unit.positions.map((p) => table.find(p));
            for (const keep of keeps) {
              // As a settlement leaves the unit: every quantity, amount and funding times keep.
              unit.scaleHoldings(keep);
              const legs = positionLegs(unit.positions.length);
              unit.positions.forEach((p, i) => {
                legs.inst[i] = instruments[i]!;
                legs.qty[i] = p.quantity;
                legs.konst[i] = markConstant(p);
              });
              const { base } = collateralTerms(ctx, account(), undefined);
              const { legLo, legHi, segLo, segHi } = run;
              expect(
                rewriteRun(table, store, legLo, legHi, segLo, segHi, legs, unit.positions.length, base),
              ).toBe(true);
              const fresh = createRunStore(4, 2);
              const again = buildAccountRun(ctx, table, fresh, account());
              expect(runOf(store, legLo, legHi, segLo, segHi)).toEqual(
                runOf(fresh, again.legLo, again.legHi, again.segLo, again.segHi),
              );
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
