import type { Db, DriverName, Executor } from './db/types.js';
import { type MigrateResult, migrate } from './migrate.js';
import { type AccountsRepository, createAccountsRepository } from './repositories/accounts.js';
import { type AdminAuditRepository, createAdminAuditRepository } from './repositories/admin-audit.js';
import { type ApiKeysRepository, createApiKeysRepository } from './repositories/api-keys.js';
import { type AttestationsRepository, createAttestationsRepository } from './repositories/attestations.js';
import { type BalancesRepository, createBalancesRepository } from './repositories/balances.js';
import { type ChallengesRepository, createChallengesRepository } from './repositories/challenges.js';
import { type CursorsRepository, createCursorsRepository } from './repositories/cursors.js';
import {
  createDynamicParamsRepository,
  type DynamicParamsRepository,
} from './repositories/dynamic-params.js';
import { createGrantsRepository, type GrantsRepository } from './repositories/grants.js';
import {
  createLiquidationParamsRepository,
  type LiquidationParamsRepository,
} from './repositories/liquidation-params.js';
import { createLiquidationsRepository, type LiquidationsRepository } from './repositories/liquidations.js';
import { createMarketDataRepository, type MarketDataRepository } from './repositories/market-data.js';
import { createPositionsRepository, type PositionsRepository } from './repositories/positions.js';
import { createRiskParamsRepository, type RiskParamsRepository } from './repositories/risk-params.js';
import { createSnapshotsRepository, type SnapshotsRepository } from './repositories/snapshots.js';
import {
  createSolanaEscrowsRepository,
  type SolanaEscrowsRepository,
} from './repositories/solana-escrows.js';
import { createStressRunsRepository, type StressRunsRepository } from './repositories/stress-runs.js';
import { createTrustConfigRepository, type TrustConfigRepository } from './repositories/trust-config.js';
import { createWebhooksRepository, type WebhooksRepository } from './repositories/webhooks.js';
import {
  createWithdrawalReservationsRepository,
  type WithdrawalReservationsRepository,
} from './repositories/withdrawal-reservations.js';

/** Every repository, bound either to the pool/instance (`Store`) or to one transaction. */
export interface StoreRepositories {
  readonly accounts: AccountsRepository;
  readonly challenges: ChallengesRepository;
  readonly balances: BalancesRepository;
  readonly attestations: AttestationsRepository;
  readonly positions: PositionsRepository;
  readonly marketData: MarketDataRepository;
  readonly riskParams: RiskParamsRepository;
  readonly snapshots: SnapshotsRepository;
  readonly apiKeys: ApiKeysRepository;
  readonly cursors: CursorsRepository;
  readonly liquidations: LiquidationsRepository;
  readonly liquidationParams: LiquidationParamsRepository;
  readonly trustConfig: TrustConfigRepository;
  readonly grants: GrantsRepository;
  readonly stressRuns: StressRunsRepository;
  readonly withdrawalReservations: WithdrawalReservationsRepository;
  readonly dynamicParams: DynamicParamsRepository;
  readonly adminAudit: AdminAuditRepository;
  readonly webhooks: WebhooksRepository;
  readonly solanaEscrows: SolanaEscrowsRepository;
}

export interface Store extends StoreRepositories {
  readonly driver: DriverName;
  readonly schema: string | undefined;
  /** The raw connection, for what the repositories do not cover (health checks, ad-hoc admin queries). */
  readonly db: Db;
  /** Applies pending migrations (done by `openStore` unless `migrate: false`). Idempotent. */
  migrate(): Promise<MigrateResult>;
  /**
   * Runs `fn` in one transaction with repositories bound to it. Operations that open their own
   * transaction (attestations.apply, balances.rollback, ...) join this one. Use only `tx` inside `fn`.
   */
  transaction<T>(fn: (tx: StoreRepositories) => Promise<T>): Promise<T>;
  /**
   * Like `transaction`, at REPEATABLE READ: every read of `fn` sees the same committed state (a
   * consistent snapshot across tables, e.g. ledger, market data and parameters for a stress run).
   */
  snapshot<T>(fn: (tx: StoreRepositories) => Promise<T>): Promise<T>;
  /** Resolves when the database answers; LEDGER__UNAVAILABLE otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

function repositories(
  ex: Executor,
  inTransaction: <T>(fn: (tx: Executor) => Promise<T>) => Promise<T>,
): StoreRepositories {
  return {
    accounts: createAccountsRepository(ex),
    challenges: createChallengesRepository(ex),
    balances: createBalancesRepository(ex, inTransaction),
    attestations: createAttestationsRepository(ex, inTransaction),
    positions: createPositionsRepository(ex, inTransaction),
    marketData: createMarketDataRepository(ex),
    riskParams: createRiskParamsRepository(ex, inTransaction),
    snapshots: createSnapshotsRepository(ex),
    apiKeys: createApiKeysRepository(ex),
    cursors: createCursorsRepository(ex),
    liquidations: createLiquidationsRepository(ex),
    liquidationParams: createLiquidationParamsRepository(ex, inTransaction),
    trustConfig: createTrustConfigRepository(ex, inTransaction),
    grants: createGrantsRepository(ex),
    stressRuns: createStressRunsRepository(ex),
    withdrawalReservations: createWithdrawalReservationsRepository(ex),
    dynamicParams: createDynamicParamsRepository(ex),
    adminAudit: createAdminAuditRepository(ex),
    webhooks: createWebhooksRepository(ex, inTransaction),
    solanaEscrows: createSolanaEscrowsRepository(ex),
  };
}

/** Repositories bound to an open transaction: nested transactions join it (no savepoints). */
function transactionRepositories(tx: Executor): StoreRepositories {
  return repositories(tx, (fn) => fn(tx));
}

export function createStore(db: Db): Store {
  return {
    ...repositories(db, (fn) => db.transaction(fn)),
    driver: db.driver,
    schema: db.schema,
    db,
    migrate: () => migrate(db),
    transaction: (fn) => db.transaction((tx) => fn(transactionRepositories(tx))),
    snapshot: (fn) =>
      db.transaction(async (tx) => {
        await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        return fn(transactionRepositories(tx));
      }),
    async ping() {
      await db.query('SELECT 1');
    },
    close: () => db.close(),
  };
}
