import type { XmarginClient } from '@xmargin/client';
import { type Address, encodeFunctionData, type Hex, parseAbi } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  baseLevels,
  demoMarketData,
  linkEvmAddress,
  requestWithdrawal,
  type Stack,
  seedAccount,
  signedAuthorisation,
  startStack,
  waitFor,
  waitForMargin,
} from './harness/index.js';

const REDIS_URL_TEST = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';
const USDC = 1_000_000n;
const ID = 'acc_liq_e2e';
const LIQUIDATOR = 'acc_liq_e2e_bidder';
/** The vault's `seize`, as a submitter that knows only the contract's interface calls it. */
const seizeAbi = parseAbi([
  'struct Seize { address account; address token; uint256 amount; address to; uint256 nonce; uint256 deadline; }',
  'function seize(Seize s, bytes signature) payable returns (uint64)',
]);

/**
 * Liquidation end to end, every service a process: 20,000 USDC in the vault on `evm-devnet` back a short
 * ETH perp; an ETH rally (oracle key) puts the account below maintenance; the engine's sweeper starts a
 * Dutch auction; a liquidator (role `liquidator`, its own bidder account with ledger cash and a linked
 * EVM address) bids over HTTP until the auction ends with the account back above buffer margin. The bid's
 * vault share is a settlement instruction carrying an engine-signed EIP-712 Seize; the liquidator submits
 * it to the vault on ganache, reports the transaction (pending -> submitted), and the engine confirms it
 * from the vault's `Seized` event (-> confirmed) while the seized USDC sits in the liquidator's wallet.
 */
