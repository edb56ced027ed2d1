import { isAppError } from '@xmargin/errors';
import { resolveParams } from '@xmargin/risk';
import { z } from 'zod';
import { paramsSpecSchema } from './params.js';

const finite = z.number();
const nonNegative = z.number().nonnegative();
const positive = z.number().positive();
const unit = z.number().min(0).max(1);
const unixSeconds = z.number().int().nonnegative();
const name = z.string().min(1);

export const priceQuoteSchema = z.strictObject({ price: nonNegative, confidence: unit.optional() });

export const expiryMarketSchema = z.strictObject({
  expiry: unixSeconds,
  forward: positive,
  forwardFixed: finite.optional(),
  forwardConfidence: unit.optional(),
  rate: finite.optional(),
  rateConfidence: unit.optional(),
  volConfidence: unit.optional(),
  defaultVol: nonNegative.optional(),
  vols: z.array(z.strictObject({ strike: nonNegative, vol: nonNegative })).optional(),
});

export const marketSchema = z.strictObject({
  spot: positive,
  spotConfidence: unit.optional(),
  perp: z.strictObject({ price: positive, confidence: unit.optional() }).optional(),
  expiries: z
    .array(expiryMarketSchema)
    .optional()
    .superRefine((list, ctx) => {
      const seen = new Set<number>();
      (list ?? []).forEach((e, i) => {
        if (seen.has(e.expiry))
          ctx.addIssue({ code: 'custom', path: [i, 'expiry'], message: 'duplicate expiry' });
        seen.add(e.expiry);
      });
    }),
});

export const positionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('option'),
    underlying: name,
    expiry: unixSeconds,
    strike: nonNegative,
    right: z.enum(['call', 'put']),
    quantity: finite,
  }),
  z.strictObject({
    type: z.literal('perp'),
    underlying: name,
    quantity: finite,
    entryPrice: nonNegative,
    funding: finite.optional(),
  }),
  z.strictObject({
    type: z.literal('future'),
    underlying: name,
    expiry: unixSeconds,
    quantity: finite,
    entryPrice: nonNegative,
  }),
]);

export const collateralBalanceSchema = z.strictObject({
  asset: name,
  amount: nonNegative,
  chain: name.optional(),
  source: z.enum(['indexer', 'vaa', 'query']).optional(),
  /** Default `escrowed`; an `unescrowed` balance counts at `1 - unescrowedHaircut` of its amount. */
  trust: z.enum(['escrowed', 'unescrowed']).optional(),
  observedAt: unixSeconds.optional(),
});

export const accountSchema = z.strictObject({
  cash: finite.optional(),
  collateral: z.array(collateralBalanceSchema).optional(),
  positions: z.array(positionSchema).optional(),
});

type Doc = z.output<typeof documentShape>;

/** The document's fields without the cross-section checks (extended by the liquidation document). */
export const documentShape = z.strictObject({
  version: z.literal(1),
  asOf: unixSeconds,
  params: paramsSpecSchema,
  stable: z.strictObject({ price: positive, confidence: unit.optional() }).optional(),
  prices: z.record(name, priceQuoteSchema).optional(),
  markets: z.record(name, marketSchema),
  account: accountSchema,
});

// References between sections (a position's market, expiry, vol and perp mark; a collateral asset's
// price; the preset name) are checked here too, so a document that parses can be computed.
export function checkReferences(doc: Doc, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  (doc.account.positions ?? []).forEach((p, i) => {
    const at = ['account', 'positions', i];
    const m = doc.markets[p.underlying];
    if (!m) {
      issue([...at, 'underlying'], `no market "${p.underlying}" in markets`);
      return;
    }
    if (p.type === 'perp') {
      if (!m.perp) issue([...at, 'type'], `market "${p.underlying}" has no perp price`);
      return;
    }
    const e = (m.expiries ?? []).find((x) => x.expiry === p.expiry);
    if (!e) {
      issue([...at, 'expiry'], `market "${p.underlying}" has no expiry ${p.expiry}`);
      return;
    }
    if (
      p.type === 'option' &&
      e.defaultVol === undefined &&
      !(e.vols ?? []).some((v) => v.strike === p.strike)
    ) {
      issue([...at, 'strike'], `no vol for strike ${p.strike} at expiry ${p.expiry} and no defaultVol`);
    }
  });
  let assets: Readonly<Record<string, { underlying?: string | undefined }>>;
  try {
    assets = resolveParams(doc.params).assets;
  } catch (e) {
    if (isAppError(e, 'RISK__INVALID_INPUT')) issue(e.context.path.split('.'), e.context.reason);
    else if ('preset' in doc.params) issue(['params', 'preset'], `unknown preset "${doc.params.preset}"`);
    return;
  }
  (doc.account.collateral ?? []).forEach((c, i) => {
    const a = assets[c.asset];
    if (!a || (a.underlying !== undefined && doc.markets[a.underlying])) return;
    if (!doc.prices?.[c.asset])
      issue(['account', 'collateral', i, 'asset'], `no price for "${c.asset}" in prices`);
  });
}

/** The margin input document (spec section 6), strict: unknown fields are errors. */
export const marginDocumentSchema = documentShape.superRefine(checkReferences);
