import { createPrivateKey, sign } from 'node:crypto';
import { trustStoreToJson } from '@xmargin/attestation';
import { devnetTrustStore } from '@xmargin/attestation/testing';
import type { XmarginClient } from '@xmargin/client';
import type { EvmDevnet } from '@xmargin/devnet';
import { type Address, stringToHex } from 'viem';

/** Trusts the devnet guardians and registers the devnet vault and its tokens with the engine. */
export async function registerDevnet(
  admin: XmarginClient,
  evm: EvmDevnet,
  extra: {
    pythFeeds?: { feedId: string; symbol: string }[];
    tokens?: { chain: string; token: string; asset: string; decimals: number }[];
  } = {},
): Promise<void> {
  await admin.admin.setTrustStore(
    trustStoreToJson(devnetTrustStore()) as Parameters<XmarginClient['admin']['setTrustStore']>[0],
  );
  await admin.admin.setAttestationRegistry({
    emitters: [
      { kind: 'collateral', emitterChain: 2, emitterAddress: evm.contracts.vault, chain: 'evm-devnet' },
    ],
    tokens: evm.contracts.tokens
      .map((t) => ({
        chain: 'evm-devnet',
        token: t.address.toLowerCase(),
        asset: t.symbol,
        decimals: t.decimals,
      }))
      .concat(extra.tokens ?? []),
    pythFeeds: extra.pythFeeds ?? [],
  });
}

/** Creates a margin account and links a ganache account to it by signing the engine's challenge. */
export async function linkedAccount(
  admin: XmarginClient,
  evm: EvmDevnet,
  accountId: string,
  address: Address,
): Promise<void> {
  await admin.accounts.create({ accountId });
  const challenge = await admin.accounts.createChallenge(accountId, { chain: 'evm', address });
  // ganache has no personal_sign; its eth_sign applies the same EIP-191 prefix.
  const signature = await evm.walletClient.request({
    method: 'eth_sign',
    params: [address, stringToHex(challenge.message)],
  });
  await admin.accounts.linkAddress(accountId, {
    challengeId: challenge.challengeId,
    chain: 'evm',
    address,
    signature,
  });
}

/**
 * Creates a margin account and links a Solana wallet to it: the engine's challenge signed with the
 * wallet's ed25519 key (node:crypto, from the 32-byte seed of a web3.js secret key).
 */
export async function linkedSolanaAccount(
  admin: XmarginClient,
  accountId: string,
  wallet: { publicKey: { toBase58(): string }; secretKey: Uint8Array },
): Promise<void> {
  const address = wallet.publicKey.toBase58();
  await admin.accounts.create({ accountId });
  const challenge = await admin.accounts.createChallenge(accountId, { chain: 'solana', address });
  const pkcs8 = Buffer.concat([
    Buffer.from('302e020100300506032b657004220420', 'hex'),
    wallet.secretKey.subarray(0, 32),
  ]);
  const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const signature = `0x${sign(null, Buffer.from(challenge.message, 'utf8'), key).toString('hex')}`;
  await admin.accounts.linkAddress(accountId, {
    challengeId: challenge.challengeId,
    chain: 'solana',
    address,
    signature,
  });
}
