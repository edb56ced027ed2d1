import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { Keypair, PublicKey } from '@solana/web3.js';
import { escrowAuthority } from '@xmargin/chain-solana';
import { createXmarginClient, type XmarginClient } from '@xmargin/client';
import { accountId } from '@xmargin/core';
import { DEVNET_SETTLEMENT_PRIVATE_KEY, type SolanaDevnet, startSolanaDevnet } from '@xmargin/devnet';
import { hexToBytes } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../env.js';
import { createChainIndexer } from '../indexing/create-chain-indexer.js';
import { whatIf } from '../margin/what-if.js';
import { seedMarketAndAccount, waitFor } from '../test-support/fixtures.js';
import { bearer, startTestEngine, type TestEngine } from '../test-support/harness.js';
import { withdrawalRequestMessage } from './withdrawal-request-message.js';

// Solana escrows end to end (issue 14 item 4): real Postgres and Redis, the LiteSVM-backed devnet
// executing real SPL Token instructions. A deposit into the account's escrow is an escrowed balance;
// the trader's wallet balance is unescrowed and backs nothing until an operator lowers
// unescrowedHaircut; a withdrawal passes the same margin check as a vault withdrawal and the engine
// sends the transfer itself.

const USDC = 1_000_000n;
const CHAIN = 'solana-devnet';
const ID = `acc_sol_${randomBytes(3).toString('hex')}`;
let devnet: SolanaDevnet;
let t: TestEngine;
let protocolKey: string;
let mint: PublicKey;
let networksJson: string;
const wallet = Keypair.generate();
let walletAta: PublicKey;
let escrow: PublicKey;
let client: XmarginClient;

beforeAll(async () => {
  devnet = await startSolanaDevnet();
  mint = await devnet.createMint(6);
  networksJson = JSON.stringify([
    {
      platform: 'solana',
      chain: CHAIN,
      rpcUrl: devnet.rpcUrl,
      mints: { [mint.toBase58()]: { asset: 'USDC', decimals: 6 } },
    },
  ]);
  // The escrow authority pays for escrow accounts and transfers: an operator funds it with SOL.
  await devnet.airdrop(escrowAuthority(hexToBytes(DEVNET_SETTLEMENT_PRIVATE_KEY)).publicKey, 10_000_000_000n);
  t = await startTestEngine('sol-escrow', {
    role: 'all',
    env: { SETTLEMENT_PRIVATE_KEY: DEVNET_SETTLEMENT_PRIVATE_KEY, INDEX_NETWORKS: networksJson },
  });
  protocolKey = await t.key('protocol', 'proto_a');
  client = createXmarginClient({ baseUrl: await t.engine.listen(0), apiKey: protocolKey, retries: 0 });
  await seedMarketAndAccount(t, ID);
  await t.engine.context.store.accounts.linkAddress({
    account: accountId(ID),
    chain: 'solana',
    address: wallet.publicKey.toBase58(),
  });
  walletAta = await devnet.createTokenAccount(wallet.publicKey, mint, { associated: true });
  await devnet.mintTo(mint, walletAta, 1_500n * USDC);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await devnet?.stop();
});

async function indexRound(): Promise<void> {
  const indexer = createChainIndexer(
    t.engine.context,
    loadEnv({ INDEX_NETWORKS: networksJson }).INDEX_NETWORKS,
  );
  try {
    await indexer.indexChain(CHAIN);
  } finally {
    await indexer.close();
  }
}

const inject = (o: { method: 'GET' | 'POST'; url: string; payload?: object; key?: string }) => {
  const app = t.engine.app;
  if (!app) throw new Error('no app');
  return app.inject({
    method: o.method,
    url: o.url,
    headers: bearer(o.key ?? protocolKey),
    ...(o.payload === undefined ? {} : { payload: o.payload }),
  });
};

const excess = async () =>
  (
    await whatIf(t.engine.context, accountId(ID), 'proto_a', {
      positions: { upsert: [], remove: [] },
      collateral: [],
    })
  ).current.initialExcess;

function signedRequest(amount: string, requestId = randomBytes(8).toString('hex')) {
  const expiresAt = Math.floor(Date.now() / 1000) + 300;
  const from = wallet.publicKey.toBase58();
  const message = withdrawalRequestMessage({
    accountId: ID,
    chain: CHAIN,
    asset: 'USDC',
    amount,
    from,
    // Default destination: the wallet's associated token account.
    to: walletAta.toBase58(),
    requestId,
    expiresAt,
  });
  const signature = ed25519.sign(new TextEncoder().encode(message), wallet.secretKey.subarray(0, 32));
  return {
    chain: CHAIN,
    asset: 'USDC',
    amount,
    address: from,
    requestId,
    expiresAt,
    signature: `0x${Buffer.from(signature).toString('hex')}`,
  };
}

const requestWithdrawal = (amount: string) =>
  inject({ method: 'POST', url: `/v1/accounts/${ID}/withdrawals`, payload: signedRequest(amount) });

