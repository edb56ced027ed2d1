import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { computeMargin } from '../compute-margin.js';
import type { MarginDocument } from '../types.js';
import { referenceMarginSummaryPmrm2 } from './pmrm2-reference.js';

interface PublishedCase {
  name: string;
  feature: string;
  document: MarginDocument;
  expected: {
    initialExcess: number;
    maintenanceExcess: number;
    equity: number;
    underlyings: Record<string, { basisContingency: number; scenarioPnl: number[] }>;
  };
}

// The 8 published Derive PMRM_2 cases of spec section 9.5 (shared/fixtures, beside the repository).
const fixture = JSON.parse(
  readFileSync(new URL('../../../../../shared/fixtures/pmrm2-examples.json', import.meta.url), 'utf8'),
) as { tolerance: { relative: number; absolute: number }; cases: PublishedCase[] };
const { relative, absolute } = fixture.tolerance;

function close(actual: number, expected: number, what: string): void {
  const bound = Math.max(absolute, relative * Math.abs(expected));
  if (!(Math.abs(actual - expected) <= bound)) {
    expect.fail(
      `${what}: got ${actual}, published ${expected} (|diff| ${Math.abs(actual - expected)} > ${bound})`,
    );
  }
}

describe('published PMRM_2 cases (spec section 9.5)', () => {
  it('covers the 8 published features', () => {
    expect(fixture.cases.map((c) => c.feature).sort()).toEqual([
      'basis',
      'collateral',
      'discounting',
      'perp',
      'risk-cancelling',
      'skew',
      'structure',
      'tail',
    ]);
  });

  it.each(fixture.cases)('$feature: $name', ({ document, expected }) => {
    const r = computeMargin(document);
    close(r.initialExcess, expected.initialExcess, 'initialExcess (IM)');
    close(r.maintenanceExcess, expected.maintenanceExcess, 'maintenanceExcess (MM)');
    close(r.equity, expected.equity, 'equity');
    // The independent per-holding revaluation agrees with the kernel and with Derive.
    const reference = referenceMarginSummaryPmrm2(document);
    close(reference.initialExcess, expected.initialExcess, 'reference initialExcess');
    close(reference.maintenanceExcess, expected.maintenanceExcess, 'reference maintenanceExcess');
    expect(Object.keys(r.underlyings).sort()).toEqual(Object.keys(expected.underlyings).sort());
    for (const [u, e] of Object.entries(expected.underlyings)) {
      const got = r.underlyings[u]!;
      close(got.basisContingency, e.basisContingency, `${u} basisContingency`);
      expect(got.scenarios).toHaveLength(e.scenarioPnl.length);
      e.scenarioPnl.forEach((pnl, i) => {
        close(got.scenarios[i]!.pnl, pnl, `${u} scenario ${i}`);
      });
    }
  });
});
