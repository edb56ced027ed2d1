import { Keypair } from '@solana/web3.js';
import type { XmarginClient } from '@xmargin/client';
import { type Address, parseUnits } from 'viem';
import { type AccountSigner, grantProtocol } from './grant-protocol.js';
import { linkEvmAddress, linkSolanaAddress } from './link-address.js';
import type { RelayerQueryTarget } from './relayer-process.js';
import { type Stack, WORMHOLE_CHAIN } from './stack.js';

export interface SeedPosition {
  readonly protocol: string;
  readonly position: Parameters<XmarginClient['positions']['upsert']>[1]['positions'][number];
}

export interface SeedAccountSpec {
  readonly id: string;
  /** Funded devnet account (same address on both EVM devnets) that deposits into the vaults. */
  readonly evmAddress?: Address;
  /** Vault deposits in whole token units. */
  readonly vault?: readonly {
    readonly chain: 'evm-devnet' | 'evm-devnet-2';
    readonly token: 'USDC' | 'WETH';
    readonly amount: number;
  }[];
  /** USDC in an SPL token account owned by a fresh Solana wallet (attested with Queries). */
  readonly solanaUsdc?: number;
  readonly positions?: readonly SeedPosition[];
}

export interface SeededAccount {
  readonly id: string;
  /** Vault messages the deposits published (each becomes one VAA). */
  readonly vaultMessages: number;
  /** The relayer's Queries target for the Solana token account, if any. */
  readonly query: RelayerQueryTarget | undefined;
  /** Reports the positions through their protocols (already done unless `deferPositions`). */
  readonly reportPositions: () => Promise<void>;
}

/**
 * Sets up one margin account as its owner and its protocols would: creates it, links its EVM and
 * Solana addresses with signed challenges, deposits into the vaults, funds an SPL token account, and
 * reports positions through each protocol's own API key. Attestations then flow through the relayer.
 */
export async function seedAccount(
  stack: Stack,
  spec: SeedAccountSpec,
  /** Leave the positions for `reportPositions`: e.g. until the collateral's attestations have landed. */
  options: { readonly deferPositions?: boolean } = {},
): Promise<SeededAccount> {
  const ownerProtocol = spec.positions?.[0]?.protocol ?? 'owner';
  const owner = await stack.protocol(ownerProtocol);
  await owner.accounts.create({ accountId: spec.id });
  let signer: AccountSigner | undefined;
  let vaultMessages = 0;
  const vault = spec.vault ?? [];
  if (vault.length > 0) {
    const address = spec.evmAddress;
    if (!address) throw new Error(`${spec.id}: vault deposits need an evmAddress`);
    await linkEvmAddress(owner, spec.id, stack.evm.walletClient, address);
    signer = { chain: 'evm', wallet: stack.evm.walletClient, address };
    for (const d of vault) {
      const devnet = d.chain === 'evm-devnet' ? stack.evm : stack.evm2;
      if (!devnet) throw new Error(`${spec.id}: the stack has no ${d.chain}`);
      const amount = parseUnits(String(d.amount), devnet.token(d.token).decimals);
      await devnet.mint({ token: d.token, to: address, amount });
      await devnet.deposit({ from: address, token: d.token, amount });
      vaultMessages++;
    }
  }
  let query: RelayerQueryTarget | undefined;
  if ((spec.solanaUsdc ?? 0) > 0) {
    const { solana, solanaUsdc } = stack;
    if (!solana || !solanaUsdc) throw new Error(`${spec.id}: the stack has no Solana devnet`);
    const wallet = Keypair.generate();
    await linkSolanaAddress(owner, spec.id, wallet);
    signer ??= { chain: 'solana', keypair: wallet };
    const tokenAccount = await solana.createTokenAccount(wallet.publicKey, solanaUsdc);
    await solana.mintTo(solanaUsdc, tokenAccount, parseUnits(String(spec.solanaUsdc), 6));
    query = {
      kind: 'spl-account',
      accountId: spec.id,
      chain: 'solana-devnet',
      wormholeChainId: WORMHOLE_CHAIN['solana-devnet'],
      mint: solanaUsdc.toBase58(),
      tokenAccount: tokenAccount.toBase58(),
      validitySeconds: 3_600,
      refreshBeforeExpirySeconds: 600,
    };
  }
  const reportPositions = async () => {
    const byProtocol = new Map<string, SeedPosition['position'][]>();
    for (const p of spec.positions ?? [])
      byProtocol.set(p.protocol, [...(byProtocol.get(p.protocol) ?? []), p.position]);
    for (const [protocol, positions] of byProtocol) {
      const client = await stack.protocol(protocol);
      // The creating protocol is authorised; the account's owner grants the others with a signature.
      if (protocol !== ownerProtocol) {
        if (!signer)
          throw new Error(`${spec.id}: positions of a second protocol need a linked address to grant it`);
        await grantProtocol(client, spec.id, protocol, signer);
      }
      await client.positions.upsert(spec.id, { positions });
    }
  };
  if (!options.deferPositions) await reportPositions();
  return { id: spec.id, vaultMessages, query, reportPositions };
}
