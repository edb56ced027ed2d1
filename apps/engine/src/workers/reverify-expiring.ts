import { resolveParams } from '@xmargin/risk';
import type { EngineContext } from '../context.js';

/**
 * Balances proven by attestations (VAA, Wormhole Queries) count only while fresh: the active risk
 * parameters' `collateralMaxAgeSeconds`. This finds attested balances that will expire within the
 * horizon and asks for a re-attestation by publishing them on a Redis stream that relayers consume
 * (`<prefix>:reverify-requests`); it also recomputes those accounts so a balance that does expire stops
 * counting as soon as the next snapshot is taken.
 */
export async function reverifyExpiring(ctx: EngineContext, horizonSeconds: number) {
  const { params } = await ctx.globalInputs.get();
  const maxAge = resolveParams(params).collateralMaxAgeSeconds;
  if (maxAge === null) return { requested: 0, accounts: 0 }; // attested balances never expire
  const now = Math.floor(ctx.now() / 1000);
  const cutoff = now - Math.max(0, maxAge - horizonSeconds);
  const { rows } = await ctx.store.db.query<{
    account_id: string;
    chain: string;
    asset: string;
    observed_at: string;
  }>(
    `SELECT account_id, chain, asset, observed_at::text AS observed_at FROM balances
     WHERE source IN ('vaa', 'query') AND amount > 0 AND observed_at <= $1
     ORDER BY observed_at LIMIT 10000`,
    [cutoff],
  );
  const stream = `${ctx.settings.queuePrefix}:reverify-requests`;
  const pipeline = ctx.redis.pipeline();
  const accounts = new Set<string>();
  for (const r of rows) {
    accounts.add(r.account_id);
    pipeline.xadd(
      stream,
      'MAXLEN',
      '~',
      '100000',
      '*',
      'account',
      r.account_id,
      'chain',
      r.chain,
      'asset',
      r.asset,
      'observedAt',
      r.observed_at,
    );
  }
  if (rows.length > 0) await pipeline.exec();
  for (const a of accounts) await ctx.producers.enqueueRecompute(a, { reason: 'reverify' });
  return { requested: rows.length, accounts: accounts.size };
}
