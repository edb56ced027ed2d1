import type { RecomputeReason } from '@xmargin/schemas/jobs';
import type { EngineContext } from '../context.js';

/** Enqueues a recompute of every account (parameter activation changes them all); returns the count. */
export async function recomputeAll(ctx: EngineContext, reason: RecomputeReason): Promise<number> {
  const requestedAt = ctx.now();
  let after: string | undefined;
  let n = 0;
  for (;;) {
    const page = await ctx.store.accounts.list({
      limit: 1_000,
      ...(after === undefined ? {} : { after: after as never }),
    });
    if (page.length === 0) return n;
    for (const a of page) await ctx.producers.enqueueRecompute(a.id, { reason, requestedAt });
    n += page.length;
    after = page[page.length - 1]?.id;
  }
}
