import { isAppError } from '@xmargin/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareFigures } from '../testing/compare-figures.js';
import {
  stressBook,
  stressDepth,
  stressDocument,
  stressPolicy,
  stressShocks,
} from '../testing/stress-arbitraries.js';
import { runStress, runStressReference } from './run-stress.js';
import type { StressDocument, StressResult } from './types.js';

function outcome(run: (d: StressDocument) => StressResult, doc: StressDocument): StressResult | string {
  try {
    return run(doc);
  } catch (err) {
    if (isAppError(err)) return err.code;
    throw err;
  }
}

/** Same decisions and structure; figures within 1e-9 (sums may associate differently). */
function same(fast: StressResult | string, reference: StressResult | string): void {
  const problems: string[] = [];
  compareFigures(JSON.parse(JSON.stringify(fast)), JSON.parse(JSON.stringify(reference)), '$', problems);
  expect(problems).toEqual([]);
}

describe('fast path (shared risk arrays) == computeMargin path', () => {
  it('gives the very same result on random books, every mode, depth model and policy', () => {
    fc.assert(
      fc.property(
        stressBook(),
        stressShocks,
        stressDepth,
        stressPolicy,
        (accounts, shocks, depth, policy) => {
          const doc = stressDocument(accounts, { shocks, depth, policy, maxRounds: 40 });
          same(outcome(runStress, doc), outcome(runStressReference, doc));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('agrees on sell-only cascades with long rounds and partial liquidations', () => {
    fc.assert(
      fc.property(
        stressBook({ sellOnly: true, cash: [-300_000, 0] }),
        stressShocks,
        stressDepth,
        (accounts, shocks, depth) => {
          const doc = stressDocument(accounts, {
            shocks,
            depth,
            policy: { kind: 'toTarget', buffer: 0.2, penalty: 0.02, closeFactor: 0.5, oracleLag: 1 },
            maxRounds: 60,
          });
          same(runStress(doc), runStressReference(doc));
        },
      ),
      { numRuns: 30 },
    );
  });
});
