import { trustStoreToJson } from '@xmargin/attestation';
import { devnetTrustStore } from '@xmargin/attestation/testing';
import type { XmarginClient } from '@xmargin/client';
import { type Address, stringToHex } from 'viem';
import type { EvmDevnet } from './devnet.js';

/** Trusts the devnet guardians and registers the devnet vault and its tokens with the engine. */
export async function registerDevnet(
  admin: XmarginClient,
  evm: EvmDevnet,
  extra: { pythFeeds?: { feedId: string; symbol: string }[] } = {},
): Promise<void> {
  await admin.admin.setTrustStore(
    trustStoreToJson(devnetTrustStore()) as Parameters<XmarginClient['admin']['setTrustStore']>[0],
  );
  await admin.admin.setAttestationRegistry({
    emitters: [
      { kind: 'collateral', emitterChain: 2, emitterAddress: evm.contracts.vault, chain: 'evm-devnet' },
    ],
    tokens: evm.contracts.tokens.map((t) => ({
      chain: 'evm-devnet',
      token: t.address.toLowerCase(),
      asset: t.symbol,
      decimals: t.decimals,
    })),
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
