// Every threat of shared/spec/attestation.md section 5, each with the error code it must produce.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { codeOf, expectCode, first } from '../test/helpers.js';
import { verifyQueryResponse } from './ccq/verify-query-response.js';
import { encodeCollateralMessage } from './collateral/collateral-message.js';
import { verifyCollateralVaa } from './collateral/verify-collateral-vaa.js';
import { toHex } from './internal/bytes.js';
import { verifyPythUpdate } from './pyth/verify-pyth-update.js';
import {
  addressOfPrivateKey,
  buildEvmBalanceQueryResponse,
  buildPythUpdate,
  buildSplBalanceQueryResponse,
  devnetGuardianAddresses,
  devnetGuardianKeys,
  devnetTrustStore,
  signQueryResponse,
  signVaa,
} from './testing/index.js';
import { createTrustStore } from './trust-store/trust-store.js';
import { deserializeVaa } from './vaa/deserialize-vaa.js';
import { verifyVaa } from './vaa/verify-vaa.js';

const NOW = 1_750_000_000;
const vault = `0x${'00'.repeat(12)}${'5a'.repeat(20)}`;
const account = `0x${'00'.repeat(12)}${'11'.repeat(20)}` as const;
const token = `0x${'00'.repeat(12)}${'22'.repeat(20)}` as const;
const emitters = { collateral: [{ chain: 2, address: vault }] };
const message = {
  kind: 'deposit' as const,
  account,
  token,
  amount: 10n ** 6n,
  balance: 3n * 10n ** 6n,
  sourceHeight: 1_000n,
  vaultNonce: 4n,
};
const body = {
  timestamp: NOW - 30,
  nonce: 7,
  emitterChain: 2,
  emitterAddress: vault,
  sequence: 12n,
  consistencyLevel: 202,
  payload: encodeCollateralMessage(message),
};
const store = devnetTrustStore();
const opts = { trustStore: store, now: NOW, emitters, kind: 'collateral', maxAgeSeconds: 600 };
const good = signVaa({ ...body, signerIndices: first(13) });

// A stranger's key, and the devnet keys with it appended as a 20th "guardian".
const strangerKey = toHex(secp256k1.utils.randomSecretKey());
const keysPlusStranger = [...devnetGuardianKeys(), strangerKey];

