import { encodeCollateralMessage, trustStoreToJson } from '@xmargin/attestation';
import { devnetTrustStore, signVaa } from '@xmargin/attestation/testing';
import { accountId, universalAddress } from '@xmargin/core';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketData, waitForSnapshot } from '../../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../../test-support/harness.js';

let t: TestEngine;
let relayer: string;
let protocol: string;
const VAULT = `0x${'ab'.repeat(20)}`;
const USDC = `0x${'c0'.repeat(20)}`;
const trader = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());
// One timestamp for the file: the same message signed twice must be the same body (same replay key).
const TIMESTAMP = Math.floor(Date.now() / 1000) - 5;

const toB64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const toHex = (b: Uint8Array) => `0x${Buffer.from(b).toString('hex')}`;

function collateralVaa(o: {
  balance: bigint;
  height: bigint;
  nonce: bigint;
  sequence: bigint;
  account?: string;
  token?: string;
  emitter?: string;
  signerIndices?: number[];
  highS?: boolean;
  timestamp?: number;
  kind?: 'deposit' | 'withdraw';
  amount?: bigint;
}) {
  const payload = encodeCollateralMessage({
    kind: o.kind ?? 'deposit',
    account: universalAddress(o.account ?? trader.address),
    token: universalAddress(o.token ?? USDC),
    amount: o.amount ?? o.balance,
    balance: o.balance,
    sourceHeight: o.height,
    vaultNonce: o.nonce,
  });
  return signVaa({
    timestamp: o.timestamp ?? TIMESTAMP,
    emitterChain: 2,
    emitterAddress: o.emitter ?? VAULT,
    sequence: o.sequence,
    consistencyLevel: 202,
    payload,
    ...(o.signerIndices ? { signerIndices: o.signerIndices } : {}),
    ...(o.highS ? { highS: true } : {}),
  });
}

beforeAll(async () => {
  t = await startTestEngine('attestations', { role: 'all' });
  relayer = await t.key('relayer');
  protocol = await t.key('protocol', 'proto_a');
  const app = t.engine.app!;
  const admin = bearer(t.adminKey);
  expect(
    (
      await app.inject({
        method: 'PUT',
        url: '/v1/admin/guardian-sets',
        headers: admin,
        payload: trustStoreToJson(devnetTrustStore()),
      })
    ).statusCode,
  ).toBe(200);
  const reg = await app.inject({
    method: 'PUT',
    url: '/v1/admin/attestation-registry',
    headers: admin,
    payload: {
      emitters: [{ kind: 'collateral', emitterChain: 2, emitterAddress: VAULT, chain: 'evm-devnet' }],
      tokens: [{ chain: 'evm-devnet', token: USDC, asset: 'USDC', decimals: 6 }],
    },
  });
  expect(reg.statusCode).toBe(200);
  await app.inject({ method: 'PUT', url: '/v1/market-data', headers: admin, payload: marketData() });
  await app.inject({
    method: 'POST',
    url: '/v1/accounts',
    headers: bearer(protocol),
    payload: { accountId: 'acc_v' },
  });
  const ch = (
    await app.inject({
      method: 'POST',
      url: '/v1/accounts/acc_v/challenges',
      headers: bearer(protocol),
      payload: { chain: 'evm', address: trader.address },
    })
  ).json();
  const link = await app.inject({
    method: 'POST',
    url: '/v1/accounts/acc_v/addresses',
    headers: bearer(protocol),
    payload: {
      challengeId: ch.challengeId,
      chain: 'evm',
      address: trader.address,
      signature: await trader.signMessage({ message: ch.message }),
    },
  });
  expect(link.statusCode).toBe(201);
});
afterAll(() => t.close());

const post = (vaa: string, key = relayer) =>
  t.engine.app!.inject({
    method: 'POST',
    url: '/v1/attestations/vaa',
    headers: bearer(key),
    payload: { vaa },
  });

