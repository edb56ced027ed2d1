import { z } from 'zod';

/** The one error body of every non-2xx response. Clients branch on `code`. */
export const errorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.string().optional(),
      context: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof errorBody>;

export const accountIdString = z
  .string()
  .regex(/^acc_[a-z0-9_-]{1,64}$/, 'expected acc_ followed by 1-64 of [a-z0-9_-]');

export const accountParams = z.object({ accountId: accountIdString });

/**
 * Redis stream entry id (`<ms>-<seq>`): the cursor of the re-attestation request feed and the id of
 * margin and auction events (SSE `id:`, `Last-Event-ID`, webhook event ids).
 */
const U64_MAX = 18_446_744_073_709_551_615n;
const STREAM_ID = /^\d{1,20}-\d{1,20}$/;
export const streamId = z
  .string()
  .max(41)
  .regex(STREAM_ID, 'expected a stream id like 1732176000000-0')
  // Both parts are u64 in Redis: a larger one made XRANGE fail (a 500) instead of a request error.
  .refine(
    // zod runs this after a failed pattern too: only digits may reach BigInt.
    (id) => !STREAM_ID.test(id) || id.split('-').every((part) => BigInt(part) <= U64_MAX),
    'stream id parts must fit in 64 bits',
  );

/** Unix seconds. */
export const unixSeconds = z.number().int().nonnegative();

/** Finite number (risk inputs are floats in stable units; bigint amounts travel as decimal strings). */
export const finite = z.number().finite();

/** Decimal string of an amount in token units, e.g. "12.5" (exact; never a float on the wire). */
// Capped before the pattern: a megabyte of digits is refused by its length, not parsed (a u256 amount
// with 18 decimals needs at most 80 characters).
export const decimalString = z
  .string()
  .max(100)
  .regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string');

export const roleEnum = z.enum(['protocol', 'relayer', 'oracle', 'admin', 'liquidator', 'operator']);
export type Role = z.infer<typeof roleEnum>;

export const okBody = z.object({ ok: z.literal(true) });
