import type { Db, DriverName, Executor } from './db/types.js';
import { type MigrateResult, migrate } from './migrate.js';
import { type AccountsRepository, createAccountsRepository } from './repositories/accounts.js';
import { type ApiKeysRepository, createApiKeysRepository } from './repositories/api-keys.js';
import { type AttestationsRepository, createAttestationsRepository } from './repositories/attestations.js';
import { type BalancesRepository, createBalancesRepository } from './repositories/balances.js';
import { type ChallengesRepository, createChallengesRepository } from './repositories/challenges.js';
import { type CursorsRepository, createCursorsRepository } from './repositories/cursors.js';
import {
  createDynamicParamsRepository,
  type DynamicParamsRepository,
} from './repositories/dynamic-params.js';
import { createMarketDataRepository, type MarketDataRepository } from './repositories/market-data.js';
import { createPositionsRepository, type PositionsRepository } from './repositories/positions.js';
import { createRiskParamsRepository, type RiskParamsRepository } from './repositories/risk-params.js';
import { createSnapshotsRepository, type SnapshotsRepository } from './repositories/snapshots.js';

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
  readonly dynamicParams: DynamicParamsRepository;
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
    dynamicParams: createDynamicParamsRepository(ex),
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
    async ping() {
      await db.query('SELECT 1');
    },
    close: () => db.close(),
  };
}
