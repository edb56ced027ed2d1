import { trustStoreToJson } from '@xmargin/attestation';
import {
  buildEvmBalanceQueryResponse,
  buildPythUpdate,
  devnetTrustStore,
  signQueryResponse,
} from '@xmargin/attestation/testing';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agrees, fromScratch, marketData, waitForSnapshot } from '../../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../../test-support/harness.js';

let t: TestEngine;
let relayer: string;
let protocol: string;
const USDC = `0x${'c0'.repeat(20)}`;
const ETH_FEED = `0x${'ee'.repeat(32)}` as const;
const SOL_FEED = `0x${'50'.repeat(32)}` as const;
const wallet = privateKeyToAccount(generatePrivateKey());
const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString('hex')}`;

beforeAll(async () => {
  t = await startTestEngine('ccq-pyth', { role: 'all' });
  relayer = await t.key('relayer');
  protocol = await t.key('protocol', 'proto_a');
  const app = t.engine.app!;
  const admin = bearer(t.adminKey);
  await app.inject({
    method: 'PUT',
    url: '/v1/admin/guardian-sets',
    headers: admin,
    payload: trustStoreToJson(devnetTrustStore()),
  });
  await app.inject({
    method: 'PUT',
    url: '/v1/admin/attestation-registry',
    headers: admin,
    payload: {
      emitters: [],
      tokens: [{ chain: 'evm-devnet', token: USDC, asset: 'USDC', decimals: 6 }],
      pythFeeds: [
        { feedId: ETH_FEED, symbol: 'ETH' },
        { feedId: SOL_FEED, symbol: 'SOL' },
      ],
    },
  });
  await app.inject({ method: 'PUT', url: '/v1/market-data', headers: admin, payload: marketData() });
  // A query proves a wallet balance: unescrowed, it backs nothing by default. This deployment lets
  // wallet USDC count in full, so the proof shows in the margin.
  const proposed = await app.inject({
    method: 'POST',
    url: '/v1/admin/params',
    headers: admin,
    payload: {
      params: { preset: 'pmrm-v1-mainnet', overrides: { assets: { USDC: { unescrowedHaircut: 0 } } } },
    },
  });
  await app.inject({
    method: 'POST',
    url: `/v1/admin/params/${proposed.json().version}/activate`,
    headers: admin,
  });
  await app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: bearer(protocol),
    payload: { accountId: 'acc_q' },
  });
  await t.engine.context.store.accounts.linkAddress({
    account: 'acc_q' as never,
    chain: 'evm',
    address: wallet.address.toLowerCase(),
  });
  await t.engine.app!.inject({
    method: 'POST',
    url: '/v1/accounts/acc_q/positions',
    headers: bearer(protocol),
    payload: { positions: [{ id: 'perp', type: 'perp', underlying: 'ETH', quantity: 1, entryPrice: 2000 }] },
  });
});
afterAll(() => t.close());

function query(balance: bigint, blockNumber: bigint, opts: { holder?: string; signers?: number[] } = {}) {
  const bytes = buildEvmBalanceQueryResponse({
    chainId: 2,
    token: USDC,
    holder: opts.holder ?? wallet.address,
    balance,
    blockNumber,
    blockTime: Math.floor(Date.now() / 1000) - 2,
  });
  return { bytes: hex(bytes), signatures: signQueryResponse(bytes, undefined, opts.signers) };
}

const postQuery = (body: object, key = relayer) =>
  t.engine.app!.inject({
    method: 'POST',
    url: '/v1/attestations/query',
    headers: bearer(key),
    payload: body,
  });
const postPyth = (update: Uint8Array, key = relayer) =>
  t.engine.app!.inject({
    method: 'POST',
    url: '/v1/attestations/pyth',
    headers: bearer(key),
    payload: { update: Buffer.from(update).toString('base64') },
  });

describe('POST /v1/attestations/query', () => {
  const binding = { accountId: 'acc_q', chain: 'evm-devnet', token: USDC, holder: '' };
  beforeAll(() => {
    binding.holder = wallet.address;
  });

  it('applies a wallet balance proof of a linked address and recomputes (202); a replay is a no-op', async () => {
    const since = Date.now();
    const q = query(7_000_000_000n, 100n);
    const r = await postQuery({ ...q, ...binding });
    expect(r.statusCode).toBe(202);
    expect(r.json()).toMatchObject({ status: 'accepted', kind: 'query', accountIds: ['acc_q'], applied: 1 });
    const snap = await waitForSnapshot(t.engine, 'acc_q', since);
    expect(snap.summary!.equity).toBeGreaterThan(6_000);
    expect(snap.freshness).toEqual([expect.objectContaining({ chain: 'evm-devnet', trust: ['unescrowed'] })]);
    const again = await postQuery({ ...q, ...binding });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: 'duplicate', replayKey: r.json().replayKey });
    // Another quorum subset over the same response bytes is the same attestation.
    const bytes = Buffer.from(q.bytes.slice(2), 'hex');
    const subset = await postQuery({
      bytes: q.bytes,
      signatures: signQueryResponse(bytes, undefined, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]),
      ...binding,
    });
    expect(subset.json().status).toBe('duplicate');
  });

  it('rejects an older block, a response for another holder, an unlinked holder and short quorums', async () => {
    const older = await postQuery({ ...query(1n, 50n), ...binding });
    expect(older.json().error.code).toBe('ATTESTATION__NON_MONOTONIC_HEIGHT');
    expect(older.statusCode).toBe(409);
    const other = privateKeyToAccount(generatePrivateKey());
    const mismatch = await postQuery({ ...query(1n, 200n, { holder: other.address }), ...binding });
    expect(mismatch.statusCode).toBe(422);
    expect(mismatch.json().error.code).toBe('ATTESTATION__QUERY_MISMATCH');
    const unlinked = await postQuery({
      ...query(1n, 200n, { holder: other.address }),
      ...binding,
      holder: other.address,
    });
    expect(unlinked.statusCode).toBe(422);
    expect(unlinked.json().error.code).toBe('API__UNSUPPORTED_ATTESTATION');
    const short = await postQuery({ ...query(1n, 300n, { signers: [0, 1, 2] }), ...binding });
    expect(short.statusCode).toBe(422);
    expect(short.json().error.code).toBe('ATTESTATION__QUORUM_NOT_MET');
    const unknownChain = await postQuery({ ...query(1n, 300n), ...binding, chain: 'nowhere' });
    expect(unknownChain.statusCode).toBe(400);
    expect(unknownChain.json().error.code).toBe('CORE__UNKNOWN_CHAIN');
    const bad = await postQuery({ ...binding, bytes: '0x00', signatures: ['zz'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('API__INVALID_REQUEST');
    const forbidden = await postQuery({ ...query(1n, 400n), ...binding }, protocol);
    expect(forbidden.statusCode).toBe(403);
  });
});

describe('POST /v1/attestations/pyth', () => {
  const price = (feedId: `0x${string}`, value: bigint, conf: bigint) => {
    const now = BigInt(Math.floor(Date.now() / 1000));
    return {
      feedId,
      price: value,
      conf,
      expo: -8,
      publishTime: now,
      prevPublishTime: now - 1n,
      emaPrice: value,
      emaConf: conf,
    };
  };

  it('moves registered markets with verified prices and fans out (202); a replay is a no-op', async () => {
    const update = buildPythUpdate({
      timestamp: Math.floor(Date.now() / 1000),
      prices: [price(ETH_FEED, 2_100n * 10n ** 8n, 2n * 10n ** 8n), price(`0x${'99'.repeat(32)}`, 1n, 1n)],
    });
    const since = Date.now();
    const r = await postPyth(update);
    expect(r.statusCode).toBe(202);
    expect(r.json()).toMatchObject({ status: 'accepted', kind: 'pyth', applied: 1 });
    const md = (
      await t.engine.app!.inject({ method: 'GET', url: '/v1/market-data', headers: bearer(protocol) })
    ).json();
    expect(md.markets.ETH.spot).toBeCloseTo(2_100, 9);
    expect(md.markets.ETH.spotConfidence).toBeCloseTo(1 - 2 / 2_100, 12);
    expect(md.markets.ETH.expiries).toHaveLength(2);
    // The market move reached the exposed account.
    const snap = await waitForSnapshot(t.engine, 'acc_q', since);
    const scratch = await fromScratch(t.engine.context.store, 'acc_q', snap.asOf);
    expect(snap.inputHash).toBe(scratch.inputHash);
    expect(agrees(snap.summary, scratch.summary)).toBe(true);
    const again = await postPyth(update);
    expect(again.statusCode).toBe(200);
    expect(again.json().status).toBe('duplicate');
  });

  it('rejects unknown feeds only, forged emitters and malformed updates', async () => {
    const unknown = await postPyth(
      buildPythUpdate({
        timestamp: Math.floor(Date.now() / 1000),
        sequence: 5n,
        prices: [price(`0x${'77'.repeat(32)}`, 1n, 1n)],
      }),
    );
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error.code).toBe('API__UNSUPPORTED_ATTESTATION');
    const forged = await postPyth(
      buildPythUpdate({
        timestamp: Math.floor(Date.now() / 1000),
        emitterAddress: `0x${'12'.repeat(32)}`,
        prices: [price(SOL_FEED, 1n, 1n)],
      }),
    );
    expect(forged.statusCode).toBe(422);
    expect(forged.json().error.code).toBe('ATTESTATION__EMITTER_NOT_ALLOWED');
    const truncated = await postPyth(new Uint8Array([0x50, 0x4e, 0x41, 0x55, 1, 0]));
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json().error.code).toMatch(/^ATTESTATION__/);
    expect((await postPyth(new Uint8Array(8), protocol)).statusCode).toBe(403);
  });
});