describe('VAA threats', () => {
  it('accepts the well-formed baseline', () => {
    expect(codeOf(() => verifyVaa(good, opts))).toBe('accepted');
  });

  it('forged signature: a stranger signs in a guardian slot -> SIGNER_MISMATCH', () => {
    const keys = [...devnetGuardianKeys()];
    keys[4] = strangerKey;
    expectCode(
      () => verifyVaa(signVaa({ ...body, keys, signerIndices: first(13) }), opts),
      'ATTESTATION__SIGNER_MISMATCH',
    );
  });

  it('forged signature: body altered after signing -> SIGNER_MISMATCH', () => {
    const tampered = good.slice();
    tampered[tampered.length - 1]! ^= 1;
    expectCode(() => verifyVaa(tampered, opts), 'ATTESTATION__SIGNER_MISMATCH');
  });

  it('forged signature: r = 0 recovers nothing -> SIGNATURE_INVALID', () => {
    const forged = good.slice();
    forged.fill(0, 6 + 1, 6 + 33); // signature 0: r
    expectCode(() => verifyVaa(forged, opts), 'ATTESTATION__SIGNATURE_INVALID');
  });

  it('recovery id outside {0, 1} -> INVALID_RECOVERY_ID', () => {
    const bad = good.slice();
    bad[6 + 65] = 27; // signature 0: v in Ethereum's 27/28 convention is not the wire format
    expectCode(() => verifyVaa(bad, opts), 'ATTESTATION__INVALID_RECOVERY_ID');
  });

  it('signer of another set: set 1 claimed, set 0 keys signed -> SIGNER_MISMATCH', () => {
    const otherKeys = Array.from({ length: 19 }, () => toHex(secp256k1.utils.randomSecretKey()));
    const twoSets = createTrustStore({
      network: 'devnet',
      current: 1,
      sets: [
        { index: 0, keys: devnetGuardianAddresses(), expiresAt: NOW + 3600 },
        { index: 1, keys: otherKeys.map(addressOfPrivateKey), expiresAt: null },
      ],
    });
    const vaa = signVaa({ ...body, guardianSetIndex: 1, signerIndices: first(13) });
    expectCode(() => verifyVaa(vaa, { ...opts, trustStore: twoSets }), 'ATTESTATION__SIGNER_MISMATCH');
    // The same body signed by set 1 and labelled set 1 passes.
    const real = signVaa({ ...body, guardianSetIndex: 1, keys: otherKeys, signerIndices: first(13) });
    expect(codeOf(() => verifyVaa(real, { ...opts, trustStore: twoSets }))).toBe('accepted');
  });

  it('duplicated guardian index -> GUARDIAN_INDEX_NOT_ASCENDING', () => {
    const vaa = signVaa({ ...body, signerIndices: [0, 1, 2, 3, 4, 5, 5, 6, 7, 8, 9, 10, 11] });
    expectCode(() => verifyVaa(vaa, opts), 'ATTESTATION__GUARDIAN_INDEX_NOT_ASCENDING');
  });

  it('descending indices -> GUARDIAN_INDEX_NOT_ASCENDING', () => {
    const vaa = signVaa({ ...body, signerIndices: first(13).reverse() });
    expectCode(() => verifyVaa(vaa, opts), 'ATTESTATION__GUARDIAN_INDEX_NOT_ASCENDING');
  });

  it('index out of range (19 in a set of 19) -> GUARDIAN_INDEX_OUT_OF_RANGE', () => {
    const vaa = signVaa({ ...body, keys: keysPlusStranger, signerIndices: [...first(12), 19] });
    expectCode(() => verifyVaa(vaa, opts), 'ATTESTATION__GUARDIAN_INDEX_OUT_OF_RANGE');
  });

  it('quorum short by one (12 of 19) -> QUORUM_NOT_MET', () => {
    expectCode(
      () => verifyVaa(signVaa({ ...body, signerIndices: first(12) }), opts),
      'ATTESTATION__QUORUM_NOT_MET',
    );
  });

  it('expired set: a previous set is accepted until its expiresAt, then -> GUARDIAN_SET_EXPIRED', () => {
    const rotated = createTrustStore({
      network: 'devnet',
      current: 1,
      sets: [
        { index: 0, keys: devnetGuardianAddresses(), expiresAt: NOW + 10 },
        { index: 1, keys: [addressOfPrivateKey(strangerKey)], expiresAt: null },
      ],
    });
    expect(codeOf(() => verifyVaa(good, { ...opts, trustStore: rotated, now: NOW + 9 }))).toBe('accepted');
    expectCode(
      () => verifyVaa(good, { ...opts, trustStore: rotated, now: NOW + 10 }),
      'ATTESTATION__GUARDIAN_SET_EXPIRED',
    );
  });

  it('unknown set -> UNKNOWN_GUARDIAN_SET; empty set -> EMPTY_GUARDIAN_SET', () => {
    expectCode(
      () => verifyVaa(signVaa({ ...body, guardianSetIndex: 5 }), opts),
      'ATTESTATION__UNKNOWN_GUARDIAN_SET',
    );
    const empty = createTrustStore({
      network: 'devnet',
      current: 0,
      sets: [{ index: 0, keys: [], expiresAt: null }],
    });
    expectCode(() => verifyVaa(good, { ...opts, trustStore: empty }), 'ATTESTATION__EMPTY_GUARDIAN_SET');
  });

  it('version 2 -> UNSUPPORTED_VERSION', () => {
    expectCode(() => verifyVaa(signVaa({ ...body, version: 2 }), opts), 'ATTESTATION__UNSUPPORTED_VERSION');
  });

  it('truncated input -> TRUNCATED (empty, inside the signatures, inside the envelope)', () => {
    expectCode(() => verifyVaa(new Uint8Array(0), opts), 'ATTESTATION__TRUNCATED');
    expectCode(() => verifyVaa(good.subarray(0, 6 + 66 * 5 + 10), opts), 'ATTESTATION__TRUNCATED');
    expectCode(() => verifyVaa(good.subarray(0, 6 + 66 * 13 + 40), opts), 'ATTESTATION__TRUNCATED');
  });

  it('over-long input: an extra byte is not signed -> SIGNER_MISMATCH; signed but over-long payload -> TRAILING_BYTES', () => {
    expectCode(() => verifyVaa(new Uint8Array([...good, 0]), opts), 'ATTESTATION__SIGNER_MISMATCH');
    const longPayload = signVaa({ ...body, payload: new Uint8Array([...body.payload, 0]) });
    expectCode(() => verifyVaa(longPayload, opts), 'ATTESTATION__TRAILING_BYTES');
    const shortPayload = signVaa({ ...body, payload: body.payload.subarray(0, 149) });
    expectCode(() => verifyVaa(shortPayload, opts), 'ATTESTATION__TRUNCATED');
  });

  it('emitter not allowed -> EMITTER_NOT_ALLOWED (other address, other chain, other kind)', () => {
    const other = signVaa({ ...body, emitterAddress: `0x${'77'.repeat(20)}` });
    expectCode(() => verifyVaa(other, opts), 'ATTESTATION__EMITTER_NOT_ALLOWED');
    const otherChain = signVaa({ ...body, emitterChain: 23 });
    expectCode(() => verifyVaa(otherChain, opts), 'ATTESTATION__EMITTER_NOT_ALLOWED');
    expectCode(() => verifyVaa(good, { ...opts, kind: 'pyth' }), 'ATTESTATION__EMITTER_NOT_ALLOWED');
  });

  it('non-final consistency level -> NOT_FINAL (EVM 200/201/203, Solana anything but 32)', () => {
    for (const level of [200, 201, 203]) {
      expectCode(
        () => verifyVaa(signVaa({ ...body, consistencyLevel: level }), opts),
        'ATTESTATION__NOT_FINAL',
      );
    }
    const solanaVault = { collateral: [{ chain: 1, address: vault }] };
    const sol = (consistencyLevel: number) =>
      verifyVaa(signVaa({ ...body, emitterChain: 1, consistencyLevel }), { ...opts, emitters: solanaVault });
    expectCode(() => sol(1), 'ATTESTATION__NOT_FINAL');
    expect(codeOf(() => sol(32))).toBe('accepted');
  });

  it('replay: re-ordered, high-s and different-subset signatures of one body share the replay key', () => {
    const base = verifyVaa(good, opts);
    const highS = signVaa({ ...body, signerIndices: first(13), highS: true });
    const subset = signVaa({ ...body, signerIndices: [1, 3, 5, 6, 7, 8, 9, 10, 12, 14, 16, 17, 18] });
    const reordered = signVaa({ ...body, signerIndices: [1, 0, ...first(13).slice(2)] });
    // Different bytes on the wire...
    expect(new Set([good, highS, subset, reordered].map((b) => toHex(b))).size).toBe(4);
    // ...the same replay key. High-s and other subsets verify (as Wormhole's ecrecover accepts them), so
    // only the body-keyed replay check stops them; a re-ordered header is rejected outright.
    expect(verifyVaa(highS, opts).replayKey).toBe(base.replayKey);
    expect(verifyVaa(subset, opts).replayKey).toBe(base.replayKey);
    expect(deserializeVaa(reordered).replayKey).toBe(base.replayKey);
    expectCode(() => verifyVaa(reordered, opts), 'ATTESTATION__GUARDIAN_INDEX_NOT_ASCENDING');
    expect(base.replayKey).not.toBe(toHex(good)); // never the hash of the full bytes
  });

  it('stale timestamp -> STALE; from the future -> TIMESTAMP_IN_FUTURE', () => {
    expectCode(() => verifyVaa(good, { ...opts, now: body.timestamp + 601 }), 'ATTESTATION__STALE');
    expect(codeOf(() => verifyVaa(good, { ...opts, now: body.timestamp + 600 }))).toBe('accepted');
    expectCode(
      () => verifyVaa(good, { ...opts, now: body.timestamp - 61 }),
      'ATTESTATION__TIMESTAMP_IN_FUTURE',
    );
  });

  it('older block than the last applied -> NON_MONOTONIC_HEIGHT', () => {
    expectCode(
      () => verifyCollateralVaa(good, { ...opts, lastAppliedHeight: 1_001n }),
      'ATTESTATION__NON_MONOTONIC_HEIGHT',
    );
    const ok = verifyCollateralVaa(good, { ...opts, lastAppliedHeight: 1_000n });
    expect(ok.message).toEqual(message);
    expect(ok.heightKey).toBe(`2:${account}:${token}`);
  });
});

