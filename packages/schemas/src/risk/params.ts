import { z } from 'zod';

const finite = z.number();
const nonNegative = z.number().nonnegative();
const positive = z.number().positive();
const unit = z.number().min(0).max(1);

export const volDirectionSchema = z.enum(['up', 'none', 'down']);

export const scenarioSchema = z.strictObject({
  spotShock: positive,
  vol: volDirectionSchema,
  weight: nonNegative.optional(),
});

export const haircutTierSchema = z.strictObject({ upTo: positive.optional(), haircut: unit });

export const assetParamsSchema = z
  .strictObject({
    underlying: z.string().min(1).optional(),
    mmHaircut: unit.optional(),
    imHaircut: unit.optional(),
    tiers: z.array(haircutTierSchema).min(1).optional(),
  })
  .superRefine((a, ctx) => {
    const tiers = a.tiers ?? [];
    let last = 0;
    tiers.forEach((t, i) => {
      if (t.upTo === undefined) {
        if (i !== tiers.length - 1) {
          ctx.addIssue({
            code: 'custom',
            path: ['tiers', i, 'upTo'],
            message: 'only the last tier may omit upTo',
          });
        }
        return;
      }
      if (t.upTo <= last) {
        ctx.addIssue({ code: 'custom', path: ['tiers', i, 'upTo'], message: 'tier bounds must increase' });
      }
      last = t.upTo;
    });
  });

// Each group is declared once; `partial` makes every field optional for preset overrides.
function groups(partial: boolean) {
  const o = <T extends z.ZodRawShape>(shape: T) => {
    const s = z.strictObject(shape);
    return partial ? s.partial() : s;
  };
  return {
    basis: o({ spotUp: positive, spotDown: positive, addFactor: nonNegative, multFactor: nonNegative }),
    volShock: o({
      rangeUp: nonNegative,
      rangeDown: nonNegative,
      shortTermPower: finite,
      longTermPower: finite,
      dteFloorSeconds: positive,
      minVolUp: nonNegative.optional(),
    }),
    staticDiscount: o({ base: nonNegative, rateMultScale: nonNegative, rateAddScale: finite }),
    contingency: o({ basePercent: nonNegative, perpPercent: nonNegative, optionPercent: nonNegative }),
    confidence: o({ threshold: unit, margin: nonNegative }),
    peg: o({ threshold: nonNegative, factor: nonNegative }),
    cross: z
      .strictObject({
        futureIm: nonNegative,
        futureMm: nonNegative,
        optionShortA: nonNegative,
        optionShortB: nonNegative,
        optionMmFactor: nonNegative,
      })
      .partial(),
  };
}

const full = groups(false);
const part = groups(true);

const optionalFields = {
  mmFactor: nonNegative.optional(),
  discountOptionValues: z.boolean().optional(),
  collateralMaxAgeSeconds: z.number().int().nonnegative().nullable().optional(),
  assets: z.record(z.string().min(1), assetParamsSchema).optional(),
  cross: full.cross.optional(),
};

/** Overrides of a preset: every field, at every depth, optional; arrays replace the preset's. */
export const paramsOverridesSchema = z.strictObject({
  scenarios: z.array(scenarioSchema).min(1).optional(),
  basis: part.basis.optional(),
  volShock: part.volShock.optional(),
  staticDiscount: part.staticDiscount.optional(),
  contingency: part.contingency.optional(),
  confidence: part.confidence.optional(),
  peg: part.peg.optional(),
  imFactor: nonNegative.optional(),
  ...optionalFields,
});

/** A complete parameter object (spec section 6). */
export const fullParamsSchema = z.strictObject({
  scenarios: z.array(scenarioSchema).min(1),
  basis: full.basis,
  volShock: full.volShock,
  staticDiscount: full.staticDiscount,
  contingency: full.contingency,
  confidence: full.confidence,
  peg: full.peg,
  imFactor: nonNegative,
  ...optionalFields,
});

/** `{ "preset": name, "overrides": {...} }`. */
export const presetParamsSchema = z.strictObject({
  preset: z.string().min(1),
  overrides: paramsOverridesSchema.optional(),
});

/**
 * `params` of a document. The branch is chosen by the presence of `preset`, so errors name the
 * fields of the intended shape instead of a generic "no union member matched".
 */
export const paramsSpecSchema = z.unknown().transform((value, ctx) => {
  const schema =
    typeof value === 'object' && value !== null && 'preset' in value ? presetParamsSchema : fullParamsSchema;
  const r = schema.safeParse(value);
  if (r.success) return r.data as z.output<typeof presetParamsSchema> | z.output<typeof fullParamsSchema>;
  // Re-raise the branch's issues unchanged (code, path, message) under `params`.
  for (const issue of r.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
  return z.NEVER;
});
