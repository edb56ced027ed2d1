import { z } from 'zod';
import { positionSchema } from './document.js';

export const whatIfChangeSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('position'), position: positionSchema }),
  z.strictObject({
    type: z.literal('collateral'),
    asset: z.string().min(1),
    amount: z.number(),
    chain: z.string().min(1).optional(),
  }),
  z.strictObject({ type: z.literal('cash'), amount: z.number() }),
]);

/** A what-if file: the changes, and which position change to size (default: the last one). */
export const whatIfDocumentSchema = z
  .strictObject({
    changes: z.array(whatIfChangeSchema).min(1),
    sizeChange: z.number().int().nonnegative().optional(),
    maxSizeMultiple: z.number().positive().optional(),
  })
  .superRefine((d, ctx) => {
    if (d.sizeChange !== undefined && d.changes[d.sizeChange]?.type !== 'position') {
      ctx.addIssue({
        code: 'custom',
        path: ['sizeChange'],
        message: 'must be the index of a position change',
      });
    }
  });

// The HTTP form of a what-if (`POST /v1/accounts/:id/margin/what-if`), read by the CLI too. Positions
// carry the protocol's `id` there; a document has no stored ids, so the id is dropped and `remove` refused.
const httpPosition = z.preprocess((v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
  const { id: _id, ...rest } = v as Record<string, unknown>;
  return rest;
}, positionSchema);

const exactDecimal = z
  .string()
  .regex(/^-?\d{1,60}(\.\d{1,30})?$/, 'expected a decimal string such as "-12.5"');

/**
 * The HTTP what-if body as a what-if document: each upserted position a position change (sized: the
 * last one), each collateral delta a collateral change. `positions.remove` and `market` have no meaning
 * against a document (no stored ids, the document is the market) and are refused with their paths.
 */
export const whatIfHttpFormSchema = z
  .strictObject({
    positions: z
      .strictObject({
        upsert: z.array(httpPosition).default([]),
        remove: z.array(z.string()).max(0, 'a document has no stored positions to remove').default([]),
      })
      .default({ upsert: [], remove: [] }),
    collateral: z
      .array(z.strictObject({ asset: z.string().min(1), chain: z.string().min(1), delta: exactDecimal }))
      .default([]),
  })
  .transform((b) => ({
    changes: [
      ...b.collateral.map((c) => ({
        type: 'collateral' as const,
        asset: c.asset,
        amount: Number(c.delta),
        chain: c.chain,
      })),
      ...b.positions.upsert.map((position) => ({ type: 'position' as const, position })),
    ],
  }))
  .refine((d) => d.changes.length > 0, { message: 'no change proposed', path: [] });
