import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildPythUpdate } from '@xmargin/attestation/testing';
import type { XmarginClient } from '@xmargin/client';
import { accountId } from '@xmargin/core';
import {
  type DevnetGuardians,
  type EvmDevnet,
  type SolanaDevnet,
  startDevnetGuardians,
  startEvmDevnet,
  startSolanaDevnet,
} from '@xmargin/devnet';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRelayer } from './create-relayer.js';
import type { RelayerEvent } from './events.js';
import { createHermesSource } from './pyth/hermes-source.js';
import { linkedAccount, linkedSolanaAccount, registerDevnet } from './test-support/devnet-setup.js';
import { startTestEngine, type TestEngine } from './test-support/start-test-engine.js';

let evm: EvmDevnet;
let solana: SolanaDevnet;
let mint = '';
let tokenAccount = '';
let guardians: DevnetGuardians;
let t: TestEngine;
let relayerClient: XmarginClient;
let holder: Address;
const ETH_FEED: `0x${string}` = `0x${'ee'.repeat(32)}`;

beforeAll(async () => {
  [evm, solana] = await Promise.all([startEvmDevnet(), startSolanaDevnet()]);
  [guardians, t] = await Promise.all([
    startDevnetGuardians({
      evmRpcUrl: evm.rpcUrl,
      coreBridge: evm.contracts.coreBridge,
      solanaRpcUrl: solana.rpcUrl,
      pollIntervalMs: 20,
    }),
    startTestEngine('ccq'),
  ]);
  const mintKey = await solana.createMint(6);
  const accountKey = await solana.createTokenAccount(solana.payer.publicKey, mintKey);
  await solana.mintTo(mintKey, accountKey, 777_000n);
  [mint, tokenAccount] = [mintKey.toBase58(), accountKey.toBase58()];
  await registerDevnet(t.admin, evm, {
    pythFeeds: [{ feedId: ETH_FEED, symbol: 'ETH' }],
    tokens: [{ chain: 'solana-devnet', token: mint, asset: 'USDC', decimals: 6 }],
  });
  relayerClient = await t.client('relayer');
  holder = evm.accounts[5] ?? '0x';
  await linkedAccount(t.admin, evm, 'acc_wallet', holder);
  await evm.mint({ token: 'USDC', to: holder, amount: 12_345_678n });
});

afterAll(async () => {
  await guardians?.stop();
  await t?.close();
  await Promise.all([evm?.stop(), solana?.stop()]);
});

/** An EVM balanceOf target on the devnet's USDC, refreshed 600 s before its 3,600 s validity ends. */
const usdcBalance = (accountId: string, wallet: Address, over: { wormholeChainId?: number } = {}) => ({
  kind: 'evm-balance' as const,
  accountId,
  chain: 'evm-devnet',
  wormholeChainId: over.wormholeChainId ?? 2,
  rpcUrl: evm.rpcUrl,
  token: evm.token('USDC').address,
  holder: wallet,
  validitySeconds: 3_600,
  refreshBeforeExpirySeconds: 600,
});

