import { z } from 'zod';
import { accountIdString, decimalString } from './common.js';
import { stressRunView } from './stress-runs.js';

// DTOs of the routes the admin console reads (book aggregates, generic queue browsing, audit).
// Figures are floats in stable units (they come out of the risk engine); raw amounts are decimal strings.

export const marginModeEnum = z.enum(['isolated', 'cross', 'portfolio']);
export const bookMetricEnum = z.enum(['marginRatio', 'maintenanceExcess', 'initialExcess', 'equity']);

const modeFigures = z.object({ initialRequirement: z.number(), maintenanceRequirement: z.number() });

export const bookSummaryDto = z.object({
  at: z.number().describe('unix ms'),
  accounts: z.number().int(),
  margined: z.number().int(),
  equity: z.number(),
  initialRequirement: z.number(),
  maintenanceRequirement: z.number(),
  initialExcess: z.number(),
  maintenanceExcess: z.number(),
  liquidatable: z.number().int(),
  nearLiquidation: z.number().int(),
  nearLiquidationRatio: z.number(),
  capitalEfficiency: z.number().nullable(),
  modes: z.object({ isolated: modeFigures, cross: modeFigures, portfolio: modeFigures }),
  collateral: z.array(
    z.object({
      chain: z.string(),
      accounts: z.number().int(),
      value: z.number(),
      assets: z.array(z.object({ asset: z.string(), amount: decimalString, value: z.number() })),
    }),
  ),
  chains: z.array(
    z.object({ chain: z.string(), oldestObservedAt: z.number(), ageSeconds: z.number(), stale: z.boolean() }),
  ),
  staleAfterSeconds: z.number().nullable(),
  stale: z.boolean(),
  /** Filled once liquidation lands (issue 15); null until the engine keeps them. */
  badDebt: z.number().nullable(),
  insuranceFund: z.number().nullable(),
});
export type BookSummaryDto = z.infer<typeof bookSummaryDto>;

export const bookHistogramQuery = z.object({
  metric: bookMetricEnum.default('marginRatio'),
  bins: z.coerce.number().int().min(1).max(200).default(30),
  /** One mode, or `all` for the three overlaid. */
  mode: z.enum(['isolated', 'cross', 'portfolio', 'all']).default('all'),
});

export const bookHistogramDto = z.object({
  metric: bookMetricEnum,
  edges: z.array(z.number()),
  series: z.array(
    z.object({ mode: marginModeEnum, counts: z.array(z.number().int()), overflow: z.number().int() }),
  ),
  accounts: z.number().int(),
});
export type BookHistogramDto = z.infer<typeof bookHistogramDto>;

export const accountSortEnum = z.enum([
  'accountId',
  'equity',
  'initialRequirement',
  'maintenanceRequirement',
  'initialExcess',
  'maintenanceExcess',
  'marginRatio',
  'capitalEfficiency',
  'positions',
  'computedAt',
]);

export const bookAccountsQuery = z.object({
  q: z.string().max(100).optional(),
  /** Default: closest to liquidation first. */
  sort: accountSortEnum.default('maintenanceExcess'),
  dir: z.enum(['asc', 'desc']).default('asc'),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Accounts of one histogram bin: all four or none. */
  metric: bookMetricEnum.optional(),
  mode: marginModeEnum.optional(),
  bins: z.coerce.number().int().min(1).max(200).optional(),
  bin: z.coerce.number().int().min(0).max(200).optional(),
});

export const bookAccountRow = z.object({
  accountId: z.string(),
  computedAt: z.number().nullable(),
  equity: z.number(),
  initialRequirement: z.number(),
  maintenanceRequirement: z.number(),
  initialExcess: z.number(),
  maintenanceExcess: z.number(),
  marginRatio: z.number().nullable(),
  capitalEfficiency: z.number().nullable(),
  positions: z.number().int(),
  chains: z.array(z.string()),
});
export type BookAccountRow = z.infer<typeof bookAccountRow>;

export const bookAccountsDto = z.object({
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  accounts: z.array(bookAccountRow),
});
export type BookAccountsDto = z.infer<typeof bookAccountsDto>;

