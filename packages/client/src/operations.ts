import type { HttpMethod } from './http-transport.js';

/**
 * Every operation of the engine's OpenAPI document (`/openapi.json`), by its operationId: the HTTP
 * method, the path template and the client method that calls it (`group.method`). The client builds
 * each request from this table, and a test in the engine checks it against the served document, so a
 * route without a client method (or a method calling a route that moved) fails the build.
 */
export const xmarginOperations = {
  getHealthz: { method: 'GET', path: '/healthz', client: 'health' },
  getReadyz: { method: 'GET', path: '/readyz', client: 'readiness' },
  postAccounts: { method: 'POST', path: '/v1/accounts', client: 'accounts.create' },
  getAccounts: { method: 'GET', path: '/v1/accounts', client: 'accounts.list' },
  getAccountsByAccountId: { method: 'GET', path: '/v1/accounts/{accountId}', client: 'accounts.get' },
  postAccountsByAccountIdChallenges: {
    method: 'POST',
    path: '/v1/accounts/{accountId}/challenges',
    client: 'accounts.createChallenge',
  },
  postAccountsByAccountIdAddresses: {
    method: 'POST',
    path: '/v1/accounts/{accountId}/addresses',
    client: 'accounts.linkAddress',
  },
  getAccountsByAccountIdAddresses: {
    method: 'GET',
    path: '/v1/accounts/{accountId}/addresses',
    client: 'accounts.listAddresses',
  },
  postAccountsByAccountIdGrantChallenges: {
    method: 'POST',
    path: '/v1/accounts/{accountId}/grant-challenges',
    client: 'accounts.createGrantChallenge',
  },
  postAccountsByAccountIdGrants: {
    method: 'POST',
    path: '/v1/accounts/{accountId}/grants',
    client: 'accounts.applyGrant',
  },
  getAccountsByAccountIdGrants: {
    method: 'GET',
    path: '/v1/accounts/{accountId}/grants',
    client: 'accounts.listGrants',
  },
  putAccountsByAccountIdGrantsByProtocol: {
    method: 'PUT',
    path: '/v1/accounts/{accountId}/grants/{protocol}',
    client: 'accounts.grant',
  },
  deleteAccountsByAccountIdGrantsByProtocol: {
    method: 'DELETE',
    path: '/v1/accounts/{accountId}/grants/{protocol}',
    client: 'accounts.revokeGrant',
  },
  postAccountsByAccountIdPositions: {
    method: 'POST',
    path: '/v1/accounts/{accountId}/positions',
    client: 'positions.upsert',
  },
  getAccountsByAccountIdPositions: {
    method: 'GET',
    path: '/v1/accounts/{accountId}/positions',
    client: 'positions.list',
  },
  deleteAccountsByAccountIdPositionsByPositionId: {
    method: 'DELETE',
    path: '/v1/accounts/{accountId}/positions/{positionId}',
    client: 'positions.remove',
  },
  putMarketData: { method: 'PUT', path: '/v1/market-data', client: 'marketData.update' },
  getMarketData: { method: 'GET', path: '/v1/market-data', client: 'marketData.get' },
  postAttestationsVaa: { method: 'POST', path: '/v1/attestations/vaa', client: 'attestations.postVaa' },
  postAttestationsQuery: { method: 'POST', path: '/v1/attestations/query', client: 'attestations.postQuery' },
  postAttestationsPyth: { method: 'POST', path: '/v1/attestations/pyth', client: 'attestations.postPyth' },
  getAttestationsReverifyRequests: {
    method: 'GET',
    path: '/v1/attestations/reverify-requests',
    client: 'attestations.reverifyRequests',
  },
  getAccountsByAccountIdMargin: {
    method: 'GET',
    path: '/v1/accounts/{accountId}/margin',
    client: 'margin.get',
  },
  getAccountsByAccountIdMarginHistory: {
    method: 'GET',
    path: '/v1/accounts/{accountId}/margin/history',
    client: 'margin.history',
  },
  postAccountsByAccountIdMarginWhatIf: {
    method: 'POST',
    path: '/v1/accounts/{accountId}/margin/what-if',
    client: 'margin.whatIf',
  },
  getAccountsByAccountIdMarginExplain: {
    method: 'GET',
    path: '/v1/accounts/{accountId}/margin/explain',
    client: 'margin.explain',
  },
  postAccountsByAccountIdWithdrawals: {
    method: 'POST',
    path: '/v1/accounts/{accountId}/withdrawals',
    client: 'settlement.withdraw',
  },
  getAccountsByAccountIdMarginStatement: {
    method: 'GET',
    path: '/v1/accounts/{accountId}/margin/statement',
    client: 'settlement.marginStatement',
  },
  postAccountsByAccountIdEscrows: {
    method: 'POST',
    path: '/v1/accounts/{accountId}/escrows',
    client: 'settlement.openEscrow',
  },
  getStreamMargin: { method: 'GET', path: '/v1/stream/margin', client: 'stream.margin' },
  getStreamLiquidations: { method: 'GET', path: '/v1/stream/liquidations', client: 'stream.liquidations' },
  postWebhooks: { method: 'POST', path: '/v1/webhooks', client: 'webhooks.create' },
  getWebhooks: { method: 'GET', path: '/v1/webhooks', client: 'webhooks.list' },
  getWebhooksByWebhookId: { method: 'GET', path: '/v1/webhooks/{webhookId}', client: 'webhooks.get' },
  deleteWebhooksByWebhookId: {
    method: 'DELETE',
    path: '/v1/webhooks/{webhookId}',
    client: 'webhooks.delete',
  },
  getWebhooksByWebhookIdDeliveries: {
    method: 'GET',
    path: '/v1/webhooks/{webhookId}/deliveries',
    client: 'webhooks.deliveries',
  },
  getLiquidations: { method: 'GET', path: '/v1/liquidations', client: 'liquidations.list' },
  getLiquidationsPositionTransfers: {
    method: 'GET',
    path: '/v1/liquidations/position-transfers',
    client: 'liquidations.positionTransfers',
  },
  getLiquidationsByAuctionId: {
    method: 'GET',
    path: '/v1/liquidations/{auctionId}',
    client: 'liquidations.get',
  },
  postLiquidationsByAuctionIdBids: {
    method: 'POST',
    path: '/v1/liquidations/{auctionId}/bids',
    client: 'liquidations.bid',
  },
  getLiquidationsByAuctionIdSettlements: {
    method: 'GET',
    path: '/v1/liquidations/{auctionId}/settlements',
    client: 'liquidations.settlements',
  },
  postLiquidationsByAuctionIdSettlementsByInstructionIdSubmission: {
    method: 'POST',
    path: '/v1/liquidations/{auctionId}/settlements/{instructionId}/submission',
    client: 'liquidations.reportSubmission',
  },
  getAccountsByAccountIdLiquidations: {
    method: 'GET',
    path: '/v1/accounts/{accountId}/liquidations',
    client: 'liquidations.forAccount',
  },
  getInsuranceFund: { method: 'GET', path: '/v1/insurance-fund', client: 'liquidations.insuranceFund' },
  postAdminApiKeys: { method: 'POST', path: '/v1/admin/api-keys', client: 'admin.createApiKey' },
  getAdminApiKeys: { method: 'GET', path: '/v1/admin/api-keys', client: 'admin.listApiKeys' },
  deleteAdminApiKeysById: { method: 'DELETE', path: '/v1/admin/api-keys/{id}', client: 'admin.revokeApiKey' },
  getAdminParams: { method: 'GET', path: '/v1/admin/params', client: 'admin.listParams' },
  postAdminParams: { method: 'POST', path: '/v1/admin/params', client: 'admin.proposeParams' },
  getAdminParamsByVersionDiff: {
    method: 'GET',
    path: '/v1/admin/params/{version}/diff',
    client: 'admin.diffParams',
  },
  postAdminParamsByVersionActivate: {
    method: 'POST',
    path: '/v1/admin/params/{version}/activate',
    client: 'admin.activateParams',
  },
  getAdminParamsAudit: { method: 'GET', path: '/v1/admin/params/audit', client: 'admin.paramsAudit' },
  getAdminParamsByVersionImpact: {
    method: 'GET',
    path: '/v1/admin/params/{version}/impact',
    client: 'admin.paramsImpact',
  },
  getAdminGuardianSets: { method: 'GET', path: '/v1/admin/guardian-sets', client: 'admin.getTrustStore' },
  putAdminGuardianSets: { method: 'PUT', path: '/v1/admin/guardian-sets', client: 'admin.setTrustStore' },
  postAdminGuardianSetsUpgrades: {
    method: 'POST',
    path: '/v1/admin/guardian-sets/upgrades',
    client: 'admin.upgradeGuardianSet',
  },
  getAdminTrustAudit: { method: 'GET', path: '/v1/admin/trust-audit', client: 'admin.trustAudit' },
  getAdminAttestationRegistry: {
    method: 'GET',
    path: '/v1/admin/attestation-registry',
    client: 'admin.getAttestationRegistry',
  },
  putAdminAttestationRegistry: {
    method: 'PUT',
    path: '/v1/admin/attestation-registry',
    client: 'admin.setAttestationRegistry',
  },
  getAdminQueues: { method: 'GET', path: '/v1/admin/queues', client: 'admin.queues' },
  getAdminQueuesByQueueFailed: {
    method: 'GET',
    path: '/v1/admin/queues/{queue}/failed',
    client: 'admin.failedJobs',
  },
  postAdminQueuesByQueueFailedByJobIdRetry: {
    method: 'POST',
    path: '/v1/admin/queues/{queue}/failed/{jobId}/retry',
    client: 'admin.retryJob',
  },
  deleteAdminQueuesByQueueFailedByJobId: {
    method: 'DELETE',
    path: '/v1/admin/queues/{queue}/failed/{jobId}',
    client: 'admin.discardJob',
  },
  getAdminMarginUncomputable: {
    method: 'GET',
    path: '/v1/admin/margin/uncomputable',
    client: 'admin.uncomputableMargins',
  },
  getAdminMarginNearLiquidation: {
    method: 'GET',
    path: '/v1/admin/margin/near-liquidation',
    client: 'admin.nearLiquidation',
  },
  getAdminLiquidationsByAuctionIdEvents: {
    method: 'GET',
    path: '/v1/admin/liquidations/{auctionId}/events',
    client: 'admin.auctionEvents',
  },
  postAdminInsuranceFundDeposits: {
    method: 'POST',
    path: '/v1/admin/insurance-fund/deposits',
    client: 'admin.depositInsuranceFund',
  },
  postAdminAccountsByAccountIdCashDeposits: {
    method: 'POST',
    path: '/v1/admin/accounts/{accountId}/cash-deposits',
    client: 'admin.depositCash',
  },
  postAdminAccountsByAccountIdCashWithdrawals: {
    method: 'POST',
    path: '/v1/admin/accounts/{accountId}/cash-withdrawals',
    client: 'admin.withdrawCash',
  },
  getAdminLiquidationParams: {
    method: 'GET',
    path: '/v1/admin/liquidation-params',
    client: 'admin.listLiquidationParams',
  },
  postAdminLiquidationParams: {
    method: 'POST',
    path: '/v1/admin/liquidation-params',
    client: 'admin.proposeLiquidationParams',
  },
  postAdminLiquidationParamsByVersionActivate: {
    method: 'POST',
    path: '/v1/admin/liquidation-params/{version}/activate',
    client: 'admin.activateLiquidationParams',
  },
  getAdminBookSummary: { method: 'GET', path: '/v1/admin/book/summary', client: 'admin.bookSummary' },
  getAdminBookHistogram: { method: 'GET', path: '/v1/admin/book/histogram', client: 'admin.bookHistogram' },
  getAdminBookAccounts: { method: 'GET', path: '/v1/admin/book/accounts', client: 'admin.bookAccounts' },
  getAdminAccountsByAccountIdDetail: {
    method: 'GET',
    path: '/v1/admin/accounts/{accountId}/detail',
    client: 'admin.accountDetail',
  },
  getAdminAttestationsOverview: {
    method: 'GET',
    path: '/v1/admin/attestations/overview',
    client: 'admin.attestationsOverview',
  },
  getAdminJobsQueues: { method: 'GET', path: '/v1/admin/jobs/queues', client: 'admin.jobQueues' },
  getAdminShards: { method: 'GET', path: '/v1/admin/shards', client: 'admin.shards' },
  getAdminJobsByQueueFailed: {
    method: 'GET',
    path: '/v1/admin/jobs/{queue}/failed',
    client: 'admin.failedJobsPage',
  },
  postAdminJobsByQueueFailedByJobIdRetry: {
    method: 'POST',
    path: '/v1/admin/jobs/{queue}/failed/{jobId}/retry',
    client: 'admin.retryFailedJob',
  },
  postAdminJobsByQueueFailedRetryAll: {
    method: 'POST',
    path: '/v1/admin/jobs/{queue}/failed/retry-all',
    client: 'admin.retryAllFailedJobs',
  },
  deleteAdminJobsByQueueFailedByJobId: {
    method: 'DELETE',
    path: '/v1/admin/jobs/{queue}/failed/{jobId}',
    client: 'admin.discardFailedJob',
  },
  getAdminAudit: { method: 'GET', path: '/v1/admin/audit', client: 'admin.audit' },
  getAdminWhoami: { method: 'GET', path: '/v1/admin/whoami', client: 'admin.whoami' },
  getAdminDynamicParams: { method: 'GET', path: '/v1/admin/dynamic-params', client: 'admin.dynamicParams' },
  putAdminDynamicParamsPolicy: {
    method: 'PUT',
    path: '/v1/admin/dynamic-params/policy',
    client: 'admin.setDynamicPolicy',
  },
  putAdminDynamicParamsAssetsByAsset: {
    method: 'PUT',
    path: '/v1/admin/dynamic-params/assets/{asset}',
    client: 'admin.setDynamicAsset',
  },
  postAdminStressRuns: { method: 'POST', path: '/v1/admin/stress-runs', client: 'admin.startStressRun' },
  getAdminStressRuns: { method: 'GET', path: '/v1/admin/stress-runs', client: 'admin.stressRuns' },
  getAdminStressRunsById: { method: 'GET', path: '/v1/admin/stress-runs/{id}', client: 'admin.stressRun' },
  getAdminStressRunsByIdRounds: {
    method: 'GET',
    path: '/v1/admin/stress-runs/{id}/rounds',
    client: 'admin.stressRunRounds',
  },
  getAdminStressRunsByIdDocument: {
    method: 'GET',
    path: '/v1/admin/stress-runs/{id}/document',
    client: 'admin.stressRunDocument',
  },
} as const satisfies Readonly<
  Record<string, { readonly method: HttpMethod; readonly path: string; readonly client: string }>
>;

export type XmarginOperationId = keyof typeof xmarginOperations;