describe('Wormhole Queries for un-escrowed balances', () => {
  it('requests a balanceOf query from the guardians, posts it, and refreshes it before it expires', async () => {
    const events: RelayerEvent[] = [];
    let clock = Date.now();
    const relayer = createRelayer({
      engine: relayerClient,
      guardian: guardians.url,
      emitters: [],
      queries: [usdcBalance('acc_wallet', holder)],
      now: () => clock,
      onEvent: (e) => events.push(e),
    });
    await relayer.runOnce();
    const posts = () => events.filter((e) => e.type === 'query-posted');
    expect(posts()).toEqual([
      expect.objectContaining({ type: 'query-posted', outcome: 'accepted', blockTime: expect.any(Number) }),
    ]);
    const balances = await t.engine.context.store.balances.listByAccount(accountId('acc_wallet'));
    expect(balances).toEqual([
      expect.objectContaining({ chain: 'evm-devnet', asset: 'USDC', source: 'query', amount: 12_345_678n }),
    ]);
    const [first] = posts() as Extract<RelayerEvent, { type: 'query-posted' }>[];
    const [status] = relayer.status().queries;
    // Due again 600 s before the 3600 s validity of the queried block runs out.
    expect(status?.dueAt).toBe(((first?.blockTime ?? 0) + 3_000) * 1000);

    // Not due yet: nothing is requested.
    await relayer.runOnce();
    expect(posts()).toHaveLength(1);

    // The balance moves and time reaches the refresh point: a new query carries the new balance.
    await evm.mint({ token: 'USDC', to: holder, amount: 1_000_000n });
    clock = status?.dueAt ?? clock;
    await relayer.runOnce();
    expect(posts()).toHaveLength(2);
    expect(posts()[1]).toMatchObject({ outcome: 'accepted' });
    const after = await t.engine.context.store.balances.listByAccount(accountId('acc_wallet'));
    expect(after.find((b) => b.source === 'query')?.amount).toBe(13_345_678n);
    expect(await relayer.metrics.registry.metrics()).toContain(
      'xmargin_relayer_posts_total{kind="query",outcome="accepted"} 2',
    );
  });

  it('requests a sol_account query for an SPL token account and posts it with the owner it proves', async () => {
    await linkedSolanaAccount(t.admin, 'acc_sol', solana.payer);
    const events: RelayerEvent[] = [];
    const relayer = createRelayer({
      engine: relayerClient,
      guardian: guardians.url,
      emitters: [],
      queries: [
        {
          kind: 'spl-account',
          accountId: 'acc_sol',
          chain: 'solana-devnet',
          wormholeChainId: 1,
          mint,
          tokenAccount,
          validitySeconds: 3_600,
          refreshBeforeExpirySeconds: 600,
        },
      ],
      onEvent: (e) => events.push(e),
    });
    await relayer.runOnce();
    expect(events).toEqual([expect.objectContaining({ type: 'query-posted', outcome: 'accepted' })]);
    const balances = await t.engine.context.store.balances.listByAccount(accountId('acc_sol'));
    expect(balances).toEqual([
      expect.objectContaining({ chain: 'solana-devnet', source: 'query', amount: 777_000n, decimals: 6 }),
    ]);
  });

  it("re-attests ahead of its own schedule when the engine's reverify-expiring job asks for it", async () => {
    const wallet = evm.accounts[6] ?? '0x';
    await linkedAccount(t.admin, evm, 'acc_reverify', wallet);
    await evm.mint({ token: 'USDC', to: wallet, amount: 5_000_000n });
    const events: RelayerEvent[] = [];
    const relayer = createRelayer({
      engine: relayerClient,
      guardian: guardians.url,
      emitters: [],
      queries: [usdcBalance('acc_reverify', wallet)],
      onEvent: (e) => events.push(e),
    });
    const posts = () => events.filter((e) => e.type === 'query-posted');
    await relayer.runOnce();
    await relayer.runOnce();
    expect(posts()).toHaveLength(1); // by its own schedule, next due in ~50 minutes
    expect(relayer.status().queries[0]?.dueAt).toBeGreaterThan(Date.now() + 2_000_000);

    // The engine's job (run by its worker, as its scheduler would) with a horizon covering the whole
    // validity: every attested balance is due for re-attestation, and is published for relayers.
    await t.engine.context.producers.queues['reverify-expiring'].add('reverify-expiring', {
      horizonSeconds: 3_600,
    });
    for (let i = 0; ; i++) {
      const page = await relayerClient.attestations.reverifyRequests();
      if (page.requests.some((r) => r.accountId === 'acc_reverify' && r.source === 'query')) break;
      if (i > 200) throw new Error('no re-attestation request published');
      await new Promise((r) => setTimeout(r, 25));
    }
    await evm.mint({ token: 'USDC', to: wallet, amount: 1_000_000n });
    await relayer.runOnce();
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'reverify-requested', expedited: 1, requests: expect.any(Number) }),
    );
    expect(posts()).toHaveLength(2);
    expect(posts()[1]).toMatchObject({ outcome: 'accepted' });
    const balances = await t.engine.context.store.balances.listByAccount(accountId('acc_reverify'));
    expect(balances.find((b) => b.source === 'query')?.amount).toBe(6_000_000n);
  });

  it('backs off a target the guardians cannot answer and reports it', async () => {
    const events: RelayerEvent[] = [];
    const relayer = createRelayer({
      engine: relayerClient,
      guardian: guardians.url,
      emitters: [],
      queries: [
        // No devnet chain answers for this Wormhole chain id.
        usdcBalance('acc_wallet', holder, { wormholeChainId: 6 }),
      ],
      retryBaseMs: 60_000,
      onEvent: (e) => events.push(e),
    });
    await relayer.runOnce();
    await relayer.runOnce();
    const errors = events.filter((e) => e.type === 'error');
    expect(errors).toHaveLength(1);
    expect(relayer.status().queries[0]?.lastError).toBe(
      (errors[0] as Extract<RelayerEvent, { type: 'error' }>).code,
    );
    expect(relayer.status().queries[0]?.dueAt).toBeGreaterThan(Date.now() + 30_000);
  });
});

