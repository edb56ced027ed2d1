import { z } from 'zod';
import { accountIdString, finite, unixSeconds } from './common.js';

const underlying = z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'expected 1-32 of [A-Za-z0-9._-]');
const positionId = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'expected 1-128 of [A-Za-z0-9._-]');

/** A position as spec section 6 defines it, plus the protocol's own id for it. */
export const positionBody = z.discriminatedUnion('type', [
  z
    .object({
      id: positionId,
      type: z.literal('option'),
      underlying,
      expiry: unixSeconds,
      strike: finite.positive(),
      right: z.enum(['call', 'put']),
      quantity: finite,
    })
    .strict(),
  z
    .object({
      id: positionId,
      type: z.literal('perp'),
      underlying,
      quantity: finite,
      entryPrice: finite.positive(),
      funding: finite.optional(),
    })
    .strict(),
  z
    .object({
      id: positionId,
      type: z.literal('future'),
      underlying,
      expiry: unixSeconds,
      quantity: finite,
      entryPrice: finite.positive(),
    })
    .strict(),
]);
export type PositionBody = z.infer<typeof positionBody>;

/** Upserts the caller protocol's positions; `replace: true` also removes its positions not listed. */
export const upsertPositionsBody = z
  .object({
    positions: z.array(positionBody).max(1_000),
    replace: z.boolean().default(false),
  })
  .strict()
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.positions.forEach((p, i) => {
      if (seen.has(p.id))
        ctx.addIssue({ code: 'custom', path: ['positions', i, 'id'], message: 'duplicate id' });
      seen.add(p.id);
    });
  });

export const storedPosition = z.object({
  protocol: z.string(),
  position: positionBody,
  updatedAt: unixSeconds,
});

export const positionsDto = z.object({
  accountId: accountIdString,
  positions: z.array(storedPosition),
  /** Recompute job for this change (absent on reads). */
  jobId: z.string().optional(),
});

export const positionParams = z.object({ accountId: accountIdString, positionId });