export const accountDetailDto = z.object({
  accountId: accountIdString,
  snapshot: z
    .object({
      computedAt: z.number(),
      asOf: z.number(),
      paramsVersion: z.number().nullable(),
      summary: z.record(z.string(), z.number()),
      /** The risk engine's full result (scenarios, Greeks, modes): see MarginResult. */
      result: z.unknown(),
      positionKeys: z.array(z.string()),
    })
    .nullable(),
  balances: z.array(
    z.object({
      chain: z.string(),
      asset: z.string(),
      source: z.string(),
      holder: z.string(),
      amount: decimalString,
      observedAt: z.number(),
      ageSeconds: z.number(),
    }),
  ),
  positions: z.array(z.object({ protocol: z.string(), positionId: z.string(), position: z.unknown() })),
  addresses: z.array(z.object({ chain: z.string(), address: z.string() })),
});
export type AccountDetailDto = z.infer<typeof accountDetailDto>;

export const attestationOverviewDto = z.object({
  at: z.number(),
  /** Per chain: ages (seconds) of each account's oldest observation, binned. */
  freshness: z.array(
    z.object({
      chain: z.string(),
      edges: z.array(z.number()),
      counts: z.array(z.number().int()),
      oldestAgeSeconds: z.number(),
      stale: z.boolean(),
    }),
  ),
  /** From observation (block time) to acceptance by the engine, over the recent attestations. */
  lag: z.array(
    z.object({ chain: z.string(), count: z.number().int(), p50Seconds: z.number(), maxSeconds: z.number() }),
  ),
  recent: z.array(
    z.object({
      replayKey: z.string(),
      kind: z.string(),
      chain: z.string().nullable(),
      emitterChain: z.number().nullable(),
      sequence: z.string().nullable(),
      account: z.string().nullable(),
      observedAt: z.number().nullable(),
      appliedAt: z.number(),
    }),
  ),
  rejections: z.array(z.object({ code: z.string(), count: z.number() })),
  staleAfterSeconds: z.number().nullable(),
});
export type AttestationOverviewDto = z.infer<typeof attestationOverviewDto>;

export const queueOverviewDto = z.object({
  at: z.number(),
  queues: z.array(
    z.object({
      queue: z.string(),
      paused: z.boolean(),
      waiting: z.number().int(),
      prioritized: z.number().int(),
      active: z.number().int(),
      delayed: z.number().int(),
      failed: z.number().int(),
      completed: z.number().int(),
      workers: z.number().int(),
      /** Over the last 10 s of the queue's event stream. */
      completedPerSecond: z.number(),
      failedPerSecond: z.number(),
    }),
  ),
  workers: z.array(
    z.object({
      queue: z.string(),
      name: z.string(),
      addr: z.string(),
      ageSeconds: z.number(),
      idleSeconds: z.number(),
    }),
  ),
});
export type QueueOverviewDto = z.infer<typeof queueOverviewDto>;

export const queueNameParams = z.object({ queue: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/) });
export const queueJobParams = queueNameParams.extend({ jobId: z.string().min(1).max(200) });

export const failedJobsQuery = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).default(25),
  /** Only jobs whose payload names this account. */
  accountId: z.string().max(100).optional(),
});

export const failedJobsPageDto = z.object({
  queue: z.string(),
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  jobs: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      data: z.unknown(),
      failedReason: z.string(),
      attemptsMade: z.number().int(),
      timestamp: z.number(),
      finishedOn: z.number().nullable(),
    }),
  ),
});
export type FailedJobsPageDto = z.infer<typeof failedJobsPageDto>;

export const retriedDto = z.object({ retried: z.number().int() });

export const adminAuditDto = z.object({
  entries: z.array(
    z.object({
      id: z.string(),
      at: z.number().describe('unix ms'),
      actor: z.string(),
      action: z.string(),
      target: z.string(),
      detail: z.string(),
    }),
  ),
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: z.string().nullable(),
});
export const adminAuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Entries older than this id (the previous page's `next`). */
  before: z
    .string()
    .regex(/^\d{1,18}$/)
    .optional(),
  /** Only actions starting with this prefix, e.g. `job.` or `stress.`. */
  action: z.string().min(1).max(100).optional(),
});
export type AdminAuditDto = z.infer<typeof adminAuditDto>;

