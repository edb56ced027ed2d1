import { AppError } from '@xmargin/errors';
import { BaseError, type Hash, type PublicClient, type TransactionReceipt } from 'viem';

/**
 * Sends a transaction and returns its receipt; a revert (at gas estimation or on chain) becomes
 * CHAIN__TX_REVERTED carrying viem's decoded reason. The devnet mines eagerly, so the receipt exists as
 * soon as the send returns.
 */
export async function sendAndConfirm(
  chain: string,
  publicClient: PublicClient,
  send: () => Promise<Hash>,
): Promise<TransactionReceipt> {
  let hash: Hash;
  try {
    hash = await send();
  } catch (cause) {
    const reason = cause instanceof BaseError ? cause.shortMessage : String(cause);
    throw new AppError('CHAIN__TX_REVERTED', { context: { chain, reason }, details: reason, cause });
  }
  const receipt = await publicClient.waitForTransactionReceipt({ hash, pollingInterval: 20 });
  if (receipt.status !== 'success') {
    throw new AppError('CHAIN__TX_REVERTED', { context: { chain, txHash: hash } });
  }
  return receipt;
}
