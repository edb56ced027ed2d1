import { randomBytes } from 'node:crypto';
import { createEvmCollateralSource, type EvmCollateralSource } from '@xmargin/chain-evm';
import type { AccountId, EvmAddress } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import type { IndexNetwork } from '@xmargin/schemas/env';
import type { EngineContext } from '../context.js';

export interface ChainIndexer {
  readonly chains: readonly string[];
  /** One polling round of a network: new final vault events into the ledger, in one transaction. */
  indexChain(chain: string): Promise<{ applied: number; accounts: string[] }>;
  close(): Promise<void>;
}

/**
 * Drives the EVM adapters from the `index-chain` job. Holders map to accounts through the linked EVM
 * addresses (reloaded each round, so a link made a second ago counts). A Redis lock per network keeps
 * two workers from polling the same network at once (the job repeats; a slow round must not overlap
 * the next).
 */
export function createChainIndexer(ctx: EngineContext, networks: readonly IndexNetwork[]): ChainIndexer {
  const links = new Map<string, AccountId>();
  const sources = new Map<string, EvmCollateralSource>();
  const byChain = new Map(networks.map((n) => [n.chain, n]));

  function source(chain: string): EvmCollateralSource {
    let s = sources.get(chain);
    if (!s) {
      const n = byChain.get(chain);
      if (!n)
        throw new AppError('CHAIN__INVALID_CONFIG', {
          context: { chain, reason: 'network is not configured' },
        });
      s = createEvmCollateralSource({
        chain: n.chain,
        rpcUrl: n.rpcUrl,
        vaults: n.vaults.map((v) => ({ address: v.address as EvmAddress, startBlock: v.startBlock })),
        tokens: n.tokens,
        resolveAccount: (holder) => links.get(holder),
        ...(n.multicallAddress === undefined ? {} : { multicallAddress: n.multicallAddress as EvmAddress }),
        ...(n.finalityDepth === undefined ? {} : { finalityDepth: n.finalityDepth }),
      });
      sources.set(chain, s);
    }
    return s;
  }

  return {
    chains: networks.map((n) => n.chain),
    async indexChain(chain) {
      const lockKey = `${ctx.settings.queuePrefix}:index-lock:${chain}`;
      const token = randomBytes(8).toString('hex');
      if ((await ctx.redis.set(lockKey, token, 'PX', 120_000, 'NX')) !== 'OK')
        return { applied: 0, accounts: [] };
      try {
        const { rows } = await ctx.store.db.query<{ address: string; account_id: string }>(
          "SELECT address, account_id FROM linked_addresses WHERE chain = 'evm'",
        );
        links.clear();
        for (const r of rows) links.set(r.address, r.account_id as AccountId);
        const cursor = (await ctx.store.cursors.get(chain)) ?? undefined;
        const result = await source(chain).poll(cursor);
        const ingested = await ctx.store.balances.ingestPoll(result);
        const accounts = [...new Set(result.observations.map((o) => o.account as string))].sort();
        return { applied: ingested.applied + ingested.rolledBack, accounts };
      } finally {
        if ((await ctx.redis.get(lockKey)) === token) await ctx.redis.del(lockKey);
      }
    },
    async close() {
      await Promise.all([...sources.values()].map((s) => s.close()));
    },
  };
}
