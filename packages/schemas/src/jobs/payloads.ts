import { z } from 'zod';

/** Why an account is recomputed; recorded on the snapshot for audit and metrics. */
export const recomputeReason = z.enum([
  'attestation',
  'positions',
  'market-move',
  'market-data',
  'params',
  'index',
  'reverify',
  'manual',
  'withdrawal',
]);
export type RecomputeReason = z.infer<typeof recomputeReason>;

const accountIdString = z
  .string()
  .regex(/^acc_[a-z0-9_-]{1,64}$/, 'expected acc_ followed by 1-64 of [a-z0-9_-]');

/** `recompute-account`: recompute one account's margin from the ledger. */
export const recomputeAccountPayload = z
  .object({
    accountId: accountIdString,
    reason: recomputeReason,
    /** Unix milliseconds when the triggering change was accepted (latency metrics). */
    requestedAt: z.number().int().nonnegative(),
  })
  .strict();
export type RecomputeAccountPayload = z.infer<typeof recomputeAccountPayload>;

/** `market-move`: an underlying's market data changed; fan out to the accounts exposed to it. */
export const marketMovePayload = z
  .object({
    underlying: z.string().min(1).max(32),
    requestedAt: z.number().int().nonnegative(),
  })
  .strict();
export type MarketMovePayload = z.infer<typeof marketMovePayload>;

/** `index-chain`: one polling round of a configured network's adapter. */
export const indexChainPayload = z.object({ chain: z.string().min(1).max(64) }).strict();
export type IndexChainPayload = z.infer<typeof indexChainPayload>;

/** `reverify-expiring`: re-attest balances whose attestation expires within the horizon. */
export const reverifyExpiringPayload = z
  .object({
    horizonSeconds: z
      .number()
      .int()
      .positive()
      .max(7 * 86_400),
  })
  .strict();
export type ReverifyExpiringPayload = z.infer<typeof reverifyExpiringPayload>;
