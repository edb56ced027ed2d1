import { formatIssuePath } from '@xmargin/errors';
import {
  type AuctionParams,
  type AuctionParamsSpec,
  auctionParamsIssues,
  auctionPresets,
} from '@xmargin/risk';
import { z } from 'zod';
import { checkReferences, documentShape, marketSchema, priceQuoteSchema } from './document.js';

const finite = z.number();
const name = z.string().min(1);
const unixSeconds = z.number().int().nonnegative();

const auctionParamsFields = {
  startPercent: finite,
  cutoffPercent: finite,
  fastSeconds: finite,
  slowSeconds: finite,
  insolventSeconds: finite,
  feePercent: finite,
  bufferPercent: finite,
  mtmCutoff: finite,
};

/** All eight auction parameters (liquidation spec section 2); validity is checked on the resolved set. */
export const fullAuctionParamsSchema = z.strictObject(auctionParamsFields);

/** `{ "preset": name, "overrides": {...} }` for auction parameters. */
export const presetAuctionParamsSchema = z.strictObject({
  preset: name,
  overrides: z.strictObject(auctionParamsFields).partial().optional(),
});

/**
 * Auction `params`: the branch is chosen by the presence of `preset`; the resolved set must satisfy the
 * rules of spec section 2 (each broken rule is an issue at its field).
 */
export const auctionParamsSpecSchema = z.unknown().transform((value, ctx): AuctionParamsSpec => {
  const preset = typeof value === 'object' && value !== null && 'preset' in value;
  const r = (preset ? presetAuctionParamsSchema : fullAuctionParamsSchema).safeParse(value);
  if (!r.success) {
    for (const issue of r.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
    return z.NEVER;
  }
  let resolved: AuctionParams;
  if ('preset' in r.data) {
    const base = auctionPresets[r.data.preset];
    if (!base) {
      ctx.addIssue({
        code: 'custom',
        path: ['preset'],
        message: `unknown preset "${r.data.preset}" (known: ${Object.keys(auctionPresets).join(', ')})`,
      });
      return z.NEVER;
    }
    const overrides = Object.fromEntries(
      Object.entries(r.data.overrides ?? {}).filter(([, v]) => v !== undefined),
    );
    resolved = { ...base, ...overrides };
  } else {
    resolved = r.data;
  }
  const issues = auctionParamsIssues(resolved);
  for (const i of issues) {
    const inOverrides = 'preset' in r.data && r.data.overrides?.[i.path as keyof AuctionParams] !== undefined;
    ctx.addIssue({
      code: 'custom',
      path: 'preset' in r.data ? (inOverrides ? ['overrides', i.path] : ['preset']) : [i.path],
      message: `${i.path} ${i.reason}`,
    });
  }
  return issues.length > 0 ? z.NEVER : r.data;
});

/** Market sections an action replaces, each one whole. */
export const marketUpdateSchema = z.strictObject({
  markets: z.record(name, marketSchema).optional(),
  prices: z.record(name, priceQuoteSchema).optional(),
  stable: z
    .strictObject({ price: z.number().positive(), confidence: z.number().min(0).max(1).optional() })
    .optional(),
});

/** One bid of a simulation (spec section 6). */
export const liquidationActionSchema = z.strictObject({
  time: unixSeconds,
  percent: z.number().positive().max(1),
  maxPrice: finite.optional(),
  bidderCash: finite.optional(),
  market: marketUpdateSchema.optional(),
});

const liquidationShape = documentShape.extend({
  auction: z
    .strictObject({
      params: auctionParamsSpecSchema.optional(),
      insuranceFund: z.number().nonnegative().optional(),
    })
    .optional(),
  actions: z.array(liquidationActionSchema).optional(),
});

type LiquidationInput = z.output<typeof liquidationShape>;

// Each action's market replaces whole sections, so the positions must still find their market data
// in the document as it stands at that action: checked here so that a document that parses can run.
function checkActions(doc: LiquidationInput, ctx: z.RefinementCtx): void {
  let effective = doc;
  let last = doc.asOf;
  (doc.actions ?? []).forEach((a, i) => {
    if (a.time < last) {
      ctx.addIssue({
        code: 'custom',
        path: ['actions', i, 'time'],
        message:
          i === 0 ? `must be >= asOf (${doc.asOf})` : `must be >= the previous action's time (${last})`,
      });
    }
    last = Math.max(last, a.time);
    if (!a.market) return;
    effective = {
      ...effective,
      ...(a.market.markets === undefined ? {} : { markets: a.market.markets }),
      ...(a.market.prices === undefined ? {} : { prices: a.market.prices }),
      ...(a.market.stable === undefined ? {} : { stable: a.market.stable }),
    };
    const check = documentShape.superRefine(checkReferences).safeParse({
      version: effective.version,
      asOf: effective.asOf,
      params: doc.params,
      markets: effective.markets,
      account: doc.account,
      ...(effective.prices === undefined ? {} : { prices: effective.prices }),
      ...(effective.stable === undefined ? {} : { stable: effective.stable }),
    });
    if (check.success) return;
    for (const issue of check.error.issues) {
      ctx.addIssue({
        code: 'custom',
        path: ['actions', i, 'market'],
        message: `with this market, ${formatIssuePath(issue.path)}: ${issue.message}`,
      });
    }
  });
}

/** The `xmargin liquidation simulate` input: a margin document plus `auction` and `actions`, strict. */
export const liquidationDocumentSchema = liquidationShape
  .superRefine((doc, ctx) => checkReferences(doc, ctx))
  .superRefine(checkActions);
