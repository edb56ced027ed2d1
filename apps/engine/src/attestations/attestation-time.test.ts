import { encodeCollateralMessage } from '@xmargin/attestation';
import {
  buildEvmBalanceQueryResponse,
  buildPythUpdate,
  signQueryResponse,
  signVaa,
} from '@xmargin/attestation/testing';
import { universalAddress } from '@xmargin/core';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureAttestations } from '../test-support/attestation-setup.js';
import { marketData } from '../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../test-support/harness.js';

let t: TestEngine;
let relayer: string;
let oracle: string;
const VAULT = `0x${'ab'.repeat(20)}`;
const USDC = `0x${'c0'.repeat(20)}`;
const ETH_FEED = `0x${'ee'.repeat(32)}` as const;
const trader = privateKeyToAccount(generatePrivateKey());
const nowSeconds = () => Math.floor(Date.now() / 1000);
const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString('hex')}`;

beforeAll(async () => {
  // The limits come from the environment (the running engine checks them, not only code defaults).
  t = await startTestEngine('att-time', {
    env: { ATTESTATION_MAX_AGE_SECONDS: '3600', ATTESTATION_MAX_AGE_SECONDS_QUERY: '7200' },
  });
  relayer = await t.key('relayer');
  oracle = await t.key('oracle');
  await configureAttestations(t, {
    emitters: [{ kind: 'collateral', emitterChain: 2, emitterAddress: VAULT, chain: 'evm-devnet' }],
    tokens: [{ chain: 'evm-devnet', token: USDC, asset: 'USDC', decimals: 6 }],
    pythFeeds: [{ feedId: ETH_FEED, symbol: 'ETH' }],
  });
  const store = t.engine.context.store;
  await store.accounts.create({ id: 'acc_time' as never });
  await store.accounts.linkAddress({
    account: 'acc_time' as never,
    chain: 'evm',
    address: trader.address.toLowerCase(),
  });
  const md = await put({ ...marketData() });
  expect(md.statusCode).toBe(200);
});
afterAll(() => t.close());

const post = (path: string, payload: object) =>
  t.engine.app!.inject({
    method: 'POST',
    url: `/v1/attestations/${path}`,
    headers: bearer(relayer),
    payload,
  });
const put = (payload: object) =>
  t.engine.app!.inject({ method: 'PUT', url: '/v1/market-data', headers: bearer(oracle), payload });

let sequence = 0n;
function vaa(timestamp: number, height: bigint) {
  const payload = encodeCollateralMessage({
    kind: 'deposit',
    account: universalAddress(trader.address),
    token: universalAddress(USDC),
    amount: 1n,
    balance: 1n,
    sourceHeight: height,
    vaultNonce: height,
  });
  const bytes = signVaa({
    timestamp,
    emitterChain: 2,
    emitterAddress: VAULT,
    sequence: sequence++,
    consistencyLevel: 202,
    payload,
  });
  return { vaa: Buffer.from(bytes).toString('base64') };
}

function pyth(publishTime: number, price: bigint) {
  const pt = BigInt(publishTime);
  return {
    update: Buffer.from(
      buildPythUpdate({
        timestamp: publishTime,
        sequence: sequence++,
        prices: [
          {
            feedId: ETH_FEED,
            price,
            conf: 10n ** 8n,
            expo: -8,
            publishTime: pt,
            prevPublishTime: pt - 1n,
            emaPrice: price,
            emaConf: 10n ** 8n,
          },
        ],
      }),
    ).toString('base64'),
  };
}

function query(blockTime: number, blockNumber: bigint) {
  const bytes = buildEvmBalanceQueryResponse({
    chainId: 2,
    token: USDC,
    holder: trader.address,
    balance: 5n,
    blockNumber,
    blockTime,
  });
  return {
    bytes: hex(bytes),
    signatures: signQueryResponse(bytes),
    accountId: 'acc_time',
    chain: 'evm-devnet',
    token: USDC,
    holder: trader.address,
  };
}

describe('attestation age limits (ATTESTATION_MAX_AGE_SECONDS and per kind)', () => {
  it('VAAs: older than the limit -> STALE, more than 60 s ahead -> TIMESTAMP_IN_FUTURE, fresh -> applied', async () => {
    const stale = await post('vaa', vaa(nowSeconds() - 2 * 3600, 10n));
    expect(stale.statusCode).toBe(422);
    expect(stale.json().error.code).toBe('ATTESTATION__STALE');
    const future = await post('vaa', vaa(nowSeconds() + 3600, 11n));
    expect(future.json().error.code).toBe('ATTESTATION__TIMESTAMP_IN_FUTURE');
    const fresh = await post('vaa', vaa(nowSeconds() - 5, 12n));
    expect(fresh.statusCode).toBe(202);
  });

  it('Pyth: a 2-hour-old price is refused (own short limit), as is one dated ahead', async () => {
    const old = await post('pyth', pyth(nowSeconds() - 2 * 3600, 12n * 10n ** 8n));
    expect(old.json().error.code).toBe('ATTESTATION__STALE');
    const twoMinutes = await post('pyth', pyth(nowSeconds() - 120, 12n * 10n ** 8n));
    expect(twoMinutes.json().error.code).toBe('ATTESTATION__STALE');
    const ahead = await post('pyth', pyth(nowSeconds() + 600, 12n * 10n ** 8n));
    expect(ahead.json().error.code).toBe('ATTESTATION__TIMESTAMP_IN_FUTURE');
    const fresh = await post('pyth', pyth(nowSeconds() - 1, 2_500n * 10n ** 8n));
    expect(fresh.statusCode).toBe(202);
  });

  it('Queries: the per-kind limit overrides the default (2 h accepted for queries only)', async () => {
    const ninetyMinutes = await post('query', query(nowSeconds() - 5400, 100n));
    expect(ninetyMinutes.statusCode).toBe(202);
    const threeHours = await post('query', query(nowSeconds() - 3 * 3600, 101n));
    expect(threeHours.json().error.code).toBe('ATTESTATION__STALE');
    const ahead = await post('query', query(nowSeconds() + 3600, 102n));
    expect(ahead.json().error.code).toBe('ATTESTATION__TIMESTAMP_IN_FUTURE');
  });
});

describe('market-data observation times', () => {
  it('a write dated 2100 is refused and does not freeze later prices of the asset', async () => {
    const y2100 = await put({ prices: { WBTC: { price: 1 } }, observedAt: 4_102_444_800 });
    expect(y2100.statusCode).toBe(422);
    expect(y2100.json().error.code).toBe('API__OBSERVATION_TIME_INVALID');
    const later = await put({ prices: { WBTC: { price: 60_000 } } });
    expect(later.statusCode).toBe(200);
    expect(later.json().updated).toEqual(['WBTC']);
    const again = await put({ prices: { WBTC: { price: 61_000 } }, observedAt: nowSeconds() });
    expect(again.json().updated).toEqual(['WBTC']);
  });

  it('a write observed longer ago than MARKET_DATA_MAX_AGE_SECONDS is refused', async () => {
    const old = await put({ prices: { WBTC: { price: 1 } }, observedAt: nowSeconds() - 2 * 86_400 });
    expect(old.statusCode).toBe(422);
    expect(old.json().error.code).toBe('API__OBSERVATION_TIME_INVALID');
  });

  it('a market with the same expiry twice is refused with the path', async () => {
    const m = marketData().markets.ETH;
    const first = m.expiries[0]!;
    const r = await put({
      markets: { ETH: { ...m, expiries: [first, { ...first, forward: first.forward + 1 }] } },
    });
    expect(r.statusCode).toBe(400);
    expect(r.json().error.context.issues).toEqual([
      { path: '$.markets.ETH.expiries[1].expiry', message: 'duplicate expiry' },
    ]);
  });
});
