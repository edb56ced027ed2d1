import { presets } from '@xmargin/risk';
import { z } from 'zod';

const finite = z.number();
const nonNegative = z.number().nonnegative();
const positive = z.number().positive();
const unit = z.number().min(0).max(1);

export const volDirectionSchema = z.enum(['up', 'none', 'down']);
/** A scenario's vol: pmrm-2 adds the skew scenarios `linear` and `abs` (spot 1 only). */
export const scenarioVolSchema = z.enum(['up', 'none', 'down', 'linear', 'abs']);

const v1ScenarioSchema = z.strictObject({
  spotShock: positive,
  vol: volDirectionSchema,
  weight: nonNegative.optional(),
});

const pmrm2ScenarioSchema = z.strictObject({
  spotShock: positive,
  vol: scenarioVolSchema,
  weight: nonNegative.optional(),
});

// Skew scenarios sit at spot 1, at most one of each kind (section 9.1).
const pmrm2ScenariosSchema = z
  .array(pmrm2ScenarioSchema)
  .min(1)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((s, i) => {
      if (s.vol !== 'linear' && s.vol !== 'abs') return;
      if (s.spotShock !== 1) {
        ctx.addIssue({ code: 'custom', path: [i, 'spotShock'], message: 'a skew scenario has spotShock 1' });
      }
      if (seen.has(s.vol)) {
        ctx.addIssue({ code: 'custom', path: [i, 'vol'], message: `more than one "${s.vol}" scenario` });
      }
      seen.add(s.vol);
    });
  });

export const haircutTierSchema = z.strictObject({ upTo: positive.optional(), haircut: unit });

const assetFields = {
  underlying: z.string().min(1).optional(),
  mmHaircut: unit.optional(),
  imHaircut: unit.optional(),
  tiers: z.array(haircutTierSchema).min(1).optional(),
  /** Share of an unescrowed (wallet) balance that does not count; default 1 (none counts). */
  unescrowedHaircut: unit.optional(),
};

function checkTiers(a: { tiers?: { upTo?: number | undefined }[] | undefined }, ctx: z.RefinementCtx): void {
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
}

export const assetParamsSchema = z.strictObject(assetFields).superRefine(checkTiers);

/** pmrm-2 assets: `riskCancelling`, and the two haircuts together at most 1 (section 9.1). */
export const pmrm2AssetParamsSchema = z
  .strictObject({ ...assetFields, riskCancelling: z.boolean().optional() })
  .superRefine((a, ctx) => {
    checkTiers(a, ctx);
    if ((a.mmHaircut ?? 0) + (a.imHaircut ?? 0) > 1) {
      ctx.addIssue({ code: 'custom', path: ['imHaircut'], message: 'mmHaircut + imHaircut must be <= 1' });
    }
    if (a.riskCancelling === true && a.underlying === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['riskCancelling'],
        message: 'a risk-cancelling asset needs an underlying',
      });
    }
  });

