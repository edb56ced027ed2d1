import type { XmarginClient } from '@xmargin/client';
import { waitFor } from './wait-for.js';

export type MarginSnapshot = Awaited<ReturnType<XmarginClient['margin']['get']>>;

/**
 * Polls `GET /v1/accounts/:id/margin` until the snapshot satisfies `accept` (the first snapshot only
 * exists once a worker has computed it, so "no snapshot yet" is "not yet").
 */
export function waitForMargin(
  client: XmarginClient,
  accountId: string,
  accept: (m: MarginSnapshot) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<MarginSnapshot> {
  let last: MarginSnapshot | undefined;
  return waitFor(
    async () => {
      last = await client.margin.get(accountId);
      return accept(last) ? last : undefined;
    },
    { what, timeoutMs, intervalMs: 150 },
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}; last summary ${JSON.stringify(last?.summary)}`, {
      cause: err,
    });
  });
}
