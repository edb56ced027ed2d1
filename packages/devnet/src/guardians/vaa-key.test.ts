import { isAppError } from '@xmargin/errors';
import { describe, expect, it } from 'vitest';
import { normalizeEmitter, vaaKey } from './vaa-key.js';

const addr = '0xAbCdEf0123456789abcdef0123456789ABCDEF01';
const padded = `000000000000000000000000${addr.slice(2).toLowerCase()}`;

describe('normalizeEmitter', () => {
  it('maps an EVM address and every 32-byte spelling to the public API form', () => {
    expect(normalizeEmitter(addr)).toBe(padded);
    expect(normalizeEmitter(addr.slice(2))).toBe(padded);
    expect(normalizeEmitter(`0x${padded.toUpperCase()}`)).toBe(padded);
    expect(normalizeEmitter(padded)).toBe(padded);
  });

  it('rejects other lengths and non-hex input with CORE__INVALID_ID', () => {
    for (const bad of ['', '0x', '0x1234', `${padded}00`, `zz${padded.slice(2)}`]) {
      let caught: unknown;
      try {
        normalizeEmitter(bad);
      } catch (err) {
        caught = err;
      }
      expect(isAppError(caught, 'CORE__INVALID_ID')).toBe(true);
    }
  });
});

describe('vaaKey', () => {
  it('names a message by chain, normalized emitter and decimal sequence', () => {
    expect(vaaKey(2, addr, 10)).toBe(`2/${padded}/10`);
    expect(vaaKey(2, padded, 2n ** 64n - 1n)).toBe(`2/${padded}/18446744073709551615`);
  });
});
