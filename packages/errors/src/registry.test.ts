import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodes, httpStatusByCode, isErrorCode } from './index.js';

// registry.lock lists every released code with its status. Codes are append-only: a released code may
// never be renamed, removed or change status; a new code must be appended to the lock in the same change.
const lock = readFileSync(new URL('../registry.lock', import.meta.url), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'))
  .map((l) => {
    const [code, status] = l.split(/\s+/);
    return { code: code as string, status: Number(status) };
  });

describe('error code registry', () => {
  it('keeps every released code with its status', () => {
    for (const { code, status } of lock) {
      expect(isErrorCode(code), `${code} was removed or renamed`).toBe(true);
      expect(httpStatusByCode[code as keyof typeof httpStatusByCode], `${code} changed status`).toBe(status);
    }
  });

  it('has every code in registry.lock (append new codes there)', () => {
    const locked = new Set(lock.map((l) => l.code));
    const missing = Object.keys(errorCodes).filter((c) => !locked.has(c));
    expect(missing, 'append these lines to packages/errors/registry.lock').toEqual([]);
  });

  it('names codes DOMAIN__WHAT in upper snake case', () => {
    for (const c of Object.keys(errorCodes)) expect(c).toMatch(/^[A-Z]+__[A-Z0-9_]+$/);
  });

  it('maps every code to an HTTP status', () => {
    expect(Object.keys(httpStatusByCode).sort()).toEqual(Object.keys(errorCodes).sort());
    for (const s of Object.values(httpStatusByCode)) expect(s).toBeGreaterThanOrEqual(400);
  });

  it('rejects unknown codes', () => {
    expect(isErrorCode('NOPE__NOPE')).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});