export const paramsImpactDto = z.object({
  version: z.number().int(),
  against: z.number().int().nullable(),
  accounts: z.number().int(),
  computeMs: z.number(),
  current: z.object({
    initialRequirement: z.number(),
    maintenanceRequirement: z.number(),
    liquidatable: z.number().int(),
  }),
  draft: z.object({
    initialRequirement: z.number(),
    maintenanceRequirement: z.number(),
    liquidatable: z.number().int(),
  }),
  /** Accounts that are above maintenance now and would be below it under the draft. */
  newlyLiquidatable: z.array(
    z.object({ accountId: z.string(), currentExcess: z.number(), draftExcess: z.number() }),
  ),
});
export type ParamsImpactDto = z.infer<typeof paramsImpactDto>;

/** Shard leases of the resident books: owner, lease expiry and event stream per shard. */
export const shardOwnershipDto = z.object({
  at: z.number().describe('unix ms'),
  shardCount: z.number().int(),
  workers: z.array(
    z.object({
      id: z.string(),
      heartbeatAt: z.number().describe('unix ms'),
      shards: z.array(z.number().int()),
    }),
  ),
  shards: z.array(
    z.object({
      shard: z.number().int(),
      owner: z.string().nullable(),
      leaseExpiresAt: z.number().nullable().describe('unix ms'),
      events: z.number().int(),
      lastEventAt: z.number().nullable().describe('unix ms'),
    }),
  ),
});
export type ShardOwnershipDto = z.infer<typeof shardOwnershipDto>;

/** Every persisted event of one auction (liquidation spec section 8), oldest first. */
export const auctionEventsDto = z.object({
  events: z.array(
    z.object({
      id: z.string(),
      type: z.enum(['started', 'fee', 'bid', 'insurance_draw', 'socialised_loss', 'converted', 'terminated']),
      time: z.number().describe('auction clock, unix s'),
      body: z.unknown(),
      at: z.number().describe('unix s'),
    }),
  ),
});
export type AuctionEventsDto = z.infer<typeof auctionEventsDto>;

export const stressRoundsQuery = z.object({
  metric: z.enum(['notional', 'badDebt', 'penalty']).default('notional'),
  bins: z.coerce.number().int().min(1).max(200).default(20),
});

const stressRoundView = z.object({
  round: z.number().int(),
  oraclePrices: z.record(z.string(), z.number()),
  executionPrices: z.record(z.string(), z.number()),
  prices: z.record(z.string(), z.number()),
  sold: z.record(z.string(), z.number()),
  liquidations: z.number(),
  liquidatedCount: z.number().int(),
  notional: z.number(),
  shortfall: z.number(),
  penalties: z.number(),
  badDebt: z.number(),
  insuranceDraw: z.number(),
  insuranceFund: z.number(),
  socialisedLoss: z.number(),
});

/**
 * A stress run with its result reduced for drawing (per mode and round figures, liquidations binned on
 * the server): what the console reads instead of the full result, whose unit lists grow with the book.
 */
export const stressRoundsDto = stressRunView.extend({
  /** Null until the run is done. */
  view: z
    .object({
      asOf: z.number(),
      reference: z.record(z.string(), z.number()),
      shocked: z.record(z.string(), z.number()),
      warnings: z.array(z.object({ code: z.string(), mode: z.string(), message: z.string() })),
      metric: z.enum(['notional', 'badDebt', 'penalty']),
      edges: z.array(z.number()),
      modes: z.array(
        z.object({
          mode: z.enum(['isolated', 'cross', 'portfolio']),
          converged: z.boolean(),
          roundCount: z.number().int(),
          prices: z.record(z.string(), z.number()),
          drop: z.record(z.string(), z.number()),
          amplification: z.record(z.string(), z.number().nullable()),
          liquidations: z.number(),
          liquidatedUnits: z.number(),
          notional: z.number(),
          penalties: z.number(),
          badDebt: z.number(),
          insuranceDraw: z.number(),
          insuranceFund: z.number(),
          socialisedLoss: z.number(),
          perChain: z.array(z.object({ chain: z.string(), notional: z.number(), badDebt: z.number() })),
          rounds: z.array(stressRoundView),
          counts: z.array(z.number().int()),
        }),
      ),
    })
    .nullable(),
});
export type StressRoundsDto = z.infer<typeof stressRoundsDto>;
