import { z } from 'zod';

/** The volatility scaler's policy (dynamic parameters): EWMA half-life, step bounds, base parameters. */
export const dynamicPolicyBody = z
  .object({
    halfLifeSeconds: z.number().int().positive(),
    intervalSeconds: z.number().int().positive(),
    /** Largest relative change of a scale per interval (0.25 = 25%). */
    maxStep: z.number().nonnegative(),
    /** The operator's parameters the automatic versions scale (spec section 6 `params`). */
    baseParams: z.record(z.string(), z.unknown()),
  })
  .strict();

/** One asset enrolled in the scaler: mode (pin, disable) and operator bounds of its scale. */
export const dynamicAssetBody = z
  .object({
    mode: z.enum(['auto', 'pinned', 'disabled']),
    referenceVol: z.number().positive(),
    floor: z.number().positive(),
    cap: z.number().positive(),
    pinnedScale: z.number().positive().optional(),
  })
  .strict()
  .refine((a) => a.cap >= a.floor, { path: ['cap'], message: 'cap must be >= floor' })
  .refine((a) => a.mode !== 'pinned' || a.pinnedScale !== undefined, {
    path: ['pinnedScale'],
    message: 'required when pinned',
  });

export const dynamicParamsDto = z.object({
  policy: dynamicPolicyBody.nullable(),
  assets: z.array(
    z.object({
      asset: z.string(),
      mode: z.enum(['auto', 'pinned', 'disabled']),
      referenceVol: z.number(),
      floor: z.number(),
      cap: z.number(),
      pinnedScale: z.number().nullable(),
      volatility: z.number(),
      scale: z.number(),
      scaleChangedAt: z.number().int().nullable(),
    }),
  ),
});
