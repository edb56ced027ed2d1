import { z } from 'zod';
import { accountIdString, streamId } from './common.js';

/** Binary attestation as 0x-hex or base64 (what guardian REST APIs return). */
const bytesString = z
  .string()
  .min(8)
  .max(200_000)
  .regex(/^(0x[0-9a-fA-F]*|[A-Za-z0-9+/]+={0,2})$/, 'expected 0x-hex or base64');

export const postVaaBody = z.object({ vaa: bytesString }).strict();

/** A Wormhole Queries response proving a token balance of `holder` at one block/slot. */
export const postQueryBody = z
  .object({
    bytes: bytesString,
    signatures: z
      .array(z.string().regex(/^(0x)?[0-9a-fA-F]{132}$/, 'expected 66-byte hex signature'))
      .min(1)
      .max(64),
    accountId: accountIdString,
    /** Network name of the queried chain (chain registry). */
    chain: z.string().min(1).max(64),
    /** Token contract / mint the balance is of. */
    token: z.string().min(32).max(66),
    /** The wallet (EVM) or token account (Solana) whose balance was queried. */
    holder: z.string().min(32).max(66),
    /** Solana: the wallet owning the token account (must be linked to the account). */
    owner: z.string().min(32).max(66).optional(),
  })
  .strict();

export const postPythBody = z.object({ update: bytesString }).strict();

export const attestationAcceptedDto = z.object({
  status: z.enum(['accepted', 'duplicate']),
  kind: z.enum(['vaa', 'query', 'pyth']),
  /** keccak256 of the signed body: the same attestation always has the same key. */
  replayKey: z.string(),
  /** Recompute or market-move jobs this attestation enqueued (empty for a duplicate). */
  jobIds: z.array(z.string()),
  accountIds: z.array(z.string()),
  applied: z.number().int().nonnegative(),
});

export const reverifyRequestsQuery = z.object({
  /** Only requests after this id (exclusive); omitted: from the oldest kept. */
  after: streamId.optional(),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

/**
 * Attested balances about to stop counting (published by the `reverify-expiring` job), oldest first:
 * a relayer re-attests what it can (a fresh Wormhole Queries response for `source: "query"`) and
 * polls again from `next`.
 */
export const reverifyRequestsDto = z.object({
  requests: z.array(
    z.object({
      id: streamId,
      accountId: z.string(),
      chain: z.string(),
      asset: z.string(),
      source: z.enum(['vaa', 'query']),
      /** The balance's holder as stored (32-byte universal address). */
      holder: z.string(),
      /** When the attested balance was observed (unix seconds). */
      observedAt: z.number().int(),
    }),
  ),
  /** Pass as `after` on the next call (the `after` given when there was nothing new). */
  next: streamId.nullable(),
});