describe('POST /v1/attestations/vaa', () => {
  it('verifies, applies and enqueues a recompute (202); the margin reflects the attested balance', async () => {
    const since = Date.now();
    const r = await post(
      toB64(collateralVaa({ balance: 1_000_000_000n, height: 10n, nonce: 1n, sequence: 0n })),
    );
    expect(r.statusCode).toBe(202);
    const body = r.json();
    expect(body).toMatchObject({ status: 'accepted', kind: 'vaa', accountIds: ['acc_v'], applied: 1 });
    expect(body.jobIds).toHaveLength(1);
    expect(body.replayKey).toMatch(/^0x[0-9a-f]{64}$/);
    const snap = await waitForSnapshot(t.engine, 'acc_v', since);
    expect(snap.summary!.equity).toBeCloseTo(1_000, 6);
    const m = (
      await t.engine.app!.inject({
        method: 'GET',
        url: '/v1/accounts/acc_v/margin',
        headers: bearer(protocol),
      })
    ).json();
    expect(m.freshness).toEqual([expect.objectContaining({ chain: 'evm-devnet' })]);
    const explain = (
      await t.engine.app!.inject({
        method: 'GET',
        url: '/v1/accounts/acc_v/margin/explain',
        headers: bearer(protocol),
      })
    ).json();
    expect(explain.attestations).toEqual([
      expect.objectContaining({ replayKey: body.replayKey, kind: 'vaa' }),
    ]);
  });

  it('posting the same attestation again is a no-op that says so, whatever the signature bytes', async () => {
    const o = { balance: 2_000_000_000n, height: 20n, nonce: 2n, sequence: 1n };
    const first = await post(toHex(collateralVaa(o)));
    expect(first.statusCode).toBe(202);
    const again = await post(toHex(collateralVaa(o)));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({
      status: 'duplicate',
      replayKey: first.json().replayKey,
      jobIds: [],
      applied: 0,
    });
    const malleated = await post(toB64(collateralVaa({ ...o, highS: true })));
    expect(malleated.json()).toMatchObject({ status: 'duplicate', replayKey: first.json().replayKey });
    const subset = await post(
      toB64(collateralVaa({ ...o, signerIndices: [0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 18] })),
    );
    expect(subset.json()).toMatchObject({ status: 'duplicate', replayKey: first.json().replayKey });
    const listed = await t.engine.context.store.attestations.list({ kind: 'vaa' });
    expect(listed.filter((a) => a.replayKey === first.json().replayKey)).toHaveLength(1);
  });

  it('rejects verification failures with their attestation codes and counts them', async () => {
    const short = await post(
      toB64(
        collateralVaa({
          balance: 1n,
          height: 30n,
          nonce: 3n,
          sequence: 2n,
          signerIndices: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
        }),
      ),
    );
    expect(short.statusCode).toBe(422);
    expect(short.json().error.code).toBe('ATTESTATION__QUORUM_NOT_MET');
    const foreign = await post(
      toB64(
        collateralVaa({ balance: 1n, height: 30n, nonce: 3n, sequence: 2n, emitter: `0x${'ee'.repeat(20)}` }),
      ),
    );
    expect(foreign.statusCode).toBe(422);
    expect(foreign.json().error.code).toBe('ATTESTATION__EMITTER_NOT_ALLOWED');
    const bytes = collateralVaa({ balance: 1n, height: 30n, nonce: 3n, sequence: 2n });
    const truncated = await post(toHex(bytes.slice(0, 40)));
    expect(truncated.statusCode).toBe(400);
    expect(truncated.json().error.code).toMatch(/^ATTESTATION__/);
    const metrics = await t.engine.app!.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain(
      'xmargin_verification_failures_total{code="ATTESTATION__QUORUM_NOT_MET"} 1',
    );
    expect(metrics.body).toContain(
      'xmargin_verification_failures_total{code="ATTESTATION__EMITTER_NOT_ALLOWED"} 1',
    );
  });

  it('rejects an older observation than the applied one, unknown tokens and unlinked holders', async () => {
    const stale = await post(toB64(collateralVaa({ balance: 5n, height: 5n, nonce: 9n, sequence: 9n })));
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('LEDGER__STALE_OBSERVATION');
    const token = await post(
      toB64(
        collateralVaa({ balance: 5n, height: 50n, nonce: 10n, sequence: 10n, token: `0x${'dd'.repeat(20)}` }),
      ),
    );
    expect(token.statusCode).toBe(422);
    expect(token.json().error.code).toBe('API__UNSUPPORTED_ATTESTATION');
    const unlinked = await post(
      toB64(
        collateralVaa({ balance: 5n, height: 50n, nonce: 11n, sequence: 11n, account: stranger.address }),
      ),
    );
    expect(unlinked.statusCode).toBe(422);
    expect(unlinked.json().error.code).toBe('API__UNSUPPORTED_ATTESTATION');
  });

  it('an attested withdrawal closes the reservation it executes: the debit counts once, not twice', async () => {
    const { store } = t.engine.context;
    const acc = accountId('acc_v');
    const holder = universalAddress(trader.address);
    const balanceBefore = (await store.balances.listByAccount(acc)).find((b) => b.source === 'vaa')!;
    await store.withdrawalReservations.create({
      account: acc,
      kind: 'authorised',
      chain: 'evm-devnet',
      asset: 'USDC',
      holder,
      token: universalAddress(USDC),
      amount: 25_000_000n,
      recipient: holder,
      deadline: BigInt(TIMESTAMP + 3_600),
      expiresAt: new Date(Date.now() + 3_600_000),
      requestKey: 'attested-withdrawal-test',
    });
    // The vault's message for that withdrawal lands before the indexer has read the vault's event.
    const gross = balanceBefore.amount + balanceBefore.reserved;
    const r = await post(
      toB64(
        collateralVaa({
          kind: 'withdraw',
          amount: 25_000_000n,
          balance: gross - 25_000_000n,
          height: 900n,
          nonce: 900n,
          sequence: 900n,
        }),
      ),
    );
    expect(r.statusCode, r.body).toBe(202);
    expect(await store.withdrawalReservations.listOpen(acc)).toEqual([]);
    const after = (await store.balances.listByAccount(acc)).find((b) => b.source === 'vaa')!;
    expect([after.amount, after.reserved]).toEqual([gross - 25_000_000n, 0n]);
  });

  it('validates the body and the role', async () => {
    const bad = await post('not base64 !!');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('API__INVALID_REQUEST');
    const forbidden = await post(
      toB64(collateralVaa({ balance: 1n, height: 60n, nonce: 12n, sequence: 12n })),
      protocol,
    );
    expect(forbidden.statusCode).toBe(403);
    const none = await t.engine.app!.inject({
      method: 'POST',
      url: '/v1/attestations/vaa',
      payload: { vaa: '00' },
    });
    expect(none.statusCode).toBe(401);
  });
});
