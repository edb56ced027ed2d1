import { createPrivateKey, sign } from 'node:crypto';
import type { Keypair } from '@solana/web3.js';
import type { XmarginClient } from '@xmargin/client';
import { type Address, type Hex, toHex, type WalletClient } from 'viem';

/** A linked address of the account that signs for it. */
export type AccountSigner =
  | { readonly chain: 'evm'; readonly wallet: WalletClient; readonly address: Address }
  | { readonly chain: 'solana'; readonly keypair: Keypair };

const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

async function signText(signer: AccountSigner, message: string): Promise<string> {
  if (signer.chain === 'evm') {
    // ganache has no `personal_sign`; its `eth_sign` applies the same EIP-191 prefix.
    return (await signer.wallet.request({
      method: 'eth_sign',
      params: [signer.address, toHex(message)],
    })) as Hex;
  }
  const key = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, Buffer.from(signer.keypair.secretKey.subarray(0, 32))]),
    format: 'der',
    type: 'pkcs8',
  });
  return `0x${sign(null, Buffer.from(message, 'utf8'), key).toString('hex')}`;
}

/**
 * Authorises `protocol` to report the account's positions the way its owner does: one of its linked
 * addresses signs the engine's grant challenge; any protocol key may relay it.
 */
export async function grantProtocol(
  client: XmarginClient,
  accountId: string,
  protocol: string,
  signer: AccountSigner,
): Promise<void> {
  const address = signer.chain === 'evm' ? signer.address : signer.keypair.publicKey.toBase58();
  const challenge = await client.accounts.createGrantChallenge(accountId, {
    action: 'grant',
    protocol,
    chain: signer.chain,
    address,
  });
  await client.accounts.applyGrant(accountId, {
    challengeId: challenge.challengeId,
    chain: signer.chain,
    address,
    signature: await signText(signer, challenge.message),
  });
}
