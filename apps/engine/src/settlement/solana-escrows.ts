import { createSolanaEscrowClient, escrowAuthority, type SolanaEscrowClient } from '@xmargin/chain-solana';
import type { AccountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import type { SolanaEscrowRecord } from '@xmargin/store';
import { hexToBytes } from 'viem';
import type { EngineContext } from '../context.js';
import type { SettlementSettings, SolanaNetwork } from './settlement-settings.js';

/**
 * The engine's Solana escrows (README "Collateral trust model"): one SPL token account per
 * (account, mint), owned by the escrow authority derived from the settlement key, recorded in Postgres
 * so the indexer reads it as an escrowed balance.
 */
export interface SolanaEscrows {
  /** Whether `chain` is a Solana network of this engine (its withdrawals are escrow transfers). */
  has(chain: string): boolean;
  /** The mint and decimals of an asset on a Solana network; SETTLEMENT__REQUEST_INVALID when unknown. */
  token(chain: string, asset: string): { mint: string; decimals: number };
  client(chain: string): SolanaEscrowClient;
  /** Creates (once) and records the account's escrow for an asset. */
  open(
    ctx: Pick<EngineContext, 'store'>,
    id: AccountId,
    chain: string,
    asset: string,
  ): Promise<SolanaEscrowRecord>;
}

function notConfigured(reason: string): AppError {
  return new AppError('SETTLEMENT__NOT_CONFIGURED', { context: { reason } });
}

export function createSolanaEscrows(settings: SettlementSettings): SolanaEscrows {
  const networks = new Map<string, SolanaNetwork>((settings.solanaNetworks ?? []).map((n) => [n.chain, n]));
  const clients = new Map<string, SolanaEscrowClient>();
  const network = (chain: string): SolanaNetwork => {
    const n = networks.get(chain);
    if (!n) throw notConfigured(`no Solana network is configured for chain ${chain}`);
    return n;
  };
  const escrows: SolanaEscrows = {
    has: (chain) => networks.has(chain),
    token(chain, asset) {
      const entry = Object.entries(network(chain).mints).find(([, t]) => t.asset === asset);
      if (!entry) {
        const reason = `asset ${asset} is not a collateral mint on ${chain}`;
        throw new AppError('SETTLEMENT__REQUEST_INVALID', { context: { reason }, shortMessage: reason });
      }
      return { mint: entry[0], decimals: entry[1].decimals };
    },
    client(chain) {
      const n = network(chain);
      if (!settings.privateKey) throw notConfigured('SETTLEMENT_PRIVATE_KEY is not set');
      let c = clients.get(chain);
      if (!c) {
        c = createSolanaEscrowClient({
          chain,
          rpcUrl: n.rpcUrl,
          authority: escrowAuthority(hexToBytes(settings.privateKey)),
        });
        clients.set(chain, c);
      }
      return c;
    },
    async open(ctx, id, chain, asset) {
      await ctx.store.accounts.require(id);
      const { mint } = escrows.token(chain, asset);
      const opened = await escrows.client(chain).openEscrow(id, mint);
      return ctx.store.solanaEscrows.record({
        account: id,
        chain,
        mint,
        asset,
        tokenAccount: opened.address,
        authority: opened.authority,
      });
    },
  };
  return escrows;
}
