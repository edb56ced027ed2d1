import { z } from 'zod';
import { liquidationActionResultSchema } from '../risk/liquidation-result.js';
import { accountIdString, decimalString, streamId, unixSeconds } from './common.js';
import { seizeAuthorisationDto } from './settlement.js';

// HTTP DTOs of liquidation spec section 7. Cash amounts travel as decimal strings in stable units (the
// ledger's micro units, exact); risk figures are numbers.

const kind = z.enum(['solvent', 'insolvent']);

export const auctionIdParams = z.object({ auctionId: z.string().regex(/^auc_[a-z0-9_]{1,64}$/) });

export const listLiquidationsQuery = z.object({
  status: z.enum(['ongoing', 'ended']).optional(),
  accountId: accountIdString.optional(),
  /** The last auction id of the previous page. */
  cursor: z.string().optional(),
  /** `asc` (default): oldest first; `desc`: newest first (the cursor then pages to older auctions). */
  order: z.enum(['asc', 'desc']).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const auctionDto = z.object({
  id: z.string(),
  accountId: z.string(),
  status: z.enum(['ongoing', 'ended']),
  kind,
  paramsVersion: z.number().int().nullable(),
  params: z.record(z.string(), z.number()),
  startTime: unixSeconds,
  phaseStart: unixSeconds,
  reservedCash: decimalString,
  cachedMM: z.number(),
  start: z.object({ mtm: z.number(), mm: z.number(), bm: z.number(), fee: decimalString }),
  sequence: z.number().int(),
  remainingFraction: z.number(),
  endTime: unixSeconds.nullable(),
  endReason: z.string().nullable(),
});

export const auctionListDto = z.object({ auctions: z.array(auctionDto), nextCursor: z.string().nullable() });
export type AuctionDto = z.infer<typeof auctionDto>;
export type AuctionListDto = z.infer<typeof auctionListDto>;

export const auctionBidDto = z.object({
  id: z.string(),
  sequence: z.number().int(),
  bidderAccountId: z.string(),
  time: unixSeconds,
  accepted: z.boolean(),
  reason: z.string().nullable(),
  result: liquidationActionResultSchema,
});

/** One auction with its live figures at the time of the request (price, fmax) and its bids. */
export const auctionDetailDto = auctionDto.extend({
  live: z
    .object({
      time: unixSeconds,
      elapsed: z.number(),
      mtm: z.number(),
      mm: z.number(),
      bm: z.number(),
      discount: z.number().nullable(),
      price: z.number(),
      fmax: z.number(),
    })
    .nullable(),
  bids: z.array(auctionBidDto),
});
export type AuctionDetailDto = z.infer<typeof auctionDetailDto>;

export const placeBidBody = z
  .object({
    bidderAccountId: accountIdString,
    percent: z.number().positive().max(1),
    maxPrice: z.number().finite().optional(),
    expectedSequence: z.number().int().nonnegative().optional(),
  })
  .strict();

export const bidHeaders = z.object({ 'idempotency-key': z.string().min(1).max(200).optional() });

export const settlementInstructionDto = z.object({
  id: z.string(),
  bidId: z.string(),
  chain: z.string(),
  asset: z.string(),
  source: z.enum(['indexer', 'vaa', 'query']),
  holder: z.string(),
  amountRaw: z.string(),
  decimals: z.number().int(),
  from: z.string(),
  to: z.string(),
  kind: z.enum(['seizure', 'unenforceable']),
  /**
   * pending (signed, or awaiting a signature) -> submitted (a transaction was reported) -> confirmed (the
   * vault's `Seized` event was indexed); query-attested balances are `unenforceable` (ledger only).
   */
  status: z.enum(['pending', 'submitted', 'confirmed', 'unenforceable']),
  /** The engine-signed Seize of a vault-escrowed (`seizure`) instruction; null until signed. */
  authorisation: seizeAuthorisationDto.nullable(),
  txHash: z.string().nullable(),
  /** Block of the observed `Seized` event. */
  confirmedHeight: z.string().nullable(),
});

export const settlementInstructionParams = z.object({
  auctionId: z.string().regex(/^auc_[a-z0-9_]{1,64}$/),
  instructionId: z.string().regex(/^\d{1,19}$/),
});

export const settlementsDto = z.object({ instructions: z.array(settlementInstructionDto) });

/** `claim` left the cash ledger; `paid` = floor(claim · held / claims) while socialised loss is outstanding. */
export const cashWithdrawalDto = z.object({
  accountId: accountIdString,
  withdrawalId: z.string(),
  claim: decimalString,
  paid: decimalString,
  /** held / claims at the time (1 when no socialised loss is outstanding). */
  ratio: z.number(),
  cashBalance: decimalString,
});

export const insuranceFundDto = z.object({
  balance: decimalString,
  socialisedLoss: decimalString,
  /** Σ cachedMM of ongoing insolvent auctions. */
  insolventCachedMM: z.number(),
  withdrawalsBlocked: z.boolean(),
  history: z.array(
    z.object({
      id: z.string(),
      amount: decimalString,
      kind: z.enum(['deposit', 'fee', 'draw']),
      auctionId: z.string().nullable(),
      bidId: z.string().nullable(),
      actor: z.string().nullable(),
      note: z.string().nullable(),
      at: unixSeconds,
    }),
  ),
});

export type InsuranceFundDto = z.infer<typeof insuranceFundDto>;

export const insuranceDepositBody = z
  .object({
    amount: z.string().regex(/^\d+(\.\d{1,6})?$/, 'expected a positive decimal with at most 6 decimals'),
    note: z.string().max(500).optional(),
  })
  .strict();

export const positionTransfersQuery = z.object({
  protocol: z
    .string()
    .regex(/^[a-z0-9_-]{1,64}$/)
    .optional(),
  after: z.string().regex(/^\d+$/).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

export const positionTransfersDto = z.object({
  transfers: z.array(
    z.object({
      id: z.string(),
      protocol: z.string(),
      auctionId: z.string(),
      bidId: z.string(),
      fromAccountId: z.string(),
      fromPositionId: z.string(),
      toAccountId: z.string(),
      toPositionId: z.string(),
      fraction: z.number(),
      quantity: z.number(),
      position: z.unknown(),
      at: unixSeconds,
    }),
  ),
  nextAfter: z.string().nullable(),
});

export const liquidationStreamQuery = z.object({
  accountId: accountIdString.optional(),
  /** Replay from this event id (for clients that cannot send the `Last-Event-ID` header). */
  lastEventId: streamId.optional(),
});
