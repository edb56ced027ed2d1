import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stressBook, stressDocument, stressDocumentPmrm2 } from '../testing/stress-arbitraries.js';
import type { Position } from '../types.js';
import { aggregateAlone, aggregateAloneMm, type Requirement } from './aggregate.js';
import { evaluateAccount } from './evaluate-account.js';
import { createModelContext } from './model-context.js';

// `aggregateAloneMm` (the isolated mode's position alone, in one pass) against `aggregateAlone` (the
// kernel on a segment of one leg): the very same bits, for every kind of instrument, both models, at
// the document's prices and at moved ones, and any quantity (signs, zeros, a slice's odd fractions).
const quantity = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 1e-300, -1e-300),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.integer({ min: -100_000, max: 100_000 }).map((x) => x / 100),
);

describe.each([
  { model: 'pmrm-1', pmrm2: false, document: stressDocument },
  { model: 'pmrm-2', pmrm2: true, document: stressDocumentPmrm2 },
] as const)('aggregateAloneMm == aggregateAlone mm, $model', (m) => {
  it('gives the same requirement for every position of random books, at moved prices too', () => {
    fc.assert(
      fc.property(
        stressBook({ pmrm2: m.pmrm2 }),
        fc.double({ min: 0.3, max: 1.7, noNaN: true }),
        fc.array(quantity, { minLength: 1, maxLength: 6 }),
        (accounts, k, quantities) => {
          const doc = m.document(accounts);
          const markets = Object.fromEntries(
            Object.entries(doc.markets).map(([name, mk]) => [name, { ...mk, spot: mk.spot * k }]),
          );
          for (const state of [doc.markets, markets]) {
            const ctx = createModelContext({ ...doc, markets: state });
            for (const a of accounts) {
              const positions = (a.positions ?? []).map(({ chain: _chain, ...p }) => p as Position);
              if (positions.length === 0) continue;
              const ev = evaluateAccount(ctx, { cash: 0, positions }, false);
              const one: Requirement = { im: 0, mm: 0 };
              const fast: Requirement = { im: 0, mm: 0 };
              for (const id of ev.positionInstrument) {
                const u = ev.table.underlying[id]!;
                for (const q of quantities) {
                  aggregateAlone(ev.kernel, ev.table, ev.arrays, u, id, q, 0, one);
                  aggregateAloneMm(ev.kernel, ev.table, ev.arrays, u, id, q, fast);
                  expect(Object.is(fast.mm, one.mm) || [fast.mm, one.mm, id, q]).toBe(true);
                }
              }
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
