import type { EvmDevnet } from '@xmargin/devnet';
import { type Address, encodeFunctionData, maxUint256, parseAbi, toHex } from 'viem';
import { jsonRpc, jsonRpcBatch } from './json-rpc.js';

const abi = parseAbi([
  'function approve(address spender, uint256 amount) returns (bool)',
  'function deposit(address token, uint256 amount) payable returns (uint64)',
]);

/**
 * Seeds `count` vault deposits spread over the devnet accounts, `perBlock` per block: mining is paused
 * while a block's transactions are sent in one JSON-RPC batch, then one block is mined.
 */
export async function seedDeposits(devnet: EvmDevnet, count: number, perBlock: number): Promise<void> {
  const usdc = devnet.token('USDC').address;
  const senders = devnet.accounts.slice(1) as Address[];
  for (const from of senders) {
    await devnet.mint({ token: 'USDC', to: from, amount: 10n ** 15n });
    await devnet.walletClient.sendTransaction({
      account: from,
      to: usdc,
      data: encodeFunctionData({ abi, functionName: 'approve', args: [devnet.contracts.vault, maxUint256] }),
      chain: null,
    });
  }
  await jsonRpc(devnet.rpcUrl, 'miner_stop');
  for (let sent = 0; sent < count; sent += perBlock) {
    const n = Math.min(perBlock, count - sent);
    await jsonRpcBatch(
      devnet.rpcUrl,
      Array.from({ length: n }, (_, i) => ({
        method: 'eth_sendTransaction',
        params: [
          {
            from: senders[(sent + i) % senders.length],
            to: devnet.contracts.vault,
            gas: toHex(200_000),
            data: encodeFunctionData({ abi, functionName: 'deposit', args: [usdc, BigInt(1 + sent + i)] }),
          },
        ],
      })),
    );
    await jsonRpc(devnet.rpcUrl, 'evm_mine');
  }
  await jsonRpc(devnet.rpcUrl, 'miner_start');
}
