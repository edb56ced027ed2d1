import { parseAbi } from 'viem';

/**
 * The CollateralVault events the adapter reads, declared here so the adapter depends on the event
 * signatures only, not on the contracts package (the devnet tests run them against the real contract).
 * `timestamp` is the block's time, carried in the event so a backfill reads no block headers.
 */
export const vaultEventsAbi = parseAbi([
  'event Deposit(address indexed account, address indexed token, uint256 amount, uint256 balance, uint64 vaultNonce, uint64 timestamp)',
  'event Withdraw(address indexed account, address indexed token, uint256 amount, uint256 balance, uint64 vaultNonce, uint64 timestamp)',
]);

export const erc20BalanceOfAbi = parseAbi(['function balanceOf(address owner) view returns (uint256)']);