describe('from a price shock to a settled auction', () => {
  let stack: Stack;
  let trader: Address;
  let liquidatorAddress: Address;
  let reader: XmarginClient;
  let liquidator: XmarginClient;
  let auctionId: string;

  beforeAll(async () => {
    stack = await startStack({ label: 'liq', redisUrl: REDIS_URL_TEST, settlement: true });
    await stack.oracle.marketData.update(demoMarketData(Math.floor(Date.now() / 1000)));
    trader = stack.evm.accounts[4] as Address;
    liquidatorAddress = stack.evm.accounts[5] as Address;
    await seedAccount(stack, {
      id: ID,
      evmAddress: trader,
      vault: [{ chain: 'evm-devnet', token: 'USDC', amount: 20_000 }],
      positions: [
        {
          protocol: 'perpx',
          position: { id: 'perp', type: 'perp', underlying: 'ETH', quantity: -10, entryPrice: 3_000 },
        },
      ],
    });
    await stack.startRelayer();
    reader = await stack.protocol('perpx');
    await waitForMargin(reader, ID, (m) => (m.summary?.maintenanceExcess ?? 0) > 0, 'the vault collateral');
    // The liquidator: its bidder account, an EVM address the Seize pays, bidding cash, a liquidator key.
    const admin = stack.engine.admin;
    await admin.accounts.create({ accountId: LIQUIDATOR });
    await linkEvmAddress(admin, LIQUIDATOR, stack.evm.walletClient, liquidatorAddress);
    await admin.admin.depositCash(LIQUIDATOR, { amount: '100000' });
    const key = await admin.admin.createApiKey({
      name: 'e2e liquidator',
      role: 'liquidator',
      scope: LIQUIDATOR,
    });
    if (!key.secret) throw new Error('no key secret');
    liquidator = stack.engine.client(key.secret);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('the sweeper starts an auction after the shock; bids end it with the account above buffer margin', async () => {
    await stack.oracle.marketData.update(
      demoMarketData(Math.floor(Date.now() / 1000), { ...baseLevels, eth: baseLevels.eth * 1.45 }),
    );
    await waitForMargin(reader, ID, (m) => (m.summary?.maintenanceExcess ?? 0) < 0, 'the shock', 60_000);
    const started = await waitFor(
      async () => (await liquidator.liquidations.list({ status: 'ongoing', accountId: ID })).auctions[0],
      { what: 'the sweeper to start an auction', timeoutMs: 60_000, intervalMs: 500 },
    );
    auctionId = started.id;
    expect(started).toMatchObject({ accountId: ID, status: 'ongoing', kind: 'solvent' });
    expect(started.start.mm).toBeLessThan(0);
    expect(started.start.mtm).toBeGreaterThan(0);

    // While the auction is open the engine authorises no withdrawal from the account's vault.
    const refused = await requestWithdrawal({
      engineUrl: stack.engine.url,
      apiKey: await stack.engine.createKey('protocol', 'perpx'),
      wallet: stack.evm.walletClient,
      accountId: ID,
      chain: 'evm-devnet',
      asset: 'USDC',
      amount: '1',
      address: trader,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error?.code).toBe('LIQUIDATION__AUCTION_OPEN');

    let last: Awaited<ReturnType<XmarginClient['liquidations']['bid']>> | undefined;
    for (let n = 0; n < 5; n++) {
      const auction = await liquidator.liquidations.get(auctionId);
      if (auction.status !== 'ongoing') break;
      last = await liquidator.liquidations.bid(
        auctionId,
        { bidderAccountId: LIQUIDATOR, percent: 1 },
        { idempotencyKey: `e2e-${auctionId}-${n}` },
      );
      expect(last.accepted).toBe(true);
    }
    const ended = await liquidator.liquidations.get(auctionId);
    expect(ended.status).toBe('ended');
    expect(['MAX_FRACTION', 'BM_RESTORED']).toContain(ended.endReason);
    if (!last) throw new Error('no bid was placed');
    expect(last.terminated).toBe(true);
    expect(last.postBM).toBeGreaterThanOrEqual(-1e-6);
    expect(last.postMM).toBeGreaterThan(0);
  });

  it('the vault share is a signed Seize: submitted by the liquidator, confirmed from the Seized event', async () => {
    const vaultBefore = await stack.evm.vaultBalance(trader, 'USDC');
    const walletBefore = await stack.evm.tokenBalance('USDC', liquidatorAddress);
    const signed = await waitFor(
      async () => {
        const list = (await liquidator.liquidations.settlements(auctionId)).instructions;
        return list.length > 0 && list.every((i) => i.authorisation !== null) ? list : undefined;
      },
      { what: 'the seizures signed', timeoutMs: 30_000, intervalMs: 300 },
    );
    expect(signed).toHaveLength(1);
    const instruction = signed[0]!;
    expect(instruction).toMatchObject({
      chain: 'evm-devnet',
      asset: 'USDC',
      kind: 'seizure',
      status: 'pending',
      from: ID,
      to: LIQUIDATOR,
    });
    const amount = BigInt(instruction.amountRaw);
    expect(amount).toBeGreaterThan(0n);
    expect(amount).toBeLessThan(20_000n * USDC);
    const auth = instruction.authorisation!;
    expect(auth.typedData.domain).toMatchObject({
      chainId: 1337,
      verifyingContract: stack.evm.contracts.vault,
    });
    expect(auth.typedData.message).toMatchObject({
      account: trader,
      token: stack.evm.token('USDC').address,
      amount: instruction.amountRaw,
      to: liquidatorAddress,
    });

    // Anyone may submit it; the node holds the block so the report lands while the transaction is pending.
    const seize = signedAuthorisation(auth);
    await stack.evm.testClient.setAutomine(false);
    let txHash: Hex;
    try {
      txHash = await stack.evm.walletClient.sendTransaction({
        account: liquidatorAddress,
        to: stack.evm.contracts.vault,
        chain: null,
        data: encodeFunctionData({
          abi: seizeAbi,
          functionName: 'seize',
          args: [seize.message, seize.signature],
        }),
      });
      const submitted = await liquidator.liquidations.reportSubmission(auctionId, instruction.id, { txHash });
      expect(submitted).toMatchObject({ status: 'submitted', txHash });
    } finally {
      await stack.evm.testClient.setAutomine(true);
    }
    await stack.evm.testClient.mine({ blocks: 1 });
    const receipt = await stack.evm.publicClient.waitForTransactionReceipt({ hash: txHash });
    expect(receipt.status).toBe('success');
    expect(await stack.evm.vaultBalance(trader, 'USDC')).toBe(vaultBefore - amount);
    expect(await stack.evm.tokenBalance('USDC', liquidatorAddress)).toBe(walletBefore + amount);

    const confirmed = await waitFor(
      async () => {
        const i = (await liquidator.liquidations.settlements(auctionId)).instructions[0];
        return i?.status === 'confirmed' ? i : undefined;
      },
      { what: 'the Seized event observed', timeoutMs: 60_000, intervalMs: 300 },
    );
    expect(confirmed).toMatchObject({ txHash, confirmedHeight: receipt.blockNumber.toString() });
    // The indexed balance now carries the debit: the account's collateral is what the vault holds.
    const after = await waitForMargin(
      reader,
      ID,
      (s) => s.summary !== null && Math.abs(s.summary.maintenanceExcess) > 0,
      'the margin after the seizure',
    );
    expect(after.summary?.maintenanceExcess).toBeGreaterThan(0);
  });
});
