// Fuzz: random and mutated VAAs, Queries responses and Pyth updates never crash the verifiers (every
// failure is an AppError with a registered code) and are never accepted. 100,000+ cases in total.
import { isAppError, isErrorCode } from '@xmargin/errors';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { first } from '../test/helpers.js';
import { verifyQueryResponse } from './ccq/verify-query-response.js';
import { decodeCollateralMessage, encodeCollateralMessage } from './collateral/collateral-message.js';
import { bytesEqual } from './internal/bytes.js';
import { verifyPythUpdate } from './pyth/verify-pyth-update.js';
import {
  buildEvmBalanceQueryResponse,
  buildPythUpdate,
  devnetTrustStore,
  signQueryResponse,
  signVaa,
} from './testing/index.js';
import { verifyVaa } from './vaa/verify-vaa.js';

const NOW = 1_750_000_000;
const trustStore = devnetTrustStore();
const vault = `0x${'00'.repeat(12)}${'5a'.repeat(20)}`;
const vaaOpts = {
  trustStore,
  now: NOW,
  emitters: { collateral: [{ chain: 2, address: vault }] },
  kind: 'collateral',
};
const validVaa = signVaa({
  timestamp: NOW - 5,
  emitterChain: 2,
  emitterAddress: vault,
  sequence: 1n,
  consistencyLevel: 202,
  payload: encodeCollateralMessage({
    kind: 'deposit',
    account: `0x${'00'.repeat(12)}${'11'.repeat(20)}`,
    token: `0x${'00'.repeat(12)}${'22'.repeat(20)}`,
    amount: 10n,
    balance: 10n,
    sourceHeight: 1n,
    vaultNonce: 0n,
  }),
  signerIndices: first(13),
});
const token = `0x${'c0'.repeat(20)}`;
const holder = `0x${'aa'.repeat(20)}`;
const validResponse = buildEvmBalanceQueryResponse({
  chainId: 2,
  token,
  holder,
  balance: 1n,
  blockNumber: 5n,
  blockTime: NOW,
});
const validSignatures = signQueryResponse(validResponse);
const ccqOpts = {
  signatures: validSignatures,
  trustStore,
  now: NOW,
  expected: { kind: 'evm-balance' as const, chainId: 2, token, holder },
};
const validPyth = buildPythUpdate({
  timestamp: NOW,
  prices: [1, 2, 3].map((i) => ({
    feedId: `0x${i.toString(16).padStart(64, '0')}` as const,
    price: BigInt(i * 1000),
    conf: 1n,
    expo: -2,
    publishTime: BigInt(NOW),
    prevPublishTime: BigInt(NOW - 1),
    emaPrice: 1n,
    emaConf: 1n,
  })),
});

/** A byte-level mutation: flip a bit, overwrite, insert, delete, truncate, append or duplicate a run. */
const mutation = fc.record({
  op: fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate', 'append', 'duplicate'),
  at: fc.nat(),
  value: fc.integer({ min: 0, max: 255 }),
  len: fc.integer({ min: 1, max: 70 }),
});
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function join(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function mutate(bytes: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let out = bytes;
  for (const m of ms) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    const head = out.subarray(0, at);
    const tail = out.subarray(at);
    const run = new Uint8Array(m.len).fill(m.value);
    switch (m.op) {
      case 'flip':
        out = out.slice();
        if (out.length > 0) out[at]! ^= 1 << (m.value % 8);
        break;
      case 'set':
        out = out.slice();
        if (out.length > 0) out[at] = m.value;
        break;
      case 'insert':
        out = join(head, run, tail);
        break;
      case 'delete':
        out = join(head, tail.subarray(m.len));
        break;
      case 'truncate':
        out = head;
        break;
      case 'append':
        out = join(out, run);
        break;
      case 'duplicate':
        out = join(out.subarray(0, at + m.len), tail.subarray(0, m.len), tail.subarray(m.len));
        break;
    }
  }
  return out;
}

/** Rejected with a registered AppError code, never accepted, never a raw crash. */
function assertRejected(f: () => unknown): void {
  let thrown: unknown;
  try {
    f();
  } catch (e) {
    thrown = e;
  }
  if (!isAppError(thrown) || !isErrorCode(thrown.code)) {
    throw new Error(
      `expected an AppError rejection, got ${thrown === undefined ? 'acceptance' : String(thrown)}`,
    );
  }
}

const bytes = (max: number) => fc.uint8Array({ minLength: 0, maxLength: max });

// Generous per-test timeouts: the CPU cost is a few seconds, but CI machines are shared.
describe('fuzz', { timeout: 120_000 }, () => {
  it('sanity: the unmutated inputs are accepted', () => {
    expect(verifyVaa(validVaa, vaaOpts).sequence).toBe(1n);
    expect(verifyQueryResponse({ ...ccqOpts, response: validResponse }).result).toBeDefined();
    expect(verifyPythUpdate({ update: validPyth, trustStore, now: NOW }).prices).toHaveLength(3);
  });

  it('random VAA bytes (with and without a valid version byte): 40,000 cases', () => {
    fc.assert(
      fc.property(fc.boolean(), bytes(1200), (v1, tail) => {
        assertRejected(() => verifyVaa(v1 ? join(new Uint8Array([1]), tail) : tail, vaaOpts));
      }),
      { numRuns: 40_000 },
    );
  });

  it('mutated VAAs: 20,000 cases', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        const mutated = mutate(validVaa, ms);
        if (bytesEqual(mutated, validVaa)) return;
        assertRejected(() => verifyVaa(mutated, vaaOpts));
      }),
      { numRuns: 20_000 },
    );
  });

  it('random and mutated Queries responses: 25,000 cases', () => {
    fc.assert(
      fc.property(bytes(600), (random) => {
        assertRejected(() => verifyQueryResponse({ ...ccqOpts, response: random }));
      }),
      { numRuns: 10_000 },
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        const mutated = mutate(validResponse, ms);
        if (bytesEqual(mutated, validResponse)) return;
        assertRejected(() => verifyQueryResponse({ ...ccqOpts, response: mutated }));
      }),
      { numRuns: 15_000 },
    );
  });

  it('mutated Queries signatures: 5,000 cases', () => {
    const sigBytes = Buffer.from(validSignatures.join(''), 'hex');
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 2 }), (ms) => {
        const mutated = mutate(sigBytes, ms);
        if (bytesEqual(mutated, sigBytes)) return;
        const hex = Buffer.from(mutated).toString('hex');
        const sigs = hex.match(/.{1,132}/g) ?? [];
        assertRejected(() => verifyQueryResponse({ ...ccqOpts, response: validResponse, signatures: sigs }));
      }),
      { numRuns: 5_000 },
    );
  });

  it('mutated Pyth updates: 10,000 cases', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        const mutated = mutate(validPyth, ms);
        if (bytesEqual(mutated, validPyth)) return;
        assertRejected(() => verifyPythUpdate({ update: mutated, trustStore, now: NOW }));
      }),
      { numRuns: 10_000 },
    );
  });

  it('random collateral payloads: 10,000 cases (only exact 150-byte XMCL v1 layouts decode)', () => {
    fc.assert(
      fc.property(bytes(200), (random) => {
        assertRejected(() => decodeCollateralMessage(random));
      }),
      { numRuns: 10_000 },
    );
  });
});
