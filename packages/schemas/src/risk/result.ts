import { z } from 'zod';
import { scenarioVolSchema } from './params.js';

const n = z.number();
const greeks = z.strictObject({ delta: n, gamma: n, vega: n, theta: n });

export const marginWarningSchema = z.strictObject({
  code: z.enum(['COLLATERAL_STALE', 'COLLATERAL_UNSUPPORTED', 'OPTION_EXPIRED']),
  path: z.string(),
  message: z.string(),
});

export const maxPassingSizeSchema = z.strictObject({
  /** Index of the sized change (CLI: in `changes`; HTTP: in `positions.upsert`). */
  change: z.number().int(),
  quantity: n,
  /** false when the search reached the size bound without failing. */
  bounded: z.boolean(),
});

export const modeResultSchema = z.strictObject({
  initialRequirement: n,
  maintenanceRequirement: n,
  initialExcess: n,
  maintenanceExcess: n,
});

export const underlyingResultSchema = z.strictObject({
  worstScenario: z.union([
    z.strictObject({ spotShock: n, vol: scenarioVolSchema }),
    z.strictObject({ basis: z.literal(true) }),
  ]),
  scenarios: z.array(z.strictObject({ spotShock: n, vol: scenarioVolSchema, pnl: n })),
  basisContingency: n,
  staticContingency: n,
  confidenceContingency: n,
  markToMarket: n,
  greeks,
});

/** The margin output document (spec section 6). */
export const marginResultSchema = z.strictObject({
  equity: n,
  initialRequirement: n,
  maintenanceRequirement: n,
  initialExcess: n,
  maintenanceExcess: n,
  markToMarket: n,
  underlyings: z.record(z.string(), underlyingResultSchema),
  positions: z.array(
    z.strictObject({ index: z.number().int(), markToMarket: n, worstScenarioPnl: n, greeks }),
  ),
  modes: z.strictObject({ isolated: modeResultSchema, cross: modeResultSchema, portfolio: modeResultSchema }),
  capitalEfficiency: n.nullable(),
  warnings: z.array(marginWarningSchema),
});

export const marginSummarySchema = z.strictObject({
  equity: n,
  initialRequirement: n,
  maintenanceRequirement: n,
  initialExcess: n,
  maintenanceExcess: n,
  markToMarket: n,
});

/** The result of a what-if check. */
export const whatIfResultSchema = z.strictObject({
  before: marginSummarySchema,
  after: marginSummarySchema,
  change: marginSummarySchema,
  riskAdding: z.boolean(),
  passes: z.boolean(),
  maxPassingSize: maxPassingSizeSchema.nullable(),
  warnings: z.array(marginWarningSchema),
});