describe('Solana escrow', () => {
  it('opens one escrow per asset, owned by the escrow authority', async () => {
    const res = await inject({
      method: 'POST',
      url: `/v1/accounts/${ID}/escrows`,
      payload: { chain: CHAIN, asset: 'USDC' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      accountId: ID,
      chain: CHAIN,
      asset: 'USDC',
      mint: mint.toBase58(),
      authority: escrowAuthority(hexToBytes(DEVNET_SETTLEMENT_PRIVATE_KEY)).publicKey.toBase58(),
    });
    // The typed client: opening again answers the same escrow.
    expect(await client.settlement.openEscrow(ID, { chain: CHAIN, asset: 'USDC' })).toEqual(body);
    escrow = new PublicKey(body.tokenAccount);
    const unknown = await inject({
      method: 'POST',
      url: `/v1/accounts/${ID}/escrows`,
      payload: { chain: CHAIN, asset: 'DOGE' },
    });
    expect(unknown.json().error.code).toBe('SETTLEMENT__REQUEST_INVALID');
  });

  it('indexes a deposit into the escrow as escrowed; the wallet balance is unescrowed and counts 0', async () => {
    await devnet.transfer(walletAta, escrow, wallet, 1_000n * USDC);
    await indexRound();
    const rows = await t.engine.context.store.balances.listByAccount(accountId(ID));
    expect(rows.map((b) => [b.amount, b.trust]).sort()).toEqual([
      [1_000n * USDC, 'escrowed'],
      [500n * USDC, 'unescrowed'],
    ]);
    // USDC has no haircut in the default preset: the equity is the escrowed 1000 exactly.
    expect(await excess()).toBeCloseTo(1_000, 9);
    // GET margin names the classes per chain (the per-balance detail is the explain answer's).
    await t.engine.context.shardEvents.accountsChanged([ID], Date.now());
    const view = await waitFor(async () => {
      const v = await t.engine.context.marginCache.getView(ID);
      return v?.freshness.some((f) => f.trust?.length === 2) ? v : undefined;
    }, 30_000);
    expect(view.freshness).toEqual([
      expect.objectContaining({ chain: CHAIN, trust: ['escrowed', 'unescrowed'] }),
    ]);
    const got = await inject({ method: 'GET', url: `/v1/accounts/${ID}/margin` });
    expect(got.json().freshness[0].trust).toEqual(['escrowed', 'unescrowed']);
    const explain = await inject({ method: 'GET', url: `/v1/accounts/${ID}/margin/explain` });
    expect(explain.statusCode, explain.body).toBe(200);
    const assets = explain.json().chains.find((c: { chain: string }) => c.chain === CHAIN).assets;
    expect(
      assets.map((a: { trust: string; countedAmount: number }) => [a.trust, a.countedAmount]).sort(),
    ).toEqual([
      ['escrowed', 1_000],
      ['unescrowed', 0],
    ]);
  });

  it('executes a withdrawal that keeps the initial excess >= 0 and refuses one that would not', async () => {
    const open = await inject({
      method: 'POST',
      url: `/v1/accounts/${ID}/positions`,
      payload: {
        positions: [{ id: 'hedge', type: 'perp', underlying: 'ETH', quantity: -1, entryPrice: 2000 }],
      },
    });
    expect(open.statusCode, open.body).toBe(200);
    const before = await excess();
    expect(before).toBeGreaterThan(100);
    expect(before).toBeLessThan(1_000);

    const body = await client.settlement.withdraw(ID, signedRequest('100'));
    expect(body).toMatchObject({ accountId: ID, chain: CHAIN, asset: 'USDC', amount: '100' });
    if (!('transfer' in body)) throw new Error('expected an executed Solana withdrawal');
    expect(body.transfer).toMatchObject({ from: escrow.toBase58(), to: walletAta.toBase58() });
    expect(devnet.tokenBalance(escrow)).toBe(900n * USDC);
    expect(devnet.tokenBalance(walletAta)).toBe(600n * USDC);
    // Counted as withdrawn at once (reservation executed at the transfer's slot), and after indexing.
    expect(await excess()).toBeCloseTo(before - 100, 6);
    await indexRound();
    expect(await excess()).toBeCloseTo(before - 100, 6);
    expect(body.initialExcessAfter).toBeCloseTo(before - 100, 6);

    const tooMuch = Math.ceil(before - 100) + 1;
    const refused = await requestWithdrawal(String(tooMuch));
    expect(refused.statusCode, refused.body).toBe(422);
    expect(refused.json().error).toMatchObject({
      code: 'SETTLEMENT__WITHDRAWAL_REFUSED',
      context: { reason: 'margin', chain: CHAIN, asset: 'USDC', requested: String(tooMuch) },
    });
    expect(devnet.tokenBalance(escrow)).toBe(900n * USDC);

    // The signed margin statement (typed client) carries the same unified equity.
    const evm = `0x${randomBytes(20).toString('hex')}`;
    await t.engine.context.store.accounts.linkAddress({ account: accountId(ID), chain: 'evm', address: evm });
    const statement = await client.settlement.marginStatement(ID, {
      chainId: 1337,
      verifyingContract: `0x${'12'.repeat(20)}`,
    });
    const { equity } = (
      await whatIf(t.engine.context, accountId(ID), 'proto_a', {
        positions: { upsert: [], remove: [] },
        collateral: [],
      })
    ).current;
    expect(Number(statement.typedData.message.equity) / 1e6).toBeCloseTo(equity, 5);
  });

  it('a lowered unescrowedHaircut makes the wallet balance count', async () => {
    const before = await excess();
    const proposed = await inject({
      method: 'POST',
      url: '/v1/admin/params',
      key: t.adminKey,
      payload: {
        params: { preset: 'pmrm-v1-mainnet', overrides: { assets: { USDC: { unescrowedHaircut: 0.25 } } } },
      },
    });
    expect(proposed.statusCode, proposed.body).toBe(201);
    const activated = await inject({
      method: 'POST',
      url: `/v1/admin/params/${proposed.json().version}/activate`,
      key: t.adminKey,
    });
    expect(activated.statusCode, activated.body).toBe(200);
    // 600 USDC in the wallet count at 75%.
    expect(await excess()).toBeCloseTo(before + 450, 6);
  });
});
