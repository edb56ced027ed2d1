export type { Db, DriverName, Executor, QueryResult } from './db/types.js';
export { dropSchema } from './drop-schema.js';
export type { JsonObject, JsonValue } from './json.js';
export type { JsonDiffEntry } from './json-diff.js';
export type { MigrateResult } from './migrate.js';
export { type OpenStoreOptions, openStore } from './open-store.js';
export type {
  AccountRecord,
  AccountsRepository,
  AccountWithMarginRecord,
  CreateAccountParameters,
  LatestMarginRecord,
  LinkAddressParameters,
  LinkedAddressRecord,
  ListAccountsParameters,
  ListAccountsWithMarginParameters,
} from './repositories/accounts.js';
export type {
  AdminAuditRecord,
  AdminAuditRepository,
  ListAdminAuditParameters,
  RecordAdminActionParameters,
} from './repositories/admin-audit.js';
export {
  type ApiKeyRecord,
  type ApiKeysRepository,
  type CreateApiKeyParameters,
  hashApiKey,
} from './repositories/api-keys.js';
export type {
  ApplyAttestationParameters,
  ApplyAttestationReturnType,
  AttestationKind,
  AttestationRecord,
  AttestationsRepository,
  ListAttestationsParameters,
} from './repositories/attestations.js';
export type {
  BalanceRecord,
  BalancesRepository,
  BalanceUpdate,
  IngestPollResult,
  RollbackBalancesParameters,
  RollbackBalancesResult,
  UpsertBalanceResult,
} from './repositories/balances.js';
export { trustOf } from './repositories/balances.js';
export type {
  ChallengePurpose,
  ChallengesRepository,
  CreateChallengeParameters,
  LinkChallengeRecord,
} from './repositories/challenges.js';
export type { ChainCursorRecord, CursorsRepository } from './repositories/cursors.js';
export type {
  DynamicParamAsset,
  DynamicParamAssetConfig,
  DynamicParamAssetState,
  DynamicParamPolicy,
  DynamicParamsRepository,
  PricePoint,
} from './repositories/dynamic-params.js';
export type { GrantProtocolParameters, GrantRecord, GrantsRepository } from './repositories/grants.js';
export type { LiquidationParamsRepository } from './repositories/liquidation-params.js';
export type {
  AuctionBidRecord,
  AuctionEventRecord,
  AuctionEventType,
  AuctionKindValue,
  AuctionRecord,
  AuctionStatus,
  CashReason,
  CollateralAdjustment,
  InsertAuctionBidParameters,
  InsertAuctionParameters,
  InsertPositionTransferParameters,
  InsertSettlementInstructionParameters,
  InsuranceFundEntry,
  InsuranceFundEntryKind,
  LiquidationsRepository,
  ListAuctionsParameters,
  PositionTransferRecord,
  SettlementInstructionRecord,
  SettlementStatus,
  UpdateAuctionParameters,
} from './repositories/liquidations.js';
export type {
  MarketDataKind,
  MarketDataRecord,
  MarketDataRepository,
  MarketDataSnapshot,
  PutMarketDataParameters,
  PutMarketDataResult,
} from './repositories/market-data.js';
export type {
  PositionInput,
  PositionRecord,
  PositionsRepository,
  RemovePositionParameters,
  ReplacePositionsParameters,
  UpsertPositionParameters,
} from './repositories/positions.js';
export type {
  ActivateRiskParamsParameters,
  ListRiskParamAuditParameters,
  ProposeRiskParamsParameters,
  RiskParamAction,
  RiskParamAuditEntry,
  RiskParamReason,
  RiskParamStatus,
  RiskParamsRepository,
  RiskParamVersion,
} from './repositories/risk-params.js';
export type {
  InsertMarginSnapshotParameters,
  ListLatestSnapshotsParameters,
  MarginHistoryParameters,
  MarginSnapshotRecord,
  SnapshotsRepository,
} from './repositories/snapshots.js';
export type {
  SolanaEscrowInput,
  SolanaEscrowRecord,
  SolanaEscrowsRepository,
} from './repositories/solana-escrows.js';
export type {
  CreateStressRunParameters,
  ListStressRunsParameters,
  StressRunRecord,
  StressRunStatus,
  StressRunsRepository,
} from './repositories/stress-runs.js';
export type {
  PutTrustConfigParameters,
  TrustConfigAuditEntry,
  TrustConfigName,
  TrustConfigRecord,
  TrustConfigRepository,
} from './repositories/trust-config.js';
export type {
  CreateWebhookParameters,
  RecordWebhookAttemptParameters,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookRecord,
  WebhooksRepository,
  WebhookWithSecret,
} from './repositories/webhooks.js';
export type {
  CreateWithdrawalReservationParameters,
  WithdrawalReservationKind,
  WithdrawalReservationRecord,
  WithdrawalReservationsRepository,
} from './repositories/withdrawal-reservations.js';
export type { Store, StoreRepositories } from './store.js';
