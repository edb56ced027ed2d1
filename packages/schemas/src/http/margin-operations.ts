import { z } from 'zod';
import { accountIdString } from './common.js';

/** Accounts whose margin cannot be computed (their GET margin answers `status: "stale"`). */
export const uncomputableAccountsDto = z
  .object({
    accounts: z.array(
      z.object({
        accountId: accountIdString,
        code: z.string(),
        message: z.string(),
        since: z.number().describe('unix milliseconds'),
      }),
    ),
  })
  .meta({ id: 'UncomputableAccounts' });

export const nearLiquidationQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});

/** The near-liquidation index, closest to liquidation first (junk accounts rank last). */
export const nearLiquidationDto = z
  .object({ accounts: z.array(z.object({ accountId: accountIdString, priority: z.number() })) })
  .meta({ id: 'NearLiquidation' });
