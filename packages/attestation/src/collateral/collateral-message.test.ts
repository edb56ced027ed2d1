import { isAppError } from '@xmargin/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signVaa } from '../testing/index.js';
import {
  COLLATERAL_MESSAGE_SIZE,
  type CollateralMessage,
  decodeCollateralMessage,
  encodeCollateralMessage,
} from './collateral-message.js';
import { COLLATERAL_PAYLOAD_LITERAL, deserializeCollateralVaa } from './register-payload.js';

const msg: CollateralMessage = {
  kind: 'withdraw',
  account: `0x${'00'.repeat(12)}${'ab'.repeat(20)}`,
  token: `0x${'00'.repeat(12)}${'cd'.repeat(20)}`,
  amount: 2n ** 255n + 1n,
  balance: 123n,
  sourceHeight: 2n ** 64n - 1n,
  vaultNonce: 9n,
};

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isAppError(e) ? e.code : `non-AppError: ${String(e)}`;
  }
  return undefined;
}

describe('collateral message', () => {
  it('encodes to the 150-byte abi.encodePacked layout of contracts.md', () => {
    const bytes = encodeCollateralMessage(msg);
    expect(bytes.length).toBe(COLLATERAL_MESSAGE_SIZE);
    const hex = Buffer.from(bytes).toString('hex');
    // "XMCL", version 1, kind 2 (withdraw), then account and token words.
    expect(hex.slice(0, 12)).toBe('584d434c0102');
    expect(hex.slice(12, 76)).toBe(`${'00'.repeat(12)}${'ab'.repeat(20)}`);
    expect(hex.slice(76, 140)).toBe(`${'00'.repeat(12)}${'cd'.repeat(20)}`);
    expect(hex.slice(-32)).toBe('ffffffffffffffff0000000000000009');
  });

  it('round-trips any message', () => {
    const word = fc.bigInt({ min: 0n, max: 2n ** 256n - 1n });
    const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    const b32 = fc
      .uint8Array({ minLength: 32, maxLength: 32 })
      .map((b) => `0x${Buffer.from(b).toString('hex')}` as const);
    fc.assert(
      fc.property(
        fc.record({
          kind: fc.constantFrom('deposit', 'withdraw', 'snapshot'),
          account: b32,
          token: b32,
          amount: word,
          balance: word,
          sourceHeight: u64,
          vaultNonce: u64,
        }),
        (m) => {
          expect(decodeCollateralMessage(encodeCollateralMessage(m as CollateralMessage))).toEqual(m);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rejects each malformation with its own code', () => {
    const bytes = encodeCollateralMessage(msg);
    expect(codeOf(() => decodeCollateralMessage(bytes.subarray(0, 149)))).toBe('ATTESTATION__TRUNCATED');
    expect(codeOf(() => decodeCollateralMessage(new Uint8Array([...bytes, 0])))).toBe(
      'ATTESTATION__TRAILING_BYTES',
    );
    const v2 = bytes.slice();
    v2[4] = 2;
    expect(codeOf(() => decodeCollateralMessage(v2))).toBe('ATTESTATION__UNSUPPORTED_SCHEMA_VERSION');
    const badMagic = bytes.slice();
    badMagic[0] = 0x59;
    expect(codeOf(() => decodeCollateralMessage(badMagic))).toBe('ATTESTATION__PAYLOAD_INVALID');
    const badKind = bytes.slice();
    badKind[5] = 4;
    expect(codeOf(() => decodeCollateralMessage(badKind))).toBe('ATTESTATION__PAYLOAD_INVALID');
    expect(codeOf(() => encodeCollateralMessage({ ...msg, amount: -1n }))).toBe(
      'ATTESTATION__PAYLOAD_INVALID',
    );
  });

  it('is registered with the SDK so its deserialize names it', () => {
    const vaa = signVaa({
      timestamp: 1,
      emitterChain: 2,
      emitterAddress: `0x${'11'.repeat(20)}`,
      sequence: 3n,
      consistencyLevel: 202,
      payload: encodeCollateralMessage(msg),
    });
    const parsed = deserializeCollateralVaa(vaa);
    expect(parsed.payloadLiteral).toBe(COLLATERAL_PAYLOAD_LITERAL);
    expect(parsed.payload).toEqual({ ...msg, schemaVersion: 1 });
  });
});
