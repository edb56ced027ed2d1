import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compareFigures } from '../testing/compare-figures.js';
import { runStress } from './run-stress.js';
import type { StressDocument } from './types.js';

interface FixtureCase {
  name: string;
  input: StressDocument;
  expected: unknown;
}

const fixture = JSON.parse(
  readFileSync(new URL('../../../../../shared/fixtures/contagion-examples.json', import.meta.url), 'utf8'),
) as { cases: FixtureCase[] };

describe('contagion fixture (shared/fixtures/contagion-examples.json)', () => {
  it('has cases', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(2);
  });
  for (const c of fixture.cases) {
    it(`${c.name}: every output figure`, () => {
      const problems: string[] = [];
      compareFigures(JSON.parse(JSON.stringify(runStress(c.input))), c.expected, '$', problems);
      expect(problems).toEqual([]);
    });
  }
});
