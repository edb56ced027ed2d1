import { randomBytes } from 'node:crypto';
import { createEvmCollateralSource } from '@xmargin/chain-evm';
import { createSolanaCollateralSource, type RegisteredTokenAccount } from '@xmargin/chain-solana';
import type { AccountId, CollateralPollResult, CollateralSource, EvmAddress } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import type { IndexNetwork } from '@xmargin/schemas/env';
import type { EngineContext } from '../context.js';

export interface ChainIndexer {
  readonly chains: readonly string[];
  /** One polling round of a network: what became final goes into the ledger, in one transaction. */
  indexChain(chain: string): Promise<{ applied: number; accounts: string[] }>;
  close(): Promise<void>;
}

type Links = ReadonlyMap<string, AccountId>;

export interface ChainIndexerOptions {
  /**
   * Runs in each round after the balances are read and before they are written, with the height they
   * were read to; returns the accounts it changed (the engine reads vault settlement events here).
   */
  readonly beforeIngest?: (chain: string, height: bigint) => Promise<readonly string[]>;
}

/**
 * Drives the chain adapters from the `index-chain` job. EVM holders map to accounts through the linked
 * EVM addresses; Solana wallets linked to accounts are registered as token-account owners (unescrowed
 * balances) and the accounts' escrow token accounts as escrows (escrowed balances). Links are
 * reloaded each round, so a link made a second ago counts (the Solana source is rebuilt when they
 * change). A Redis lock per network keeps two workers from polling the same network at once (the job
 * repeats; a slow round must not overlap the next).
 */
export function createChainIndexer(
  ctx: EngineContext,
  networks: readonly IndexNetwork[],
  opts: ChainIndexerOptions = {},
): ChainIndexer {
  const byChain = new Map(networks.map((n) => [n.chain, n]));
  const evmLinks = new Map<string, AccountId>();
  const sources = new Map<string, { source: CollateralSource; key: string }>();

  async function links(platform: 'evm' | 'solana'): Promise<Links> {
    const { rows } = await ctx.store.db.query<{ address: string; account_id: string }>(
      'SELECT address, account_id FROM linked_addresses WHERE chain = $1 ORDER BY address',
      [platform],
    );
    return new Map(rows.map((r) => [r.address, r.account_id as AccountId]));
  }

  async function source(chain: string): Promise<CollateralSource | undefined> {
    const n = byChain.get(chain);
    if (!n)
      throw new AppError('CHAIN__INVALID_CONFIG', {
        context: { chain, reason: 'network is not configured' },
      });
    if (n.platform === 'evm') {
      evmLinks.clear();
      for (const [a, id] of await links('evm')) evmLinks.set(a, id);
      const existing = sources.get(chain);
      if (existing) return existing.source;
      const created = createEvmCollateralSource({
        chain: n.chain,
        rpcUrl: n.rpcUrl,
        vaults: n.vaults.map((v) => ({ address: v.address as EvmAddress, startBlock: v.startBlock })),
        tokens: n.tokens,
        resolveAccount: (holder) => evmLinks.get(holder),
        ...(n.multicallAddress === undefined ? {} : { multicallAddress: n.multicallAddress as EvmAddress }),
        ...(n.finalityDepth === undefined ? {} : { finalityDepth: n.finalityDepth }),
      });
      sources.set(chain, { source: created, key: '' });
      return created;
    }
    const owners = await links('solana');
    const escrows = await ctx.store.solanaEscrows.listByChain(chain);
    if (owners.size === 0 && escrows.length === 0) return undefined; // nobody to index yet
    const key = [
      ...[...owners].map(([a, id]) => `${a}=${id}`),
      ...escrows.map((e) => `escrow:${e.tokenAccount}=${e.account}`),
    ].join(',');
    const existing = sources.get(chain);
    if (existing && existing.key === key) return existing.source;
    await existing?.source.close();
    const byAccount = new Map<AccountId, { owners: string[]; tokenAccounts: RegisteredTokenAccount[] }>();
    const entry = (id: AccountId) => {
      let e = byAccount.get(id);
      if (!e) {
        e = { owners: [], tokenAccounts: [] };
        byAccount.set(id, e);
      }
      return e;
    };
    for (const [address, id] of owners) entry(id).owners.push(address);
    // Escrows are read as escrowed balances: their owner must still be the escrow authority.
    for (const e of escrows)
      entry(e.account).tokenAccounts.push({
        address: e.tokenAccount,
        mint: e.mint,
        owner: e.authority,
        escrow: true,
      });
    const created = createSolanaCollateralSource({
      chain: n.chain,
      rpcUrl: n.rpcUrl,
      mints: n.mints,
      accounts: [...byAccount].map(([account, r]) => ({ account, ...r })),
    });
    sources.set(chain, { source: created, key });
    return created;
  }

  return {
    chains: networks.map((n) => n.chain),
    async indexChain(chain) {
      const lockKey = ctx.keys.indexLock(chain);
      const token = randomBytes(8).toString('hex');
      if ((await ctx.redis.set(lockKey, token, 'PX', 120_000, 'NX')) !== 'OK')
        return { applied: 0, accounts: [] };
      try {
        const src = await source(chain);
        if (!src) return { applied: 0, accounts: [] };
        const cursor = (await ctx.store.cursors.get(chain)) ?? undefined;
        const result: CollateralPollResult = await src.poll(cursor);
        const settled = (await opts.beforeIngest?.(chain, result.cursor.height)) ?? [];
        const ingested = await ctx.store.balances.ingestPoll(result);
        // Nothing applied (every observation already known) means no account changed.
        const changed = ingested.applied + ingested.rolledBack > 0;
        const accounts = new Set<string>(settled);
        if (changed) for (const o of result.observations) accounts.add(o.account);
        return {
          applied: ingested.applied + ingested.rolledBack + settled.length,
          accounts: [...accounts].sort(),
        };
      } finally {
        if ((await ctx.redis.get(lockKey)) === token) await ctx.redis.del(lockKey);
      }
    },
    async close() {
      await Promise.all([...sources.values()].map((s) => s.source.close()));
    },
  };
}
