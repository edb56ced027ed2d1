import { isAppError } from '@xmargin/errors';
import { expect } from 'vitest';

/** Runs `f` and returns the AppError code it threw (or a marker when it threw something else / nothing). */
export function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return isAppError(e) ? e.code : `non-AppError: ${e instanceof Error ? e.message : String(e)}`;
  }
  return 'accepted';
}

export function expectCode(f: () => unknown, code: string): void {
  expect(codeOf(f)).toBe(code);
}

/** Guardian indices 0..n-1. */
export const first = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
