import { z } from 'zod';
import { accountSchema } from './document.js';

const kind = z.enum(['solvent', 'insolvent']);

export const auctionTransitionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('started'), kind, fee: z.number() }),
  z.strictObject({
    type: z.literal('terminated'),
    kind,
    reason: z.enum([
      'MTM_NEGATIVE',
      'RESERVED_CASH',
      'BM_RESTORED',
      'MM_RESTORED',
      'MAX_FRACTION',
      'FULL_BID',
    ]),
  }),
  z.strictObject({ type: z.literal('converted'), kind }),
]);

/** One action of a simulation, and the body of an accepted bid over HTTP (liquidation spec 6-7). */
export const liquidationActionResultSchema = z.strictObject({
  time: z.number().int(),
  kind: kind.nullable(),
  elapsed: z.number().nullable(),
  discount: z.number().nullable(),
  bidPrice: z.number().nullable(),
  preMtM: z.number(),
  preMM: z.number(),
  preBM: z.number(),
  preFMax: z.number(),
  accepted: z.boolean(),
  reason: z.enum(['NO_AUCTION', 'PRICE_ZERO', 'INSUFFICIENT_CASH', 'PRICE_LIMIT']).nullable(),
  percentOfCurrent: z.number(),
  percentOfOriginal: z.number(),
  bidCash: z.number(),
  cashToBidder: z.number(),
  insuranceFundPaid: z.number(),
  socialisedLoss: z.number(),
  postMtM: z.number(),
  postMM: z.number(),
  postBM: z.number(),
  postFMax: z.number(),
  reservedCash: z.number(),
  terminated: z.boolean(),
  withdrawalsBlocked: z.boolean(),
  transitions: z.array(auctionTransitionSchema),
});

/** The output of `xmargin liquidation simulate` (spec section 6). */
export const liquidationSimulationSchema = z.strictObject({
  start: z.strictObject({
    time: z.number().int(),
    kind: kind.nullable(),
    mtm: z.number(),
    mm: z.number(),
    bm: z.number(),
    liquidationFee: z.number(),
  }),
  actions: z.array(liquidationActionResultSchema),
  end: z.strictObject({
    ongoing: z.boolean(),
    kind: kind.nullable(),
    reservedCash: z.number(),
    insuranceFund: z.number(),
    socialisedLoss: z.number(),
    withdrawalsBlocked: z.boolean(),
    account: accountSchema,
  }),
});