describe('Queries (CCQ) threats', () => {
  const usdc = `0x${'c0'.repeat(20)}`;
  const holder = `0x${'aa'.repeat(20)}`;
  const expected = { kind: 'evm-balance' as const, chainId: 2, token: usdc, holder };
  const response = buildEvmBalanceQueryResponse({
    chainId: 2,
    token: usdc,
    holder,
    balance: 5_000_000n,
    blockNumber: 100n,
    blockTime: NOW - 5,
  });
  const signatures = signQueryResponse(response, devnetGuardianKeys(), first(13));
  const params = { response, signatures, trustStore: store, now: NOW, expected, maxAgeSeconds: 60 };

  it('accepts the baseline and proves the balance', () => {
    const v = verifyQueryResponse(params);
    expect(v.result).toMatchObject({
      kind: 'evm-balance',
      balance: 5_000_000n,
      blockNumber: 100n,
      blockTime: NOW - 5,
    });
  });

  it('trailing bytes -> TRAILING_BYTES', () => {
    const long = new Uint8Array([...response, 0]);
    expectCode(
      () => verifyQueryResponse({ ...params, response: long, signatures: signQueryResponse(long) }),
      'ATTESTATION__TRAILING_BYTES',
    );
  });

  it('truncated -> TRUNCATED', () => {
    expectCode(
      () => verifyQueryResponse({ ...params, response: response.subarray(0, 90) }),
      'ATTESTATION__TRUNCATED',
    );
  });

  it('same rules as VAAs: quorum, index order, range, signer', () => {
    expectCode(
      () => verifyQueryResponse({ ...params, signatures: signatures.slice(1) }),
      'ATTESTATION__QUORUM_NOT_MET',
    );
    expectCode(
      () => verifyQueryResponse({ ...params, signatures: [...signatures].reverse() }),
      'ATTESTATION__GUARDIAN_INDEX_NOT_ASCENDING',
    );
    expectCode(
      () =>
        verifyQueryResponse({
          ...params,
          signatures: signQueryResponse(response, keysPlusStranger, [...first(12), 19]),
        }),
      'ATTESTATION__GUARDIAN_INDEX_OUT_OF_RANGE',
    );
    const other = buildEvmBalanceQueryResponse({
      chainId: 2,
      token: usdc,
      holder,
      balance: 1n,
      blockNumber: 100n,
      blockTime: NOW,
    });
    expectCode(
      () => verifyQueryResponse({ ...params, signatures: signQueryResponse(other) }),
      'ATTESTATION__SIGNER_MISMATCH',
    );
  });

  it('response for another holder or another token -> QUERY_MISMATCH', () => {
    expectCode(
      () => verifyQueryResponse({ ...params, expected: { ...expected, holder: `0x${'bb'.repeat(20)}` } }),
      'ATTESTATION__QUERY_MISMATCH',
    );
    expectCode(
      () => verifyQueryResponse({ ...params, expected: { ...expected, token: `0x${'c1'.repeat(20)}` } }),
      'ATTESTATION__QUERY_MISMATCH',
    );
    expectCode(
      () => verifyQueryResponse({ ...params, expected: { ...expected, chainId: 23 } }),
      'ATTESTATION__QUERY_MISMATCH',
    );
  });

  it('safe instead of finalized -> QUERY_MISMATCH', () => {
    const safe = buildEvmBalanceQueryResponse({
      chainId: 2,
      token: usdc,
      holder,
      balance: 1n,
      blockNumber: 100n,
      blockTime: NOW,
      finality: 'safe',
    });
    expectCode(
      () => verifyQueryResponse({ ...params, response: safe, signatures: signQueryResponse(safe) }),
      'ATTESTATION__QUERY_MISMATCH',
    );
  });

  it('stale block -> STALE; older block than the last applied -> NON_MONOTONIC_HEIGHT', () => {
    expectCode(() => verifyQueryResponse({ ...params, now: NOW + 100 }), 'ATTESTATION__STALE');
    expectCode(
      () => verifyQueryResponse({ ...params, lastAppliedHeight: 101n }),
      'ATTESTATION__NON_MONOTONIC_HEIGHT',
    );
    expect(codeOf(() => verifyQueryResponse({ ...params, lastAppliedHeight: 100n }))).toBe('accepted');
  });

  describe('Solana token accounts', () => {
    const mint = 'EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v';
    const owner = '9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM';
    const tokenAccount = '7UX2i7SucgLMQcfZ75s3VXmZZY4YRUyJN9X1RgfMoDUi';
    const sol = (overrides: Partial<Parameters<typeof buildSplBalanceQueryResponse>[0]> = {}) => {
      const r = buildSplBalanceQueryResponse({
        account: tokenAccount,
        mint,
        owner,
        amount: 42_000_000n,
        slot: 300_000_000n,
        blockTime: NOW - 2,
        ...overrides,
      });
      return { ...params, response: r, signatures: signQueryResponse(r) };
    };
    const splExpected = { kind: 'spl-balance' as const, chainId: 1, account: tokenAccount, mint, owner };

    it('proves the SPL amount (u64 little-endian at 64..72)', () => {
      const v = verifyQueryResponse({ ...sol(), expected: splExpected });
      expect(v.result).toMatchObject({
        kind: 'spl-balance',
        amount: 42_000_000n,
        slot: 300_000_000n,
        tokenProgram: 'spl-token',
      });
    });

    it('wrong owner program -> QUERY_RESULT_INVALID', () => {
      expectCode(
        () =>
          verifyQueryResponse({
            ...sol({ tokenProgram: '11111111111111111111111111111111' }),
            expected: splExpected,
          }),
        'ATTESTATION__QUERY_RESULT_INVALID',
      );
      expectCode(
        () =>
          verifyQueryResponse({
            ...sol({ tokenProgram: 'token-2022' }),
            expected: { ...splExpected, tokenProgram: 'spl-token' },
          }),
        'ATTESTATION__QUERY_RESULT_INVALID',
      );
    });

    it('wrong mint or token owner -> QUERY_RESULT_INVALID', () => {
      const otherKey = 'So11111111111111111111111111111111111111112';
      expectCode(
        () => verifyQueryResponse({ ...sol({ mint: otherKey }), expected: splExpected }),
        'ATTESTATION__QUERY_RESULT_INVALID',
      );
      expectCode(
        () => verifyQueryResponse({ ...sol({ owner: otherKey }), expected: splExpected }),
        'ATTESTATION__QUERY_RESULT_INVALID',
      );
      expectCode(
        () => verifyQueryResponse({ ...sol({ state: 0 }), expected: splExpected }),
        'ATTESTATION__QUERY_RESULT_INVALID',
      );
    });

    it('another token account -> QUERY_MISMATCH; older slot -> NON_MONOTONIC_HEIGHT', () => {
      expectCode(
        () => verifyQueryResponse({ ...sol(), expected: { ...splExpected, account: owner } }),
        'ATTESTATION__QUERY_MISMATCH',
      );
      expectCode(
        () => verifyQueryResponse({ ...sol(), expected: splExpected, lastAppliedHeight: 300_000_001n }),
        'ATTESTATION__NON_MONOTONIC_HEIGHT',
      );
    });
  });
});

