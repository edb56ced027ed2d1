import { readFileSync } from 'node:fs';
import { encodeCollateralMessage } from '@xmargin/attestation';
import { signVaa } from '@xmargin/attestation/testing';
import { universalAddress } from '@xmargin/core';
import { deleteKeysWithPrefix } from '@xmargin/jobs';
import { Redis } from 'ioredis';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureAttestations } from '../test-support/attestation-setup.js';
import { bearer, REDIS_URL_TEST, startTestEngine, type TestEngine } from '../test-support/harness.js';

let t: TestEngine;
let relayer: string;
const redis = new Redis(REDIS_URL_TEST, { maxRetriesPerRequest: null });
const VAULT = `0x${'ab'.repeat(20)}`;
const USDC = `0x${'c0'.repeat(20)}`;
const trader = privateKeyToAccount(generatePrivateKey());

beforeAll(async () => {
  t = await startTestEngine('trust-root');
  relayer = await t.key('relayer');
  await configureAttestations(t, {
    emitters: [{ kind: 'collateral', emitterChain: 2, emitterAddress: VAULT, chain: 'evm-devnet' }],
    tokens: [{ chain: 'evm-devnet', token: USDC, asset: 'USDC', decimals: 6 }],
  });
  await t.engine.context.store.accounts.create({ id: 'acc_tr' as never });
  await t.engine.context.store.accounts.linkAddress({
    account: 'acc_tr' as never,
    chain: 'evm',
    address: trader.address.toLowerCase(),
  });
});
afterAll(async () => {
  await t.close();
  redis.disconnect();
});

let sequence = 0n;
function vaa(height: bigint) {
  const payload = encodeCollateralMessage({
    kind: 'deposit',
    account: universalAddress(trader.address),
    token: universalAddress(USDC),
    amount: height,
    balance: height,
    sourceHeight: height,
    vaultNonce: height,
  });
  const bytes = signVaa({
    timestamp: Math.floor(Date.now() / 1000) - 5,
    emitterChain: 2,
    emitterAddress: VAULT,
    sequence: sequence++,
    consistencyLevel: 202,
    payload,
  });
  return { vaa: Buffer.from(bytes).toString('base64') };
}
const postVaa = (engine: TestEngine, height: bigint) =>
  engine.engine.app!.inject({
    method: 'POST',
    url: '/v1/attestations/vaa',
    headers: bearer(relayer),
    payload: vaa(height),
  });

describe('trust root in Postgres, Redis only a cache', () => {
  it('valid VAAs still verify after the trust keys are wiped from Redis', async () => {
    expect((await postVaa(t, 1n)).statusCode).toBe(202);
    await deleteKeysWithPrefix(redis, `${t.prefix}:attestation-config`);
    expect(await redis.exists(`${t.prefix}:attestation-config:trust-store`)).toBe(0);
    const after = await postVaa(t, 2n);
    expect(after.json()).toMatchObject({ status: 'accepted' });
    // ...and Redis holds the copy again.
    expect(await redis.exists(`${t.prefix}:attestation-config:trust-store`)).toBe(1);
  });

  it('an engine started on an empty Redis (fresh prefix, same Postgres) rebuilds it on start', async () => {
    const fresh = await startTestEngine('trust-root-2', {
      share: { prefix: `${t.prefix}-fresh`, schema: t.schema },
    });
    try {
      expect(await redis.exists(`${t.prefix}-fresh:attestation-config:registry`)).toBe(1);
      const r = await postVaa(fresh, 3n);
      expect(r.json()).toMatchObject({ status: 'accepted' });
    } finally {
      await fresh.close();
      await deleteKeysWithPrefix(redis, `${t.prefix}-fresh`);
    }
  });

  it('audits every change of the trust root with its actor', async () => {
    const r = await t.engine.app!.inject({
      method: 'GET',
      url: '/v1/admin/trust-audit',
      headers: bearer(t.adminKey),
    });
    expect(r.statusCode).toBe(200);
    const entries = r.json().entries as { name: string; version: number; action: string; actor: string }[];
    expect(entries.map((e) => [e.name, e.version, e.action, e.actor])).toEqual([
      ['registry', 1, 'replace', 'bootstrap admin'],
      ['trust-store', 1, 'replace', 'bootstrap admin'],
    ]);
  });

  it('the rotation route applies the real mainnet upgrade 0 -> 1 (no finality rule for governance)', async () => {
    const admin = bearer(t.adminKey);
    const app = t.engine.app!;
    const set0 = await app.inject({
      method: 'PUT',
      url: '/v1/admin/guardian-sets',
      headers: admin,
      payload: {
        network: 'mainnet',
        current: 0,
        sets: [{ index: 0, keys: ['0x58cc3ae5c097b213ce3c81979e1b9f9570746aa5'], expiresAt: null }],
      },
    });
    expect(set0.statusCode).toBe(200);
    const hex = readFileSync(
      new URL('../../../../../shared/fixtures/mainnet-vaa-guardian-set-upgrade-0-to-1.hex', import.meta.url),
      'utf8',
    ).trim();
    const up = await app.inject({
      method: 'POST',
      url: '/v1/admin/guardian-sets/upgrades',
      headers: admin,
      payload: { vaa: hex },
    });
    expect(up.json()).toMatchObject({ current: 1 });
    const audit = (await app.inject({ method: 'GET', url: '/v1/admin/trust-audit', headers: admin })).json();
    expect(audit.entries[0]).toMatchObject({ name: 'trust-store', version: 3, action: 'upgrade to set 1' });
  });
});