// Each group is declared once; `partial` makes every field optional for preset overrides.
function groups(partial: boolean) {
  const o = <T extends z.ZodRawShape>(shape: T) => {
    const s = z.strictObject(shape);
    return partial ? s.partial() : s;
  };
  const volShockFields = {
    rangeUp: nonNegative,
    rangeDown: nonNegative,
    shortTermPower: finite,
    longTermPower: finite,
    minVolUp: nonNegative.optional(),
  };
  const skewCap = o({ baseCap: nonNegative, capSlope: finite });
  const discountSide = o({ base: nonNegative, rateMultScale: nonNegative, rateAddScale: finite });
  const contingencyLevel = o({ perpPercent: nonNegative, optionPercent: nonNegative });
  return {
    basis: o({ spotUp: positive, spotDown: positive, addFactor: nonNegative, multFactor: nonNegative }),
    volShock: o({ ...volShockFields, dteFloorSeconds: positive }),
    staticDiscount: o({ base: nonNegative, rateMultScale: nonNegative, rateAddScale: finite }),
    contingency: o({ basePercent: nonNegative, perpPercent: nonNegative, optionPercent: nonNegative }),
    // pmrm-2 shapes (section 9.1): the vol floor may be 0 whole seconds.
    pmrm2VolShock: o({ ...volShockFields, dteFloorSeconds: z.number().int().nonnegative() }),
    skew: o({
      linear: partial ? skewCap.optional() : skewCap,
      abs: partial ? skewCap.optional() : skewCap,
      minKStar: nonNegative,
      widthScale: nonNegative,
      volStatic: finite,
      volScale: finite,
    }),
    pmrm2StaticDiscount: o({
      long: partial ? discountSide.optional() : discountSide,
      short: partial ? discountSide.optional() : discountSide,
    }),
    pmrm2Contingency: o({
      mm: partial ? contingencyLevel.optional() : contingencyLevel,
      im: partial ? contingencyLevel.optional() : contingencyLevel,
    }),
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

/** Per-underlying overrides under PMRM v1: the per-market groups of section 3, each partial. */
export const underlyingOverridesSchema = z.strictObject({
  scenarios: z.array(v1ScenarioSchema).min(1).optional(),
  basis: part.basis.optional(),
  volShock: part.volShock.optional(),
  staticDiscount: part.staticDiscount.optional(),
  contingency: part.contingency.optional(),
});

/** Per-underlying overrides under pmrm-2: the per-market groups of sections 3 and 9, each partial. */
export const pmrm2UnderlyingOverridesSchema = z.strictObject({
  scenarios: pmrm2ScenariosSchema.optional(),
  basis: part.basis.optional(),
  volShock: part.pmrm2VolShock.optional(),
  skew: part.skew.optional(),
  staticDiscount: part.pmrm2StaticDiscount.optional(),
  contingency: part.pmrm2Contingency.optional(),
});

const optionalFields = {
  mmFactor: nonNegative.optional(),
  discountOptionValues: z.boolean().optional(),
  collateralMaxAgeSeconds: z.number().int().nonnegative().nullable().optional(),
  assets: z.record(z.string().min(1), assetParamsSchema).optional(),
  cross: full.cross.optional(),
  underlyings: z.record(z.string().min(1), underlyingOverridesSchema).optional(),
};

const pmrm2OptionalFields = {
  ...optionalFields,
  assets: z.record(z.string().min(1), pmrm2AssetParamsSchema).optional(),
  underlyings: z.record(z.string().min(1), pmrm2UnderlyingOverridesSchema).optional(),
};

/** Overrides of a PMRM v1 preset: every field, at every depth, optional; arrays replace the preset's. */
export const paramsOverridesSchema = z.strictObject({
  scenarios: z.array(v1ScenarioSchema).min(1).optional(),
  basis: part.basis.optional(),
  volShock: part.volShock.optional(),
  staticDiscount: part.staticDiscount.optional(),
  contingency: part.contingency.optional(),
  confidence: part.confidence.optional(),
  peg: part.peg.optional(),
  imFactor: nonNegative.optional(),
  ...optionalFields,
});

/** Overrides of a pmrm-2 preset (the preset fixes `model`, so overrides may not set it). */
export const pmrm2OverridesSchema = z.strictObject({
  scenarios: pmrm2ScenariosSchema.optional(),
  basis: part.basis.optional(),
  volShock: part.pmrm2VolShock.optional(),
  skew: part.skew.optional(),
  staticDiscount: part.pmrm2StaticDiscount.optional(),
  contingency: part.pmrm2Contingency.optional(),
  confidence: part.confidence.optional(),
  peg: part.peg.optional(),
  imFactor: nonNegative.optional(),
  ...pmrm2OptionalFields,
});

/** A complete PMRM v1 parameter object (spec section 6); `model` may say so explicitly. */
export const fullParamsSchema = z.strictObject({
  model: z.literal('pmrm-1').optional(),
  scenarios: z.array(v1ScenarioSchema).min(1),
  basis: full.basis,
  volShock: full.volShock,
  staticDiscount: full.staticDiscount,
  contingency: full.contingency,
  confidence: full.confidence,
  peg: full.peg,
  imFactor: nonNegative,
  ...optionalFields,
});

/** A complete pmrm-2 parameter object (spec section 9.1); `skew` is required by a skew scenario. */
export const pmrm2FullParamsSchema = z
  .strictObject({
    model: z.literal('pmrm-2'),
    scenarios: pmrm2ScenariosSchema,
    basis: full.basis,
    volShock: full.pmrm2VolShock,
    skew: full.skew.optional(),
    staticDiscount: full.pmrm2StaticDiscount,
    contingency: full.pmrm2Contingency,
    confidence: full.confidence,
    peg: full.peg,
    imFactor: nonNegative,
    ...pmrm2OptionalFields,
  })
  .superRefine((p, ctx) => {
    if (p.skew === undefined && p.scenarios.some((s) => s.vol === 'linear' || s.vol === 'abs')) {
      ctx.addIssue({ code: 'custom', path: ['skew'], message: 'required by the skew scenarios' });
    }
  });

/** `{ "preset": name, "overrides": {...} }`; the overrides are checked against the preset's model. */
export const presetParamsSchema = z
  .strictObject({ preset: z.string().min(1), overrides: z.record(z.string(), z.unknown()).optional() })
  .transform((value, ctx) => {
    const overrides =
      presets[value.preset]?.model === 'pmrm-2' ? pmrm2OverridesSchema : paramsOverridesSchema;
    if (value.overrides === undefined) return { preset: value.preset };
    const r = overrides.safeParse(value.overrides);
    if (r.success) return { preset: value.preset, overrides: r.data };
    for (const issue of r.error.issues) {
      ctx.addIssue({ ...issue, path: ['overrides', ...issue.path] } as Parameters<typeof ctx.addIssue>[0]);
    }
    return z.NEVER;
  });

function branchOf(value: unknown) {
  if (typeof value !== 'object' || value === null) return fullParamsSchema;
  if ('preset' in value) return presetParamsSchema;
  return (value as { model?: unknown }).model === 'pmrm-2' ? pmrm2FullParamsSchema : fullParamsSchema;
}

/**
 * `params` of a document. The branch is chosen by the presence of `preset`, then by `model`, so
 * errors name the fields of the intended shape instead of a generic "no union member matched".
 */
export const paramsSpecSchema = z.unknown().transform((value, ctx) => {
  const r = branchOf(value).safeParse(value);
  if (r.success) {
    return r.data as
      | z.output<typeof presetParamsSchema>
      | z.output<typeof fullParamsSchema>
      | z.output<typeof pmrm2FullParamsSchema>;
  }
  // Re-raise the branch's issues unchanged (code, path, message) under `params`.
  for (const issue of r.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
  return z.NEVER;
});
