import { z } from 'zod';
import { finite, unixSeconds } from './common.js';

const confidence = z.number().min(0).max(1);
const symbol = z.string().regex(/^[A-Za-z0-9._-]{1,32}$/, 'expected 1-32 of [A-Za-z0-9._-]');

export const priceQuote = z.object({ price: finite.positive(), confidence: confidence.optional() }).strict();

export const expiryMarket = z
  .object({
    expiry: unixSeconds,
    forward: finite.positive(),
    forwardFixed: finite.optional(),
    forwardConfidence: confidence.optional(),
    rate: finite.optional(),
    rateConfidence: confidence.optional(),
    volConfidence: confidence.optional(),
    defaultVol: finite.positive().optional(),
    vols: z
      .array(z.object({ strike: finite.positive(), vol: finite.positive() }).strict())
      .max(500)
      .optional(),
  })
  .strict();

/** One underlying's market (spec section 6 `markets.X`): spot, perp, forwards, rates and vol points. */
export const marketBody = z
  .object({
    spot: finite.positive(),
    spotConfidence: confidence.optional(),
    perp: priceQuote.optional(),
    expiries: z
      .array(expiryMarket)
      .max(200)
      .optional()
      .superRefine((expiries, ctx) => {
        // Two entries for one expiry would leave which forward and vols apply to chance.
        const seen = new Set<number>();
        for (const [i, e] of (expiries ?? []).entries()) {
          if (seen.has(e.expiry))
            ctx.addIssue({ code: 'custom', path: [i, 'expiry'], message: 'duplicate expiry' });
          seen.add(e.expiry);
        }
      }),
  })
  .strict();

/** Batch update; each listed entry replaces the stored one. Moves fan out to exposed accounts. */
export const marketDataBody = z
  .object({
    stable: priceQuote.optional(),
    prices: z.record(symbol, priceQuote).optional(),
    markets: z.record(symbol, marketBody).optional(),
    /** When the data was observed (unix seconds); defaults to now. */
    observedAt: unixSeconds.optional(),
  })
  .strict();

export const marketDataDto = z.object({
  stable: priceQuote.nullable(),
  prices: z.record(z.string(), priceQuote),
  markets: z.record(z.string(), marketBody),
});

export const marketDataWriteDto = z.object({
  updated: z.array(z.string()),
  /** Underlyings / assets whose move was fanned out, with the fan-out job id. */
  moves: z.array(z.object({ key: z.string(), jobId: z.string() })),
});
