import { createPrivateKey, sign } from 'node:crypto';
import type { Keypair } from '@solana/web3.js';
import type { XmarginClient } from '@xmargin/client';
import { type Address, type Hex, toHex, type WalletClient } from 'viem';

/**
 * Links an EVM address to a margin account the way a wallet does: asks the engine for a challenge and
 * signs it with EIP-191 (`personal_sign` semantics) (the devnet node holds the key of its funded accounts).
 */
export async function linkEvmAddress(
  client: XmarginClient,
  accountId: string,
  wallet: WalletClient,
  address: Address,
): Promise<void> {
  const challenge = await client.accounts.createChallenge(accountId, { chain: 'evm', address });
  // ganache has no `personal_sign`; its `eth_sign` applies the same EIP-191 prefix with the node's key.
  const signature = (await wallet.request({
    method: 'eth_sign',
    params: [address, toHex(challenge.message)],
  })) as Hex;
  await client.accounts.linkAddress(accountId, {
    challengeId: challenge.challengeId,
    chain: 'evm',
    address,
    signature,
  });
}

// PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows it.
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** Links a Solana address (the keypair's public key) with an ed25519 signature over the challenge text. */
export async function linkSolanaAddress(
  client: XmarginClient,
  accountId: string,
  keypair: Keypair,
): Promise<void> {
  const address = keypair.publicKey.toBase58();
  const challenge = await client.accounts.createChallenge(accountId, { chain: 'solana', address });
  const key = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(keypair.secretKey.subarray(0, 32))]),
    format: 'der',
    type: 'pkcs8',
  });
  const signature = sign(null, Buffer.from(challenge.message, 'utf8'), key);
  await client.accounts.linkAddress(accountId, {
    challengeId: challenge.challengeId,
    chain: 'solana',
    address,
    signature: `0x${signature.toString('hex')}`,
  });
}
