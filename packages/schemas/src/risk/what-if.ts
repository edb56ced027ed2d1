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
