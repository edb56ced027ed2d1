import { resolveParams } from '@xmargin/risk';
import type { Redis } from 'ioredis';
import type { EngineContext } from '../context.js';

export interface ReverifyRequest {
  /** Stream entry id: the feed's cursor. */
  readonly id: string;
  readonly accountId: string;
  readonly chain: string;
  readonly asset: string;
  readonly source: 'vaa' | 'query';
  readonly holder: string;
  readonly observedAt: number;
}

/**
 * Reads the re-attestation requests after `after` (exclusive), oldest first, for relayers
 * (`GET /v1/attestations/reverify-requests`). `next` is the id of the last entry read, or `after` when
 * there was none; an entry that does not parse (written by an older version) is skipped but still
 * advances the cursor, since the job publishes every expiring balance again on its next run.
 */
export async function readReverifyRequests(
  redis: Redis,
  stream: string,
  after: string | undefined,
  limit: number,
): Promise<{ requests: ReverifyRequest[]; next: string | null }> {
  const entries = await redis.xrange(stream, after ? `(${after}` : '-', '+', 'COUNT', limit);
  const requests: ReverifyRequest[] = [];
  for (const [id, fields] of entries) {
    const f = new Map<string, string>();
    for (let i = 0; i + 1 < fields.length; i += 2) f.set(fields[i]!, fields[i + 1]!);
    const source = f.get('source');
    const observedAt = Number(f.get('observedAt'));
    const [accountId, chain, asset, holder] = ['account', 'chain', 'asset', 'holder'].map((k) => f.get(k));
    if (!accountId || !chain || !asset || holder === undefined) continue;
    if ((source !== 'vaa' && source !== 'query') || !Number.isSafeInteger(observedAt)) continue;
    requests.push({ id, accountId, chain, asset, source, holder, observedAt });
  }
  return { requests, next: entries.at(-1)?.[0] ?? after ?? null };
}

/**
 * Balances proven by attestations (VAA, Wormhole Queries) count only while fresh: the active risk
 * parameters' `collateralMaxAgeSeconds`. This finds attested balances that will expire within the
 * horizon and asks for a re-attestation by publishing them on a Redis stream that relayers consume
 * (`<prefix>:reverify-requests`); it also recomputes those accounts so a balance that does expire stops
 * counting as soon as the next snapshot is taken.
 */
export async function reverifyExpiring(
  ctx: Pick<EngineContext, 'store' | 'redis' | 'keys' | 'globalInputs' | 'shardEvents' | 'now'>,
  horizonSeconds: number,
) {
  const { params } = await ctx.globalInputs.get();
  const maxAge = resolveParams(params).collateralMaxAgeSeconds;
  if (maxAge === null) return { requested: 0, accounts: 0 }; // attested balances never expire
  const now = Math.floor(ctx.now() / 1000);
  const cutoff = now - Math.max(0, maxAge - horizonSeconds);
  const { rows } = await ctx.store.db.query<{
    account_id: string;
    chain: string;
    asset: string;
    source: string;
    holder: string;
    observed_at: string;
  }>(
    `SELECT account_id, chain, asset, source, holder, observed_at::text AS observed_at FROM balances
     WHERE source IN ('vaa', 'query') AND amount > 0 AND observed_at <= $1
     ORDER BY observed_at LIMIT 10000`,
    [cutoff],
  );
  const stream = ctx.keys.reverifyRequests;
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
      'source',
      r.source,
      'holder',
      r.holder,
      'observedAt',
      r.observed_at,
    );
  }
  if (rows.length > 0) await pipeline.exec();
  await ctx.shardEvents.accountsChanged([...accounts], ctx.now());
  return { requested: rows.length, accounts: accounts.size };
}
