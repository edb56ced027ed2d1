import { z } from 'zod';
import { marginWarningSchema, maxPassingSizeSchema } from '../risk/result.js';
import { whatIfChangeSchema } from '../risk/what-if.js';
import { accountIdString, decimalString, finite, unixSeconds } from './common.js';
import { marketBody, priceQuote } from './market-data.js';
import { positionBody } from './positions.js';

export const marginSummary = z.object({
  equity: finite,
  initialRequirement: finite,
  maintenanceRequirement: finite,
  initialExcess: finite,
  maintenanceExcess: finite,
  markToMarket: finite,
});

export const chainFreshness = z.object({
  chain: z.string(),
  oldestObservedAt: unixSeconds,
  newestObservedAt: unixSeconds,
  /** now - oldestObservedAt, seconds. */
  ageSeconds: z.number(),
  /**
   * Trust classes of the account's balances on this chain: `escrowed` (vault, Solana escrow) and/or
   * `unescrowed` (wallet balances, counted at 1 - unescrowedHaircut). Per balance: the explain answer.
   */
  trust: z.array(z.enum(['escrowed', 'unescrowed'])).optional(),
});

export const marginSnapshotDto = z
  .object({
    accountId: accountIdString,
    computedAt: z.number().describe('unix milliseconds'),
    ageSeconds: z.number().describe('seconds since computedAt'),
    asOf: unixSeconds,
    inputHash: z.string(),
    paramsVersion: z.number().int().nullable(),
    /**
     * `stale`: the account's latest inputs cannot be computed (`stale` says why and since when); the
     * summary is then the last one computed, or null if there never was one. Never a current margin.
     */
    status: z.enum(['ok', 'stale']),
    stale: z
      .object({ code: z.string(), message: z.string(), since: z.number().describe('unix milliseconds') })
      .optional(),
    summary: marginSummary.nullable(),
    freshness: z.array(chainFreshness),
    warnings: z.array(z.object({ code: z.string(), path: z.string(), message: z.string() })),
  })
  .meta({ id: 'MarginSnapshot' });

/** Proposed changes evaluated against the stored account without storing anything. */
export const whatIfBody = z
  .object({
    positions: z
      .object({
        /** Added or replacing positions (by id, within the caller's protocol for protocol keys). */
        upsert: z.array(positionBody).max(1_000).default([]),
        /** Ids of the caller's positions to drop. */
        remove: z.array(z.string().max(128)).max(1_000).default([]),
      })
      .strict()
      .default({ upsert: [], remove: [] }),
    collateral: z
      .array(
        z
          .object({
            asset: z.string().min(1).max(32),
            chain: z.string().min(1).max(64),
            /** Signed change in token units, exact decimal. */
            delta: decimalString,
          })
          .strict(),
      )
      .max(100)
      .default([]),
    market: z
      .object({
        prices: z.record(z.string().max(32), priceQuote).optional(),
        markets: z.record(z.string().max(32), marketBody).optional(),
      })
      .strict()
      .optional(),
    /**
     * The CLI's what-if document form, accepted too: position changes (no id: they are added as
     * `change-<i>`), collateral changes (a chain is required here) and cash changes, applied after the
     * fields above. `sizeChange` picks the position change whose largest passing size is searched.
     */
    changes: z.array(whatIfChangeSchema).max(1_000).optional(),
    sizeChange: z.number().int().nonnegative().optional(),
  })
  .strict();

export const whatIfDto = z.object({
  accountId: accountIdString,
  asOf: unixSeconds,
  current: marginSummary,
  proposed: marginSummary,
  change: marginSummary,
  /** Whether the proposed state passes the pre-trade check (the same verdict as `passes`). */
  acceptable: z.boolean(),
  /** The change lowers the initial excess. */
  riskAdding: z.boolean(),
  /** Not risk-adding, or the initial excess after the change is >= 0. */
  passes: z.boolean(),
  /**
   * Largest passing quantity of the sized position: `sizeChange`, else the last position change of
   * `changes`, else the last of `positions.upsert` (`change`: its index in that list).
   */
  maxPassingSize: maxPassingSizeSchema.nullable(),
  /** Warnings of the proposed margin (stale or unsupported collateral, expired options). */
  warnings: z.array(marginWarningSchema),
});

export const explainDto = z.object({
  accountId: accountIdString,
  computedAt: z.number(),
  asOf: unixSeconds,
  summary: marginSummary,
  positions: z.array(
    z.object({
      key: z.string().describe('protocol/positionId'),
      underlying: z.string(),
      markToMarket: finite,
      worstScenarioPnl: finite,
      greeks: z.record(z.string(), finite),
    }),
  ),
  /**
   * Positions not itemised for this caller (a protocol sees its own positions one by one and the other
   * protocols' only in aggregate; a relayer sees aggregates only). Absent when everything is itemised.
   */
  otherPositions: z
    .object({
      count: z.number().int().nonnegative(),
      markToMarket: finite,
      worstScenarioPnl: finite,
      greeks: z.record(z.string(), finite),
    })
    .optional(),
  underlyings: z.record(
    z.string(),
    z.object({
      worstScenario: z.unknown(),
      /** P&L of the worst stress scenario (0 when none loses). */
      worstScenarioPnl: finite,
      markToMarket: finite,
      basisContingency: finite,
      staticContingency: finite,
      confidenceContingency: finite,
    }),
  ),
  chains: z.array(
    z.object({
      chain: z.string(),
      collateralValue: finite.describe('sum of amount x price before haircuts, stable units'),
      assets: z.array(
        z.object({
          asset: z.string(),
          amount: finite,
          source: z.string().optional(),
          /** `escrowed` (vault, Solana escrow) or `unescrowed` (attested wallet balance). */
          trust: z.enum(['escrowed', 'unescrowed']),
          /** What counts before the asset's haircuts: an unescrowed amount x (1 - unescrowedHaircut). */
          countedAmount: finite,
        }),
      ),
      oldestObservedAt: unixSeconds.nullable(),
      ageSeconds: z.number().nullable(),
    }),
  ),
  worstScenario: z.object({ underlying: z.string(), scenario: z.unknown(), pnl: finite }).nullable(),
  attestations: z.array(
    z.object({
      replayKey: z.string(),
      kind: z.string(),
      observedAt: z.number().nullable(),
      ageSeconds: z.number().nullable(),
    }),
  ),
  warnings: z.array(z.object({ code: z.string(), path: z.string(), message: z.string() })),
});

export const historyQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
  /** Unix milliseconds: only snapshots computed strictly before (pagination). */
  before: z.coerce.number().int().nonnegative().optional(),
});

/** Snapshot history from Postgres, latest first. */
export const marginHistoryDto = z.object({
  accountId: accountIdString,
  snapshots: z.array(
    z.object({
      computedAt: z.number().describe('unix milliseconds'),
      inputHash: z.string(),
      paramsVersion: z.number().int().nullable(),
      summary: marginSummary,
    }),
  ),
});
