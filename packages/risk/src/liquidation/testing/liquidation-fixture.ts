// Test-only: shared/fixtures/liquidation-examples.json (the repo's sibling shared/, as CI lays it out)
// and the comparison rule of its `about`: 1e-9 relative with a 1e-9 absolute floor.
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { AuctionParamsSpec, LiquidationDocument } from '../types.js';

export interface SimulationCase {
  name: string;
  input: LiquidationDocument;
  expected: Record<string, unknown>;
  exampleOutput?: Record<string, unknown>;
}

export interface FunctionCase {
  name: string;
  function: string;
  params: AuctionParamsSpec;
  input: Record<string, number>;
  output: number | { error: string };
  kind: string;
}

export const liquidationExamples = JSON.parse(
  readFileSync(
    new URL('../../../../../../shared/fixtures/liquidation-examples.json', import.meta.url),
    'utf8',
  ),
) as { simulations: SimulationCase[]; functions: FunctionCase[] };

export function closeTo(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= Math.max(1e-9 * Math.abs(expected), 1e-9);
}

/** Asserts that `actual` holds every field of `expected` (numbers at 1e-9), naming the first mismatch. */
export function expectSubset(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    expect(closeTo(actual as number, expected), `${path}: ${String(actual)} vs ${expected}`).toBe(true);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path} length`).toBe(expected.length);
    expected.forEach((e, i) => {
      expectSubset((actual as unknown[])[i], e, `${path}[${i}]`);
    });
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(actual !== null && typeof actual === 'object', path).toBe(true);
    for (const [k, v] of Object.entries(expected)) {
      expect(Object.hasOwn(actual as object, k), `${path}.${k} missing`).toBe(true);
      expectSubset((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    }
    return;
  }
  expect(actual, path).toEqual(expected);
}
