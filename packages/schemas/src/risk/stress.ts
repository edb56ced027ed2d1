import { resolveParams } from '@xmargin/risk';
import { z } from 'zod';
import { marketSchema, positionSchema, priceQuoteSchema } from './document.js';
import { paramsSpecSchema } from './params.js';

const finite = z.number();
const nonNegative = z.number().nonnegative();
const positive = z.number().positive();
const unixSeconds = z.number().int().nonnegative();
const name = z.string().min(1);
const floor = z.number().min(0).lt(0.98);

const chain = { chain: name };
const [optionShape, perpShape, futureShape] = positionSchema.options;

/** A section-6 position plus the chain it is held on. */
export const stressPositionSchema = z.discriminatedUnion('type', [
  optionShape.extend(chain),
  perpShape.extend(chain),
  futureShape.extend(chain),
]);

export const stressAccountSchema = z.strictObject({
  id: name.refine((id) => !id.includes('@'), 'must not contain @ (isolated units are named account@chain)'),
  cash: z.record(name, finite).optional(),
  collateral: z.array(z.strictObject({ asset: name, chain: name, amount: nonNegative })).optional(),
  positions: z.array(stressPositionSchema).optional(),
});

// Exactly one of the native parameter and the 2% calibration `usdFor2pct`.
function oneOf<T extends Record<string, unknown>>(native: keyof T & string) {
  return (d: T, ctx: z.RefinementCtx) => {
    const count = (d[native] === undefined ? 0 : 1) + (d.usdFor2pct === undefined ? 0 : 1);
    if (count !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [native],
        message: `give exactly one of ${native} and usdFor2pct`,
      });
    }
  };
}

export const depthModelSchema = z.discriminatedUnion('model', [
  z
    .strictObject({
      model: z.literal('exp'),
      delta: positive.optional(),
      usdFor2pct: positive.optional(),
      floor: floor.optional(),
    })
    .superRefine(oneOf('delta')),
  z
    .strictObject({
      model: z.literal('linear'),
      depthUsd: positive.optional(),
      usdFor2pct: positive.optional(),
      floor: floor.optional(),
    })
    .superRefine(oneOf('depthUsd')),
  z
    .strictObject({
      model: z.literal('cpamm'),
      pools: z
        .array(z.strictObject({ chain: name, base: positive, quote: positive }))
        .min(1)
        .optional(),
      usdFor2pct: positive.optional(),
    })
    .superRefine(oneOf('pools')),
]);

export const stressPolicySchema = z.strictObject({
  kind: z.enum(['full', 'toTarget']),
  buffer: nonNegative.optional(),
  penalty: z.number().min(0).lt(1).optional(),
  closeFactor: z.number().gt(0).max(1).optional(),
  alpha: z.number().min(0).max(1).optional(),
  capacityPerRound: positive.optional(),
  oracleLag: z.number().int().nonnegative().optional(),
  insuranceFund: nonNegative.optional(),
});

export const stressModeSchema = z.enum(['isolated', 'cross', 'portfolio']);

const stressShape = z.strictObject({
  version: z.literal(1),
  asOf: unixSeconds,
  params: paramsSpecSchema,
  stable: z.strictObject({ price: positive, confidence: z.number().min(0).max(1).optional() }).optional(),
  prices: z.record(name, priceQuoteSchema).optional(),
  markets: z.record(name, marketSchema),
  accounts: z.array(stressAccountSchema),
  shocks: z.record(name, positive).optional(),
  depth: z.record(name, depthModelSchema).optional(),
  policy: stressPolicySchema,
  modes: z.array(stressModeSchema).min(1).optional(),
  maxRounds: z.number().int().min(1).max(1000).optional(),
});

type Doc = z.output<typeof stressShape>;

// References between sections (ids, markets, expiries, vols, collateral prices, shocked and deep
// assets, floors below every shock), so a document that parses can be run.
function checkReferences(doc: Doc, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message });
  const isAsset = (a: string) => doc.markets[a] !== undefined || doc.prices?.[a] !== undefined;
  for (const a of Object.keys(doc.prices ?? {})) {
    if (!(doc.markets[a] !== undefined || doc.prices![a]!.price > 0)) {
      issue(['prices', a, 'price'], 'a reference price must be > 0');
    }
  }
  const shocks = Object.values(doc.shocks ?? {});
  for (const a of Object.keys(doc.shocks ?? {}))
    if (!isAsset(a)) issue(['shocks', a], 'not a market or a prices key');
  for (const [a, d] of Object.entries(doc.depth ?? {})) {
    if (!isAsset(a)) issue(['depth', a], 'not a market or a prices key');
    if ('floor' in d && d.floor !== undefined && shocks.some((s) => d.floor! >= s)) {
      issue(['depth', a, 'floor'], 'must be below every shock factor');
    }
  }
  const seenModes = new Set<string>();
  (doc.modes ?? []).forEach((m, i) => {
    if (seenModes.has(m)) issue(['modes', i], `duplicate mode ${m}`);
    seenModes.add(m);
  });
  let assets: Readonly<Record<string, { underlying?: string | undefined }>> | undefined;
  try {
    assets = resolveParams(doc.params).assets;
  } catch {
    if ('preset' in doc.params) issue(['params', 'preset'], `unknown preset "${doc.params.preset}"`);
  }
  const ids = new Set<string>();
  doc.accounts.forEach((account, i) => {
    if (ids.has(account.id)) issue(['accounts', i, 'id'], `duplicate account id "${account.id}"`);
    ids.add(account.id);
    (account.positions ?? []).forEach((p, j) => {
      const at = ['accounts', i, 'positions', j];
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
    if (!assets) return;
    (account.collateral ?? []).forEach((c, j) => {
      const at = ['accounts', i, 'collateral', j, 'asset'];
      const a = assets[c.asset];
      if (!a) {
        issue(at, `"${c.asset}" is not in params.assets`);
        return;
      }
      if (a.underlying !== undefined && doc.markets[a.underlying]) return;
      if (!doc.prices?.[c.asset]) issue(at, `no price for "${c.asset}" in prices`);
    });
  });
}

/** The stress document (shared/spec/contagion.md section 1), strict: unknown fields are errors. */
export const stressDocumentSchema = stressShape.superRefine(checkReferences);

/**
 * `POST /v1/admin/stress-runs` (contagion spec section 7): the stress scenario to run on the live book.
 * `params`: "active" (default), a stored version number, or draft parameters; `accounts`: a subset.
 */
export const stressRunRequestSchema = z.strictObject({
  shocks: z.record(name, positive),
  depth: z.record(name, depthModelSchema),
  policy: stressPolicySchema,
  modes: z.array(stressModeSchema).min(1).optional(),
  maxRounds: z.number().int().min(1).max(1000).optional(),
  params: z.union([z.literal('active'), z.number().int().positive(), paramsSpecSchema]).optional(),
  accounts: z.array(z.string().min(1).max(200)).min(1).max(100_000).optional(),
  label: z.string().min(1).max(200).optional(),
});
