import { encodeCollateralMessage, trustStoreToJson } from '@xmargin/attestation';
import {
  buildGuardianSetUpgradeVaa,
  devnetGuardianAddresses,
  devnetTrustStore,
  signVaa,
} from '@xmargin/attestation/testing';
import { universalAddress } from '@xmargin/core';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agrees, fromScratch, marketData, positions, waitForSnapshot } from './test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from './test-support/harness.js';

// The embedded default: the whole flow on PGlite (no DATABASE_URL), API and workers in one process.
let t: TestEngine;
let protocol: string;
let relayer: string;
const trader = privateKeyToAccount(generatePrivateKey());
const VAULT = `0x${'ab'.repeat(20)}`;
const USDC = `0x${'c0'.repeat(20)}`;

beforeAll(async () => {
  t = await startTestEngine('pglite', { role: 'all', db: 'pglite' });
  protocol = await t.key('protocol', 'proto_a');
  relayer = await t.key('relayer');
}, 60_000);
afterAll(() => t.close());

const req = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, key: string, payload?: unknown) =>
  t.engine.app!.inject({
    method,
    url,
    headers: bearer(key),
    ...(payload === undefined ? {} : { payload: payload as object }),
  });

describe('engine on PGlite', () => {
  it('readiness reports the embedded database', async () => {
    const r = await t.engine.app!.inject({ method: 'GET', url: '/readyz' });
    expect(r.json()).toEqual({ status: 'ready', checks: { redis: 'ok', database: 'ok' } });
    expect(t.engine.context.store.driver).toBe('pglite');
  });

  it('accounts, linking, positions, VAA, margin, what-if and explain end to end', async () => {
    expect((await req('PUT', '/v1/market-data', t.adminKey, marketData())).statusCode).toBe(200);
    expect((await req('POST', '/v1/accounts', protocol, { accountId: 'acc_pg' })).statusCode).toBe(201);
    const ch = (
      await req('POST', '/v1/accounts/acc_pg/challenges', protocol, { chain: 'evm', address: trader.address })
    ).json();
    const link = await req('POST', '/v1/accounts/acc_pg/addresses', protocol, {
      challengeId: ch.challengeId,
      chain: 'evm',
      address: trader.address,
      signature: await trader.signMessage({ message: ch.message }),
    });
    expect(link.statusCode).toBe(201);
    expect((await req('GET', '/v1/accounts/acc_pg/addresses', protocol)).json().addresses).toHaveLength(1);

    expect(
      (await req('POST', '/v1/accounts/acc_pg/positions', protocol, { positions: positions(6) })).statusCode,
    ).toBe(200);
    const del = await req('DELETE', '/v1/accounts/acc_pg/positions/p5', protocol);
    expect(del.statusCode).toBe(200);
    expect(del.json().positions).toHaveLength(5);

    await req('PUT', '/v1/admin/guardian-sets', t.adminKey, trustStoreToJson(devnetTrustStore()));
    await req('PUT', '/v1/admin/attestation-registry', t.adminKey, {
      emitters: [{ kind: 'collateral', emitterChain: 2, emitterAddress: VAULT, chain: 'evm-devnet' }],
      tokens: [{ chain: 'evm-devnet', token: USDC, asset: 'USDC', decimals: 6 }],
    });
    const vaa = signVaa({
      timestamp: Math.floor(Date.now() / 1000),
      emitterChain: 2,
      emitterAddress: VAULT,
      sequence: 0n,
      consistencyLevel: 202,
      payload: encodeCollateralMessage({
        kind: 'deposit',
        account: universalAddress(trader.address),
        token: universalAddress(USDC),
        amount: 80_000_000_000n,
        balance: 80_000_000_000n,
        sourceHeight: 7n,
        vaultNonce: 1n,
      }),
    });
    const since = Date.now();
    const posted = await req('POST', '/v1/attestations/vaa', relayer, {
      vaa: Buffer.from(vaa).toString('hex'),
    });
    expect(posted.statusCode).toBe(202);
    expect(
      (await req('POST', '/v1/attestations/vaa', relayer, { vaa: Buffer.from(vaa).toString('hex') })).json()
        .status,
    ).toBe('duplicate');
    const snap = await waitForSnapshot(t.engine, 'acc_pg', since);
    const scratch = await fromScratch(t.engine.context.store, 'acc_pg', snap.asOf);
    expect(agrees(snap.summary, scratch.summary)).toBe(true);
    const margin = (await req('GET', '/v1/accounts/acc_pg/margin', protocol)).json();
    expect(margin.summary.equity).toBeCloseTo(scratch.result.equity, 9);
    const whatIf = await req('POST', '/v1/accounts/acc_pg/margin/what-if', protocol, {
      positions: { upsert: [{ id: 'x', type: 'perp', underlying: 'SOL', quantity: 10, entryPrice: 150 }] },
    });
    expect(whatIf.statusCode).toBe(200);
    expect(whatIf.json().current.equity).toBeCloseTo(scratch.result.equity, 6);
    const explain = (await req('GET', '/v1/accounts/acc_pg/margin/explain', protocol)).json();
    expect(explain.attestations).toHaveLength(1);
    expect(explain.chains[0]).toMatchObject({ chain: 'evm-devnet', collateralValue: 80_000 });
  });

  it('rotates the guardian set with a governance upgrade VAA signed by the current set', async () => {
    const next = devnetGuardianAddresses().slice(0, 5);
    const upgrade = buildGuardianSetUpgradeVaa({
      newIndex: 1,
      newKeys: next,
      timestamp: Math.floor(Date.now() / 1000),
    });
    const r = await req('POST', '/v1/admin/guardian-sets/upgrades', t.adminKey, {
      vaa: Buffer.from(upgrade).toString('base64'),
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().current).toBe(1);
    expect(r.json().sets.map((s: { index: number }) => s.index)).toEqual([0, 1]);
    const replay = await req('POST', '/v1/admin/guardian-sets/upgrades', t.adminKey, {
      vaa: Buffer.from(upgrade).toString('base64'),
    });
    expect(replay.statusCode).toBe(422);
    expect(replay.json().error.code).toBe('ATTESTATION__UPGRADE_INVALID');
  });
});
