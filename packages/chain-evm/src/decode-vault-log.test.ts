import fc from 'fast-check';
import { encodeAbiParameters, encodeEventTopics, getAddress, type Hex, type RpcLog, toHex } from 'viem';
import { describe, expect, it } from 'vitest';
import { decodeVaultLog } from './decode-vault-log.js';
import { vaultEventsAbi } from './vault-events.js';

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => toHex(b));
const u256 = fc.bigInt({ min: 0n, max: 2n ** 256n - 1n });

function rpcLog(topics: Hex[], data: Hex): RpcLog {
  return {
    address: '0x00000000000000000000000000000000000000aa',
    topics: topics as [Hex, ...Hex[]],
    data,
    blockNumber: '0x10',
    blockHash: `0x${'ab'.repeat(32)}`,
    transactionHash: `0x${'cd'.repeat(32)}`,
    transactionIndex: '0x0',
    logIndex: '0x3',
    removed: false,
  };
}

describe('decodeVaultLog', () => {
  it('agrees with the ABI encoding of Deposit and Withdraw for any values', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('Deposit' as const, 'Withdraw' as const),
        hex(20),
        hex(20),
        u256,
        u256,
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        (eventName, account, token, amount, balance, vaultNonce, timestamp) => {
          const topics = encodeEventTopics({
            abi: vaultEventsAbi,
            eventName,
            args: { account: getAddress(account), token: getAddress(token) },
          }) as Hex[];
          const data = encodeAbiParameters(
            [{ type: 'uint256' }, { type: 'uint256' }, { type: 'uint64' }, { type: 'uint64' }],
            [amount, balance, vaultNonce, timestamp],
          );
          expect(decodeVaultLog(rpcLog(topics, data), 'evm-devnet')).toEqual({
            kind: eventName === 'Deposit' ? 'deposit' : 'withdraw',
            account: account.toLowerCase(),
            token: token.toLowerCase(),
            amount,
            balance,
            vaultNonce,
            vault: '0x00000000000000000000000000000000000000aa',
            blockNumber: 16n,
            blockHash: `0x${'ab'.repeat(32)}`,
            transactionHash: `0x${'cd'.repeat(32)}`,
            logIndex: 3,
            blockTimestamp: timestamp,
          });
        },
      ),
    );
  });

  it('ignores other events and rejects a vault event with another layout', () => {
    expect(decodeVaultLog(rpcLog([`0x${'11'.repeat(32)}`], '0x'), 'evm-devnet')).toBeNull();
    const [topic0] = encodeEventTopics({ abi: vaultEventsAbi, eventName: 'Deposit' }) as Hex[];
    expect(() => decodeVaultLog(rpcLog([topic0!], '0x'), 'evm-devnet')).toThrow(
      expect.objectContaining({ code: 'CHAIN__RPC_ERROR' }),
    );
  });
});
