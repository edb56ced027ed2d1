import { collateralVaultAbi, devnetCoreBridgeAbi } from '@xmargin/contracts';
import { isAppError } from '@xmargin/errors';
import { type Address, bytesToHex, hexToBytes, pad, parseEventLogs, parseUnits } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EvmDevnet, startEvmDevnet } from './index.js';

let devnet: EvmDevnet;
let alice: Address;
let bob: Address;

beforeAll(async () => {
  devnet = await startEvmDevnet();
  [, alice, bob] = devnet.accounts as [Address, Address, Address];
});
afterAll(async () => {
  await devnet?.stop();
});

async function messagesIn(txHash: `0x${string}`) {
  const receipt = await devnet.publicClient.getTransactionReceipt({ hash: txHash });
  return {
    vault: parseEventLogs({ abi: collateralVaultAbi, logs: receipt.logs }),
    bridge: parseEventLogs({
      abi: devnetCoreBridgeAbi,
      logs: receipt.logs,
      eventName: 'LogMessagePublished',
    }),
  };
}

describe('startEvmDevnet', () => {
  it('serves chain id 1337 on loopback with the contracts deployed', async () => {
    expect(devnet.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await devnet.publicClient.getChainId()).toBe(1337);
    expect(devnet.chainName).toBe('evm-devnet');
    expect(devnet.contracts.tokens.map((t) => [t.symbol, t.decimals])).toEqual([
      ['USDC', 6],
      ['WETH', 18],
    ]);
    for (const address of [
      devnet.contracts.vault,
      devnet.contracts.coreBridge,
      devnet.contracts.multicall3,
    ]) {
      expect((await devnet.publicClient.getCode({ address }))?.length).toBeGreaterThan(2);
    }
  });

  it('deposits: Deposit event and a 150-byte XMCL message through the core bridge', async () => {
    const usdc = devnet.token('USDC');
    await devnet.mint({ token: 'USDC', to: alice, amount: parseUnits('1000', 6) });
    const tx = await devnet.deposit({ from: alice, token: 'USDC', amount: parseUnits('250', 6) });
    const { vault, bridge } = await messagesIn(tx.hash);
    const deposit = vault.find((l) => l.eventName === 'Deposit');
    expect(deposit?.args).toMatchObject({
      account: alice,
      token: usdc.address,
      amount: 250_000_000n,
      balance: 250_000_000n,
    });
    expect(bridge).toHaveLength(1);
    const msg = bridge[0]!;
    expect(msg.args.sender.toLowerCase()).toBe(devnet.contracts.vault.toLowerCase());
    expect(msg.args.consistencyLevel).toBe(202);
    const p = hexToBytes(msg.args.payload);
    expect(p.length).toBe(150);
    expect(new TextDecoder().decode(p.slice(0, 4))).toBe('XMCL');
    expect([p[4], p[5]]).toEqual([1, 1]);
    expect(bytesToHex(p.slice(6, 38))).toBe(pad(alice.toLowerCase() as Address));
    expect(bytesToHex(p.slice(38, 70))).toBe(pad(usdc.address.toLowerCase() as Address));
    expect(BigInt(bytesToHex(p.slice(70, 102)))).toBe(250_000_000n);
    expect(BigInt(bytesToHex(p.slice(102, 134)))).toBe(250_000_000n);
    expect(BigInt(bytesToHex(p.slice(134, 142)))).toBe(tx.blockNumber);
    expect(BigInt(bytesToHex(p.slice(142, 150)))).toBe(deposit?.args.vaultNonce);
    expect(msg.args.nonce).toBe(Number(deposit?.args.vaultNonce));
    expect(await devnet.vaultBalance(alice, 'USDC')).toBe(250_000_000n);
    expect(await devnet.tokenBalance('USDC', alice)).toBe(750_000_000n);
  });

  it('withdraws and snapshots with kinds 2 and 3; the bridge counts sequences per sender from 0', async () => {
    const first = await messagesIn((await devnet.deposit({ from: alice, token: 'USDC', amount: 1n })).hash);
    const w = await messagesIn(
      (await devnet.withdraw({ from: alice, token: 'USDC', amount: 51n, to: bob })).hash,
    );
    const withdraw = w.vault.find((l) => l.eventName === 'Withdraw');
    expect(withdraw?.args).toMatchObject({ account: alice, amount: 51n, balance: 250_000_000n - 50n });
    expect(await devnet.tokenBalance('USDC', bob)).toBe(51n);
    const wp = hexToBytes(w.bridge[0]!.args.payload);
    expect(wp[5]).toBe(2);
    expect(w.bridge[0]!.args.sequence).toBe(first.bridge[0]!.args.sequence + 1n);

    const s = await messagesIn((await devnet.publishSnapshot({ account: alice, token: 'USDC' })).hash);
    const sp = hexToBytes(s.bridge[0]!.args.payload);
    expect(sp[5]).toBe(3);
    expect(BigInt(bytesToHex(sp.slice(102, 134)))).toBe(250_000_000n - 50n);
  });

  it('rejects a deposit the vault reverts with CHAIN__TX_REVERTED', async () => {
    const err = await devnet.deposit({ from: bob, token: 'WETH', amount: 5n }).catch((e: unknown) => e);
    expect(isAppError(err, 'CHAIN__TX_REVERTED')).toBe(true);
  });

  it('snapshot/revert replaces blocks: same heights, different hashes', async () => {
    await devnet.mint({ token: 'WETH', to: bob, amount: 10n ** 18n });
    const id = await devnet.snapshot();
    const a = await devnet.deposit({ from: bob, token: 'WETH', amount: 1n });
    await devnet.revert(id);
    expect(await devnet.blockNumber()).toBe(a.blockNumber - 2n);
    const b = await devnet.deposit({ from: bob, token: 'WETH', amount: 2n });
    expect(b.blockNumber).toBe(a.blockNumber);
    expect(b.blockHash).not.toBe(a.blockHash);
    await devnet.mine(3);
    expect(await devnet.blockNumber()).toBe(b.blockNumber + 3n);
  });
});