describe('Pyth threats', () => {
  const price = (feed: number, p: bigint) => ({
    feedId: `0x${feed.toString(16).padStart(64, '0')}` as const,
    price: p,
    conf: 1_000n,
    expo: -8,
    publishTime: BigInt(NOW - 1),
    prevPublishTime: BigInt(NOW - 2),
    emaPrice: p,
    emaConf: 900n,
  });
  const prices = [price(1, 6_000_000_000_000n), price(2, -5n), price(3, 100_000_000n)];
  const update = buildPythUpdate({ prices, timestamp: NOW - 1 });

  it('accepts a devnet-signed update and returns every price', () => {
    const v = verifyPythUpdate({ update, trustStore: store, now: NOW, maxAgeSeconds: 60 });
    expect(v.prices).toEqual(prices);
  });

  it('a message altered under its proof -> PYTH_PROOF_INVALID', () => {
    const bytes = update.slice();
    const wire = Buffer.from(6_000_000_000_000n.toString(16).padStart(16, '0'), 'hex'); // price 1, i64 BE
    const at = Buffer.from(bytes).indexOf(wire);
    expect(at).toBeGreaterThan(0);
    bytes[at + 7]! ^= 1;
    expectCode(
      () => verifyPythUpdate({ update: bytes, trustStore: store, now: NOW }),
      'ATTESTATION__PYTH_PROOF_INVALID',
    );
  });

  it('an update from another emitter -> EMITTER_NOT_ALLOWED', () => {
    const other = buildPythUpdate({ prices, timestamp: NOW, emitterAddress: `0x${'99'.repeat(32)}` });
    expectCode(
      () => verifyPythUpdate({ update: other, trustStore: store, now: NOW }),
      'ATTESTATION__EMITTER_NOT_ALLOWED',
    );
  });

  it('stale prices -> STALE; trailing bytes -> TRAILING_BYTES', () => {
    expectCode(
      () => verifyPythUpdate({ update, trustStore: store, now: NOW + 120, maxAgeSeconds: 60 }),
      'ATTESTATION__STALE',
    );
    expectCode(
      () => verifyPythUpdate({ update: new Uint8Array([...update, 1]), trustStore: store, now: NOW }),
      'ATTESTATION__TRAILING_BYTES',
    );
  });

  it('a non-empty trailing header (unsigned bytes in the envelope) -> MALFORMED', () => {
    // The fuzz test's counterexample: 32 bytes of 0x20 inserted after the version bytes make a 32-byte
    // trailing header that the VAA does not sign; the rest of the update is unchanged.
    const padded = new Uint8Array([
      ...update.subarray(0, 6),
      ...new Uint8Array(32).fill(0x20),
      ...update.subarray(6),
    ]);
    expectCode(
      () => verifyPythUpdate({ update: padded, trustStore: store, now: NOW }),
      'ATTESTATION__MALFORMED',
    );
    expect(verifyPythUpdate({ update, trustStore: store, now: NOW }).prices.length).toBeGreaterThan(0);
  });
});
