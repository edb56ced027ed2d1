import type { EngineContext } from '../context.js';

/**
 * A parameter activation changes every account: one `params` event per shard (each owner updates its
 * book once), not one recompute per account. Returns how many accounts that covers.
 */
export async function recomputeAll(
  ctx: Pick<EngineContext, 'store' | 'shardEvents' | 'now'>,
): Promise<number> {
  await ctx.shardEvents.paramsChanged(ctx.now());
  let after: string | undefined;
  let n = 0;
  for (;;) {
    const page = await ctx.store.accounts.list({
      limit: 5_000,
      ...(after === undefined ? {} : { after: after as never }),
    });
    n += page.length;
    if (page.length < 5_000) return n;
    after = page[page.length - 1]?.id;
  }
}
