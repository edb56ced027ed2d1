import { z } from 'zod';
import { roleEnum, unixSeconds } from './common.js';

export const createApiKeyBody = z
  .object({
    name: z.string().min(1).max(100),
    role: roleEnum,
    /** Protocol keys: the protocol id whose positions the key writes. */
    scope: z
      .string()
      .regex(/^[a-z0-9_-]{1,64}$/)
      .optional(),
  })
  .strict()
  .refine((b) => b.role !== 'protocol' || b.scope !== undefined, {
    path: ['scope'],
    message: 'protocol keys need a scope (the protocol id)',
  })
  .refine((b) => b.role !== 'liquidator' || b.scope?.startsWith('acc_'), {
    path: ['scope'],
    message: 'liquidator keys need a scope (the bidder account id they bid from)',
  });

export const apiKeyDto = z.object({
  id: z.string(),
  name: z.string(),
  role: roleEnum,
  scope: z.string().nullable(),
  /** Returned once, at creation; only its hash is stored. */
  secret: z.string().optional(),
});

export const paramsVersionDto = z.object({
  version: z.number().int(),
  status: z.enum(['draft', 'active', 'retired']),
  params: z.unknown(),
  note: z.string().nullable(),
  /** 'auto' for a version the volatility scaler (dynamic parameters) recorded. */
  reason: z.enum(['manual', 'auto']),
  createdBy: z.string(),
  createdAt: unixSeconds,
  activatedBy: z.string().nullable(),
  activatedAt: unixSeconds.nullable(),
});

export const proposeParamsBody = z
  .object({
    /** A spec section 6 `params` value: `{ preset, overrides }` or a full parameter object. */
    params: z.record(z.string(), z.unknown()),
    note: z.string().max(500).optional(),
  })
  .strict();

export const paramsDiffDto = z.object({
  from: z.number().int().nullable(),
  to: z.number().int(),
  changes: z.array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() })),
});

export const paramsAuditDto = z.object({
  entries: z.array(
    z.object({
      version: z.number().int(),
      action: z.string(),
      actor: z.string(),
      reason: z.enum(['manual', 'auto']),
      at: unixSeconds,
      diff: z.unknown(),
    }),
  ),
});

/** Audit log of the trust root (guardian trust store and attestation registry), latest first. */
export const trustAuditDto = z.object({
  entries: z.array(
    z.object({
      name: z.enum(['trust-store', 'registry']),
      version: z.number().int(),
      action: z.string(),
      actor: z.string(),
      at: unixSeconds,
      diff: z.unknown(),
    }),
  ),
});

export const versionParams = z.object({ version: z.coerce.number().int().positive() });
export const diffQuery = z.object({ against: z.coerce.number().int().positive().optional() });

/** Guardian trust store in the attestation package's JSON shape. */
export const trustStoreBody = z
  .object({
    network: z.enum(['mainnet', 'testnet', 'devnet']),
    current: z.number().int().nonnegative(),
    sets: z
      .array(
        z.object({
          index: z.number().int().nonnegative(),
          keys: z
            .array(z.string().regex(/^0x[0-9a-fA-F]{40}$/))
            .min(1)
            .max(64),
          expiresAt: unixSeconds.nullable(),
        }),
      )
      .min(1),
  })
  .strict();

export const guardianUpgradeBody = z.object({ vaa: z.string().min(8).max(20_000) }).strict();

export const emitterEntry = z
  .object({
    kind: z.enum(['collateral', 'pyth']),
    /** Wormhole chain id of the emitter. */
    emitterChain: z.number().int().min(0).max(65_535),
    emitterAddress: z.string().regex(/^0x([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$/),
    /** Our network name for messages from this emitter (devnets reuse mainnet Wormhole ids). */
    chain: z.string().min(1).max(64),
  })
  .strict();

export const tokenEntry = z
  .object({
    chain: z.string().min(1).max(64),
    /** Token contract or mint, 0x hex (20 or 32 bytes) or base58. */
    token: z.string().min(32).max(66),
    asset: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/),
    decimals: z.number().int().min(0).max(36),
  })
  .strict();

/** Pyth feed id -> asset or underlying symbol whose price it sets. */
export const pythFeedEntry = z
  .object({
    feedId: z.string().regex(/^0x[0-9a-fA-F]{64}$/),
    symbol: z.string().regex(/^[A-Za-z0-9._-]{1,32}$/),
  })
  .strict();

export const attestationRegistryBody = z
  .object({
    emitters: z.array(emitterEntry).max(1_000),
    tokens: z.array(tokenEntry).max(10_000),
    pythFeeds: z.array(pythFeedEntry).max(10_000).default([]),
  })
  .strict();
export type AttestationRegistry = z.infer<typeof attestationRegistryBody>;

export const queueStatsDto = z.object({
  queues: z.array(
    z.object({
      queue: z.string(),
      waiting: z.number(),
      prioritized: z.number(),
      active: z.number(),
      delayed: z.number(),
      failed: z.number(),
      completed: z.number(),
      paused: z.number(),
    }),
  ),
});

export const queueParams = z.object({
  queue: z.enum(['index-chain', 'reverify-expiring']),
});
export const jobParams = queueParams.extend({ jobId: z.string().min(1).max(200) });

export const failedJobsDto = z.object({
  jobs: z.array(
    z.object({
      queue: z.string(),
      id: z.string(),
      name: z.string(),
      data: z.unknown(),
      failedReason: z.string(),
      attemptsMade: z.number(),
      timestamp: z.number(),
      finishedOn: z.number().optional(),
    }),
  ),
});

/** `GET /v1/admin/api-keys`: the keys not revoked (never their secrets). */
export const apiKeyListDto = z.object({ keys: z.array(apiKeyDto) });

/** `GET /v1/admin/params`: the latest parameter versions. */
export const paramsVersionListDto = z.object({ versions: z.array(paramsVersionDto) });

/** `GET /v1/admin/whoami`: the calling key's name and role. */
export const whoamiDto = z.object({ name: z.string(), role: roleEnum });

/** `GET /v1/admin/liquidation-params`: versions and their audit log. */
export const liquidationParamsListDto = z.object({
  versions: z.array(paramsVersionDto),
  audit: paramsAuditDto.shape.entries,
});

/** `POST /v1/admin/liquidation-params`: auction parameters (validated by the engine) and a note. */
export const proposeLiquidationParamsBody = z
  .object({ params: z.unknown(), note: z.string().max(500).optional() })
  .strict();