describe('Pyth forwarding', () => {
  let hermes: Server;
  let updates: string[] = [];
  beforeAll(async () => {
    await t.admin.marketData.update({ markets: { ETH: { spot: 2000 } } });
    // Hermes' REST shape; the updates are real accumulator updates signed by the devnet guardian keys.
    hermes = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const ok =
        url.pathname === '/v2/updates/price/latest' && url.searchParams.getAll('ids[]').includes(ETH_FEED);
      res.writeHead(ok ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(ok ? { binary: { encoding: 'hex', data: updates }, parsed: [] } : {}));
    });
    await new Promise<void>((resolve) => hermes.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => hermes.close(() => resolve())));

  const update = (price: bigint, sequence: bigint) => {
    const now = Math.floor(Date.now() / 1000);
    const bytes = buildPythUpdate({
      timestamp: now,
      sequence,
      prices: [
        {
          feedId: ETH_FEED,
          price,
          conf: 100_000n,
          expo: -5,
          publishTime: BigInt(now),
          prevPublishTime: BigInt(now - 1),
          emaPrice: price,
          emaConf: 100_000n,
        },
      ],
    });
    return Buffer.from(bytes).toString('hex');
  };

  it('forwards new Hermes updates once each, and the engine moves the market', async () => {
    const events: RelayerEvent[] = [];
    const relayer = createRelayer({
      engine: relayerClient,
      guardian: guardians.url,
      emitters: [],
      pyth: {
        source: createHermesSource({
          url: `http://127.0.0.1:${(hermes.address() as AddressInfo).port}`,
          feedIds: [ETH_FEED],
        }),
      },
      onEvent: (e) => events.push(e),
    });
    updates = [update(210_000_000n, 1n)];
    await relayer.runOnce();
    await relayer.runOnce();
    expect(events.filter((e) => e.type === 'pyth-posted')).toEqual([
      { type: 'pyth-posted', outcome: 'accepted' },
    ]);
    expect((await relayerClient.marketData.get()).markets.ETH?.spot).toBeCloseTo(2100, 6);

    updates = [update(220_000_000n, 2n)];
    await relayer.runOnce();
    expect(events.filter((e) => e.type === 'pyth-posted')).toHaveLength(2);
    expect((await relayerClient.marketData.get()).markets.ETH?.spot).toBeCloseTo(2200, 6);
    expect(relayer.status().pyth).toMatchObject({ lastError: null, lastForwardedAt: expect.any(Number) });
  });
});
