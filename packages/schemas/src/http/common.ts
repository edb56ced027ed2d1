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
