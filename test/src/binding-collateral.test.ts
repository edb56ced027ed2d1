import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  requestWithdrawal as askWithdrawal,
  demoMarketData,
  type Stack,
  seedAccount,
  startStack,
  waitFor,
  waitForMargin,
} from './harness/index.js';

const REDIS_URL_TEST = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379';
const USDC = 1_000_000n;
const ID = 'acc_binding';
const SEVEN_DAYS = 7 * 24 * 3600;

/**
 * Binding collateral end to end: the collateral sits in the vault on `evm-devnet-2`, the position it
 * backs was opened with a perp venue on Solana. The engine (a process, indexing both vaults and holding
 * the devnet settlement key) authorises a withdrawal the margin allows, refuses the one the hedge
 * needs, and counts a forced withdrawal as gone as soon as it is requested on chain.
 */
describe('withdrawals are bound by the unified margin across chains', () => {
  let stack: Stack;
  let trader: Address;
  let protocolKey: string;

  beforeAll(async () => {
    stack = await startStack({
      label: 'binding',
      redisUrl: REDIS_URL_TEST,
      secondEvm: true,
      settlement: true,
    });
    await stack.oracle.marketData.update(demoMarketData(Math.floor(Date.now() / 1000)));
    trader = stack.evm.accounts[4] as Address;
    protocolKey = await stack.engine.createKey('protocol', 'perpx-solana');
    await seedAccount(stack, {
      id: ID,
      evmAddress: trader,
      vault: [{ chain: 'evm-devnet-2', token: 'USDC', amount: 20_000 }],
      positions: [
        {
          protocol: 'perpx-solana',
          position: { id: 'perp', type: 'perp', underlying: 'ETH', quantity: -10, entryPrice: 3_000 },
        },
      ],
    });
    await stack.startRelayer();
    const reader = await stack.protocol('perpx-solana');
    await waitForMargin(reader, ID, (m) => (m.summary?.equity ?? 0) > 19_000, 'collateral on evm-devnet-2');
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const evm2 = () => {
    if (!stack.evm2) throw new Error('no second EVM devnet');
    return stack.evm2;
  };

  const requestWithdrawal = (amount: string) =>
    askWithdrawal({
      engineUrl: stack.engine.url,
      apiKey: protocolKey,
      wallet: evm2().walletClient,
      accountId: ID,
      chain: 'evm-devnet-2',
      asset: 'USDC',
      amount,
      address: trader,
    });

  const excess = async () =>
    (await (await stack.protocol('perpx-solana')).margin.whatIf(ID, {})).current.initialExcess;

  it('refuses to release the collateral the hedge on the other chain needs, naming the most that may leave', async () => {
    const before = await excess();
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(20_000);
    const all = await requestWithdrawal('20000');
    expect(all.status).toBe(422);
    const refusal = all.body.error;
    if (!refusal) throw new Error('no error body');
    expect(refusal.code).toBe('SETTLEMENT__WITHDRAWAL_REFUSED');
    expect(refusal.context).toMatchObject({ reason: 'margin', chain: 'evm-devnet-2', asset: 'USDC' });
    const max = Number(refusal.context.maxAmount);
    expect(max).toBeGreaterThan(0);
    expect(max).toBeCloseTo(before, 0);
    expect(await evm2().vaultBalance(trader, 'USDC')).toBe(20_000n * USDC);
  });

  it('authorises a withdrawal the margin allows; the vault on the other chain pays it', async () => {
    const before = await excess();
    const ok = await requestWithdrawal('1000');
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const { typedData, signature } = ok.body;
    if (!typedData || !signature) throw new Error('no typed data in the answer');
    expect(typedData.domain).toMatchObject({
      chainId: 1338,
      verifyingContract: evm2().contracts.vault,
    });
    expect(await excess()).toBeCloseTo(before - 1_000, 0);
    const m = typedData.message;
    await evm2().submitWithdrawal({
      from: trader,
      message: {
        account: m.account,
        token: m.token,
        amount: BigInt(m.amount),
        to: m.to,
        nonce: BigInt(m.nonce),
        deadline: BigInt(m.deadline),
      },
      signature,
    });
    expect(await evm2().vaultBalance(trader, 'USDC')).toBe(19_000n * USDC);
    // Once indexed, the reservation closes and the margin stays at the withdrawn level (not twice).
    const reader = await stack.protocol('perpx-solana');
    await waitForMargin(
      reader,
      ID,
      (s) => s.summary !== null && s.summary.equity < 19_500,
      'the withdrawal indexed',
    );
    await waitFor(async () => ((await excess()) > before - 1_100 ? true : undefined), {
      what: 'the margin after the withdrawal is indexed',
    });
    expect(await excess()).toBeCloseTo(before - 1_000, 0);
  });

  it('counts a forced withdrawal as gone as soon as it is requested, and pays it after the delay', async () => {
    const before = await excess();
    await evm2().requestForcedWithdrawal({ from: trader, token: 'USDC', amount: 2_000n * USDC });
    await waitFor(async () => ((await excess()) < before - 1_900 ? true : undefined), {
      what: 'the forced request counted by the engine',
      timeoutMs: 60_000,
    });
    expect(await excess()).toBeCloseTo(before - 2_000, 0);
    await evm2().increaseTime(SEVEN_DAYS + 1);
    await evm2().executeForcedWithdrawal({ from: trader, token: 'USDC' });
    expect(await evm2().vaultBalance(trader, 'USDC')).toBe(17_000n * USDC);
  });
});
