import { isAppError } from '@xmargin/errors';
import { describe, expect, it } from 'vitest';
import { computeMargin, computeMarginSummary } from './compute-margin.js';
import { perp, pmrmDocument } from './testing/pmrm-fixture.js';

describe('computeMargin at the edge of the double range', () => {
  it('refuses inputs whose margin figures overflow to Infinity with RISK__INVALID_INPUT', () => {
    const doc = pmrmDocument([perp(1e308, 1)]);
    for (const compute of [computeMargin, computeMarginSummary]) {
      let err: unknown;
      try {
        compute(doc);
      } catch (e) {
        err = e;
      }
      expect(isAppError(err, 'RISK__INVALID_INPUT') && err.context.path).toMatch(/^\$\.account\./);
    }
  });

  it('still computes large finite books', () => {
    const r = computeMargin(pmrmDocument([perp(1e12, 2000)]));
    expect(Number.isFinite(r.equity) && Number.isFinite(r.initialRequirement)).toBe(true);
  });
});
