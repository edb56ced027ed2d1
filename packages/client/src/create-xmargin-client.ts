import * as dto from '@xmargin/schemas/http';
import { liquidationActionResultSchema, type stressRunRequestSchema } from '@xmargin/schemas/risk';
import { z } from 'zod';
import { createHttpTransport, type HttpTransportOptions } from './http-transport.js';
import { openEventStream } from './open-event-stream.js';
import { type XmarginOperationId, xmarginOperations } from './operations.js';
import { parseResponse } from './parse-response.js';
import type { ServerSentEvent } from './read-event-stream.js';

/** Request body type of a DTO schema (what the caller writes: defaults may be omitted). */
type In<S extends z.ZodType> = z.input<S>;
/** Response type of a DTO schema (what the server guarantees). */
type Out<S extends z.ZodType> = z.output<S>;
/** Query parameters of a query schema: optional where the server has a default, typed as it reads them. */
type Query<S extends z.ZodType> = {
  [K in keyof z.input<S>]: K extends keyof z.output<S> ? z.output<S>[K] : never;
};
type Answer<S extends z.ZodType> = Promise<Out<S>>;

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export type XmarginClientOptions = HttpTransportOptions;

const healthDto = z.object({ status: z.literal('ok') });
const readinessDto = z.object({
  status: z.enum(['ready', 'unready']),
  checks: z.record(z.string(), z.string()),
});

type Stream = Promise<AsyncGenerator<ServerSentEvent>>;
type O = CallOptions;

export interface XmarginClient {
  readonly baseUrl: string;
  /** `GET /healthz`: the process is up. */
  health(opts?: O): Answer<typeof healthDto>;
  /** `GET /readyz`: dependencies usable; an unready answer (503) is returned, not thrown. */
  readiness(opts?: O): Answer<typeof readinessDto>;
  readonly accounts: {
    create(body?: In<typeof dto.createAccountBody>, opts?: O): Answer<typeof dto.accountDto>;
    get(accountId: string, opts?: O): Answer<typeof dto.accountDto>;
    /**
     * `GET /v1/accounts`: one page of accounts in id order with their latest snapshot; pass the answer's
     * `nextCursor` as `cursor` for the next page (null: last page). Protocol keys see only the accounts
     * that grant their protocol.
     */
    list(query?: Query<typeof dto.listAccountsQuery>, opts?: O): Answer<typeof dto.accountListDto>;
    createChallenge(
      accountId: string,
      body: In<typeof dto.challengeBody>,
      opts?: O,
    ): Answer<typeof dto.challengeDto>;
    linkAddress(
      accountId: string,
      body: In<typeof dto.linkAddressBody>,
      opts?: O,
    ): Answer<typeof dto.linkedAddress>;
    listAddresses(accountId: string, opts?: O): Answer<typeof dto.addressListDto>;
    /** The message a linked address signs to grant (or revoke) a protocol the right to report positions. */
    createGrantChallenge(
      accountId: string,
      body: In<typeof dto.grantChallengeBody>,
      opts?: O,
    ): Answer<typeof dto.challengeDto>;
    /** Applies a signed grant or revoke challenge. */
    applyGrant(
      accountId: string,
      body: In<typeof dto.signedGrantBody>,
      opts?: O,
    ): Answer<typeof dto.grantsDto>;
    listGrants(accountId: string, opts?: O): Answer<typeof dto.grantsDto>;
    /** `PUT /v1/accounts/:id/grants/:protocol`: operator grant (admin). */
    grant(accountId: string, protocol: string, opts?: O): Answer<typeof dto.grantsDto>;
    /** `DELETE /v1/accounts/:id/grants/:protocol`: revocation (admin, or the protocol itself). */
    revokeGrant(accountId: string, protocol: string, opts?: O): Answer<typeof dto.grantsDto>;
  };
  readonly positions: {
    list(accountId: string, opts?: O): Answer<typeof dto.positionsDto>;
    upsert(
      accountId: string,
      body: In<typeof dto.upsertPositionsBody>,
      opts?: O,
    ): Answer<typeof dto.positionsDto>;
    remove(accountId: string, positionId: string, opts?: O): Answer<typeof dto.positionsDto>;
  };
  readonly margin: {
    get(accountId: string, opts?: O): Answer<typeof dto.marginSnapshotDto>;
    /** Snapshot history from Postgres, latest first; `before` (unix ms) pages to older ones. */
    history(
      accountId: string,
      query?: Query<typeof dto.historyQuery>,
      opts?: O,
    ): Answer<typeof dto.marginHistoryDto>;
    whatIf(accountId: string, body: In<typeof dto.whatIfBody>, opts?: O): Answer<typeof dto.whatIfDto>;
    explain(accountId: string, opts?: O): Answer<typeof dto.explainDto>;
  };
  /** Binding collateral: engine-authorised vault withdrawals and signed margin statements. */
  readonly settlement: {
    withdraw(
      accountId: string,
      body: In<typeof dto.withdrawalBody>,
      opts?: O,
    ): Answer<typeof dto.withdrawalDto>;
    marginStatement(
      accountId: string,
      query: Query<typeof dto.marginStatementQuery>,
      opts?: O,
    ): Answer<typeof dto.marginStatementDto>;
    /** `POST /v1/accounts/:id/escrows`: opens (once) the account's Solana escrow for an asset. */
    openEscrow(accountId: string, body: In<typeof dto.escrowBody>, opts?: O): Answer<typeof dto.escrowDto>;
  };
  readonly marketData: {
    get(opts?: O): Answer<typeof dto.marketDataDto>;
    update(body: In<typeof dto.marketDataBody>, opts?: O): Answer<typeof dto.marketDataWriteDto>;
  };
  /**
   * Attestation posts are idempotent by construction (the engine keys them by the signed body and
   * answers a replay with `status: "duplicate"`), so they are retried like reads.
   */
  readonly attestations: {
    postVaa(body: In<typeof dto.postVaaBody>, opts?: O): Answer<typeof dto.attestationAcceptedDto>;
    postQuery(body: In<typeof dto.postQueryBody>, opts?: O): Answer<typeof dto.attestationAcceptedDto>;
    postPyth(body: In<typeof dto.postPythBody>, opts?: O): Answer<typeof dto.attestationAcceptedDto>;
    /**
     * `GET /v1/attestations/reverify-requests`: attested balances about to expire, oldest first, after
     * the cursor `after` (exclusive); poll again from the answer's `next`.
     */
    reverifyRequests(
      query?: { readonly after?: string | null; readonly limit?: number },
      opts?: O,
    ): Answer<typeof dto.reverifyRequestsDto>;
  };
  readonly stream: {
    /**
     * `GET /v1/stream/margin` (Server-Sent Events): `snapshot` on connect, `margin` on every recompute,
     * `threshold` when an excess crosses 0, a configured level or one of `thresholds`. `data` is JSON.
     * Resolves once the engine accepted the subscription; abort `opts.signal` (or `return()`) to close.
     */
    margin(
      query: {
        readonly accountId?: string;
        readonly thresholds?: readonly number[];
        /** Replays the events after this id (an event's `id`), then goes on live. */
        readonly lastEventId?: string;
      },
      opts?: O,
    ): Stream;
    /** `GET /v1/stream/liquidations`: `started`, `bid`, `converted`, `terminated`, `price`, `withdrawals`. */
    liquidations(query?: { readonly accountId?: string; readonly lastEventId?: string }, opts?: O): Stream;
  };
  /** Webhooks of the calling protocol key (signed deliveries of threshold and auction events). */
  readonly webhooks: {
    /** `POST /v1/webhooks`: answers the signing secret, shown only this once. */
    create(body: In<typeof dto.createWebhookBody>, opts?: O): Answer<typeof dto.createdWebhookDto>;
    list(opts?: O): Answer<typeof dto.webhookListDto>;
    get(webhookId: string, opts?: O): Answer<typeof dto.webhookDto>;
    delete(webhookId: string, opts?: O): Answer<typeof dto.okBody>;
    /** The delivery log, newest first, each delivery with its attempts. */
    deliveries(
      webhookId: string,
      query?: { readonly limit?: number; readonly before?: string },
      opts?: O,
    ): Answer<typeof dto.webhookDeliveriesDto>;
  };
  /** Dutch auctions on whole portfolios (liquidation spec), the insurance fund. */
  readonly liquidations: {
    list(query?: Query<typeof dto.listLiquidationsQuery>, opts?: O): Answer<typeof dto.auctionListDto>;
    get(auctionId: string, opts?: O): Answer<typeof dto.auctionDetailDto>;
    forAccount(accountId: string, opts?: O): Answer<typeof dto.auctionListDto>;
    /**
     * `POST /v1/liquidations/:id/bids` (liquidator): with an `idempotencyKey` a resent bid replays the
     * first answer instead of bidding twice, and is then retried like a read.
     */
    bid(
      auctionId: string,
      body: In<typeof dto.placeBidBody>,
      opts?: O & { readonly idempotencyKey?: string },
    ): Answer<typeof liquidationActionResultSchema>;
    settlements(auctionId: string, opts?: O): Answer<typeof dto.settlementsDto>;
    /** Reports the transaction that submitted a signed Seize (the instruction becomes `submitted`). */
    reportSubmission(
      auctionId: string,
      instructionId: string,
      body: In<typeof dto.seizureSubmissionBody>,
      opts?: O,
    ): Answer<typeof dto.settlementInstructionDto>;
    positionTransfers(
      query?: Query<typeof dto.positionTransfersQuery>,
      opts?: O,
    ): Answer<typeof dto.positionTransfersDto>;
    insuranceFund(opts?: O): Answer<typeof dto.insuranceFundDto>;
  };
  /** Operator routes (admin key; `operator` keys may call the reads). */
  readonly admin: {
    whoami(opts?: O): Answer<typeof dto.whoamiDto>;
    createApiKey(body: In<typeof dto.createApiKeyBody>, opts?: O): Answer<typeof dto.apiKeyDto>;
    listApiKeys(opts?: O): Answer<typeof dto.apiKeyListDto>;
    revokeApiKey(id: string, opts?: O): Answer<typeof dto.okBody>;
    listParams(opts?: O): Answer<typeof dto.paramsVersionListDto>;
    proposeParams(body: In<typeof dto.proposeParamsBody>, opts?: O): Answer<typeof dto.paramsVersionDto>;
    diffParams(
      version: number,
      query?: Query<typeof dto.diffQuery>,
      opts?: O,
    ): Answer<typeof dto.paramsDiffDto>;
    activateParams(version: number, opts?: O): Answer<typeof dto.paramsVersionDto>;
    paramsAudit(opts?: O): Answer<typeof dto.paramsAuditDto>;
    /** A version margined over the whole book next to the active one (or `against`). */
    paramsImpact(
      version: number,
      query?: Query<typeof dto.diffQuery>,
      opts?: O,
    ): Answer<typeof dto.paramsImpactDto>;
    getTrustStore(opts?: O): Answer<typeof dto.trustStoreBody>;
    /** Replaces the guardian trust store (bootstrap); answers the stored one. */
    setTrustStore(body: In<typeof dto.trustStoreBody>, opts?: O): Answer<typeof dto.trustStoreBody>;
    /** Applies a governance GuardianSetUpgrade VAA. */
    upgradeGuardianSet(body: In<typeof dto.guardianUpgradeBody>, opts?: O): Answer<typeof dto.trustStoreBody>;
    trustAudit(opts?: O): Answer<typeof dto.trustAuditDto>;
    getAttestationRegistry(opts?: O): Answer<typeof dto.attestationRegistryBody>;
    /** Replaces the emitter allow-list, token registry and Pyth feed map. */
    setAttestationRegistry(
      body: In<typeof dto.attestationRegistryBody>,
      opts?: O,
    ): Answer<typeof dto.attestationRegistryBody>;
    queues(opts?: O): Answer<typeof dto.queueStatsDto>;
    failedJobs(queue: string, opts?: O): Answer<typeof dto.failedJobsDto>;
    retryJob(queue: string, jobId: string, opts?: O): Answer<typeof dto.okBody>;
    discardJob(queue: string, jobId: string, opts?: O): Answer<typeof dto.okBody>;
    jobQueues(opts?: O): Answer<typeof dto.queueOverviewDto>;
    failedJobsPage(
      queue: string,
      query?: Query<typeof dto.failedJobsQuery>,
      opts?: O,
    ): Answer<typeof dto.failedJobsPageDto>;
    retryFailedJob(queue: string, jobId: string, opts?: O): Answer<typeof dto.okBody>;
    retryAllFailedJobs(queue: string, opts?: O): Answer<typeof dto.retriedDto>;
    discardFailedJob(queue: string, jobId: string, opts?: O): Answer<typeof dto.okBody>;
    audit(query?: Query<typeof dto.adminAuditQuery>, opts?: O): Answer<typeof dto.adminAuditDto>;
    shards(opts?: O): Answer<typeof dto.shardOwnershipDto>;
    uncomputableMargins(opts?: O): Answer<typeof dto.uncomputableAccountsDto>;
    nearLiquidation(
      query?: Query<typeof dto.nearLiquidationQuery>,
      opts?: O,
    ): Answer<typeof dto.nearLiquidationDto>;
    bookSummary(opts?: O): Answer<typeof dto.bookSummaryDto>;
    bookHistogram(
      query?: Query<typeof dto.bookHistogramQuery>,
      opts?: O,
    ): Answer<typeof dto.bookHistogramDto>;
    bookAccounts(query?: Query<typeof dto.bookAccountsQuery>, opts?: O): Answer<typeof dto.bookAccountsDto>;
    accountDetail(accountId: string, opts?: O): Answer<typeof dto.accountDetailDto>;
    attestationsOverview(opts?: O): Answer<typeof dto.attestationOverviewDto>;
    auctionEvents(auctionId: string, opts?: O): Answer<typeof dto.auctionEventsDto>;
    depositInsuranceFund(body: In<typeof dto.insuranceDepositBody>, opts?: O): Answer<typeof dto.okBody>;
    depositCash(
      accountId: string,
      body: In<typeof dto.insuranceDepositBody>,
      opts?: O,
    ): Answer<typeof dto.okBody>;
    /** Withdraws from an account's cash ledger: pays held/claims while socialised loss is outstanding. */
    withdrawCash(
      accountId: string,
      body: In<typeof dto.insuranceDepositBody>,
      opts?: O,
    ): Answer<typeof dto.cashWithdrawalDto>;
    listLiquidationParams(opts?: O): Answer<typeof dto.liquidationParamsListDto>;
    proposeLiquidationParams(
      body: In<typeof dto.proposeLiquidationParamsBody>,
      opts?: O,
    ): Answer<typeof dto.paramsVersionDto>;
    activateLiquidationParams(version: number, opts?: O): Answer<typeof dto.paramsVersionDto>;
    dynamicParams(opts?: O): Answer<typeof dto.dynamicParamsDto>;
    setDynamicPolicy(body: In<typeof dto.dynamicPolicyBody>, opts?: O): Answer<typeof dto.okBody>;
    setDynamicAsset(
      asset: string,
      body: In<typeof dto.dynamicAssetBody>,
      opts?: O,
    ): Answer<typeof dto.okBody>;
    startStressRun(body: In<typeof stressRunRequestSchema>, opts?: O): Answer<typeof dto.stressRunQueuedDto>;
    stressRuns(query?: Query<typeof dto.stressRunsQuery>, opts?: O): Answer<typeof dto.stressRunListDto>;
    stressRun(id: string, opts?: O): Answer<typeof dto.stressRunDto>;
    stressRunRounds(
      id: string,
      query?: Query<typeof dto.stressRoundsQuery>,
      opts?: O,
    ): Answer<typeof dto.stressRoundsDto>;
    /** The exact document the run margined (`xmargin stress` reproduces its result from it). */
    stressRunDocument(id: string, opts?: O): Promise<unknown>;
  };
}

type QueryValues = Readonly<Record<string, string | number | boolean | null | undefined>>;

/**
 * Typed client of the engine's HTTP API, one method per OpenAPI operation (see `xmarginOperations`).
 * Bodies and answers are the `@xmargin/schemas/http` DTOs; answers are validated against them. Failures
 * are AppErrors carrying the engine's own code (e.g. `LEDGER__REPLAYED_ATTESTATION`) or a CLIENT__ code
 * for transport problems.
 */
export function createXmarginClient(options: XmarginClientOptions): XmarginClient {
  const transport = createHttpTransport(options);

  function pathOf(id: XmarginOperationId, params: Readonly<Record<string, string | number>>): string {
    return xmarginOperations[id].path.replace(/\{(\w+)\}/g, (_m, name: string) =>
      encodeURIComponent(String(params[name])),
    );
  }

  async function call<S extends z.ZodType>(
    id: XmarginOperationId,
    schema: S,
    extra: {
      params?: Readonly<Record<string, string | number>>;
      query?: QueryValues | undefined;
      body?: unknown;
      idempotent?: boolean;
      accept?: readonly number[];
      headers?: Readonly<Record<string, string>>;
      opts?: O | undefined;
    } = {},
  ): Promise<Out<S>> {
    const { method } = xmarginOperations[id];
    const path = pathOf(id, extra.params ?? {});
    const query: Record<string, string | number | boolean | undefined> = {};
    for (const [k, v] of Object.entries(extra.query ?? {})) if (v !== undefined && v !== null) query[k] = v;
    const res = await transport.send({
      method,
      path,
      ...(Object.keys(query).length === 0 ? {} : { query }),
      ...(extra.body === undefined ? {} : { body: extra.body }),
      ...(extra.idempotent === undefined ? {} : { idempotent: extra.idempotent }),
      ...(extra.accept === undefined ? {} : { accept: extra.accept }),
      ...(extra.headers === undefined ? {} : { headers: extra.headers }),
      ...(extra.opts?.signal === undefined ? {} : { signal: extra.opts.signal }),
    });
    return parseResponse(schema, res, { method, url: `${transport.baseUrl}${path}` });
  }
  const stream = (id: XmarginOperationId, query: Record<string, string | undefined>, opts: O | undefined) =>
    openEventStream({
      baseUrl: options.baseUrl,
      apiKey: options.apiKey,
      fetch: options.fetch,
      mapError: options.mapError,
      connectTimeoutMs: options.timeoutMs,
      path: pathOf(id, {}),
      query,
      signal: opts?.signal,
    });
  const acct = (accountId: string) => ({ accountId });
  const okAnswer = dto.okBody;

  return {
    baseUrl: transport.baseUrl,
    health: (opts) => call('getHealthz', healthDto, { opts }),
    readiness: (opts) => call('getReadyz', readinessDto, { accept: [503], opts }),
    accounts: {
      create: (body = {}, opts) => call('postAccounts', dto.accountDto, { body, opts }),
      get: (id, opts) => call('getAccountsByAccountId', dto.accountDto, { params: acct(id), opts }),
      list: (query, opts) => call('getAccounts', dto.accountListDto, { query, opts }),
      createChallenge: (id, body, opts) =>
        call('postAccountsByAccountIdChallenges', dto.challengeDto, { params: acct(id), body, opts }),
      linkAddress: (id, body, opts) =>
        call('postAccountsByAccountIdAddresses', dto.linkedAddress, { params: acct(id), body, opts }),
      listAddresses: (id, opts) =>
        call('getAccountsByAccountIdAddresses', dto.addressListDto, { params: acct(id), opts }),
      createGrantChallenge: (id, body, opts) =>
        call('postAccountsByAccountIdGrantChallenges', dto.challengeDto, { params: acct(id), body, opts }),
      applyGrant: (id, body, opts) =>
        call('postAccountsByAccountIdGrants', dto.grantsDto, { params: acct(id), body, opts }),
      listGrants: (id, opts) =>
        call('getAccountsByAccountIdGrants', dto.grantsDto, { params: acct(id), opts }),
      grant: (id, protocol, opts) =>
        call('putAccountsByAccountIdGrantsByProtocol', dto.grantsDto, {
          params: { accountId: id, protocol },
          opts,
        }),
      revokeGrant: (id, protocol, opts) =>
        call('deleteAccountsByAccountIdGrantsByProtocol', dto.grantsDto, {
          params: { accountId: id, protocol },
          opts,
        }),
    },
    positions: {
      list: (id, opts) =>
        call('getAccountsByAccountIdPositions', dto.positionsDto, { params: acct(id), opts }),
      // An upsert by position id converges to the same state when resent.
      upsert: (id, body, opts) =>
        call('postAccountsByAccountIdPositions', dto.positionsDto, {
          params: acct(id),
          body,
          idempotent: true,
          opts,
        }),
      remove: (id, positionId, opts) =>
        call('deleteAccountsByAccountIdPositionsByPositionId', dto.positionsDto, {
          params: { accountId: id, positionId },
          opts,
        }),
    },
    margin: {
      get: (id, opts) =>
        call('getAccountsByAccountIdMargin', dto.marginSnapshotDto, { params: acct(id), opts }),
      history: (id, query, opts) =>
        call('getAccountsByAccountIdMarginHistory', dto.marginHistoryDto, { params: acct(id), query, opts }),
      // A what-if stores nothing: safe to resend.
      whatIf: (id, body, opts) =>
        call('postAccountsByAccountIdMarginWhatIf', dto.whatIfDto, {
          params: acct(id),
          body,
          idempotent: true,
          opts,
        }),
      explain: (id, opts) =>
        call('getAccountsByAccountIdMarginExplain', dto.explainDto, { params: acct(id), opts }),
    },
    settlement: {
      withdraw: (id, body, opts) =>
        call('postAccountsByAccountIdWithdrawals', dto.withdrawalDto, { params: acct(id), body, opts }),
      marginStatement: (id, query, opts) =>
        call('getAccountsByAccountIdMarginStatement', dto.marginStatementDto, {
          params: acct(id),
          query,
          opts,
        }),
      // Opening an escrow is idempotent: a resent request answers the same escrow.
      openEscrow: (id, body, opts) =>
        call('postAccountsByAccountIdEscrows', dto.escrowDto, {
          params: acct(id),
          body,
          idempotent: true,
          opts,
        }),
    },
    marketData: {
      get: (opts) => call('getMarketData', dto.marketDataDto, { opts }),
      update: (body, opts) => call('putMarketData', dto.marketDataWriteDto, { body, idempotent: true, opts }),
    },
    attestations: {
      postVaa: (body, opts) =>
        call('postAttestationsVaa', dto.attestationAcceptedDto, { body, idempotent: true, opts }),
      postQuery: (body, opts) =>
        call('postAttestationsQuery', dto.attestationAcceptedDto, { body, idempotent: true, opts }),
      postPyth: (body, opts) =>
        call('postAttestationsPyth', dto.attestationAcceptedDto, { body, idempotent: true, opts }),
      reverifyRequests: (query = {}, opts) =>
        call('getAttestationsReverifyRequests', dto.reverifyRequestsDto, {
          query: { after: query.after || undefined, limit: query.limit },
          opts,
        }),
    },
    stream: {
      margin: (query, opts) =>
        stream(
          'getStreamMargin',
          {
            accountId: query.accountId,
            thresholds: query.thresholds?.join(','),
            lastEventId: query.lastEventId,
          },
          opts,
        ),
      liquidations: (query = {}, opts) =>
        stream('getStreamLiquidations', { accountId: query.accountId, lastEventId: query.lastEventId }, opts),
    },
    webhooks: {
      create: (body, opts) => call('postWebhooks', dto.createdWebhookDto, { body, opts }),
      list: (opts) => call('getWebhooks', dto.webhookListDto, { opts }),
      get: (id, opts) => call('getWebhooksByWebhookId', dto.webhookDto, { params: { webhookId: id }, opts }),
      delete: (id, opts) => call('deleteWebhooksByWebhookId', okAnswer, { params: { webhookId: id }, opts }),
      deliveries: (id, query, opts) =>
        call('getWebhooksByWebhookIdDeliveries', dto.webhookDeliveriesDto, {
          params: { webhookId: id },
          query,
          opts,
        }),
    },
    liquidations: {
      list: (query, opts) => call('getLiquidations', dto.auctionListDto, { query, opts }),
      get: (auctionId, opts) =>
        call('getLiquidationsByAuctionId', dto.auctionDetailDto, { params: { auctionId }, opts }),
      forAccount: (id, opts) =>
        call('getAccountsByAccountIdLiquidations', dto.auctionListDto, { params: acct(id), opts }),
      bid: (auctionId, body, opts) =>
        call('postLiquidationsByAuctionIdBids', liquidationActionResultSchema, {
          params: { auctionId },
          body,
          ...(opts?.idempotencyKey === undefined
            ? {}
            : { headers: { 'idempotency-key': opts.idempotencyKey }, idempotent: true }),
          opts,
        }),
      settlements: (auctionId, opts) =>
        call('getLiquidationsByAuctionIdSettlements', dto.settlementsDto, { params: { auctionId }, opts }),
      // Reporting the same transaction again changes nothing.
      reportSubmission: (auctionId, instructionId, body, opts) =>
        call(
          'postLiquidationsByAuctionIdSettlementsByInstructionIdSubmission',
          dto.settlementInstructionDto,
          {
            params: { auctionId, instructionId },
            body,
            idempotent: true,
            opts,
          },
        ),
      positionTransfers: (query, opts) =>
        call('getLiquidationsPositionTransfers', dto.positionTransfersDto, { query, opts }),
      insuranceFund: (opts) => call('getInsuranceFund', dto.insuranceFundDto, { opts }),
    },
    admin: {
      whoami: (opts) => call('getAdminWhoami', dto.whoamiDto, { opts }),
      createApiKey: (body, opts) => call('postAdminApiKeys', dto.apiKeyDto, { body, opts }),
      listApiKeys: (opts) => call('getAdminApiKeys', dto.apiKeyListDto, { opts }),
      revokeApiKey: (id, opts) => call('deleteAdminApiKeysById', okAnswer, { params: { id }, opts }),
      listParams: (opts) => call('getAdminParams', dto.paramsVersionListDto, { opts }),
      proposeParams: (body, opts) => call('postAdminParams', dto.paramsVersionDto, { body, opts }),
      diffParams: (version, query, opts) =>
        call('getAdminParamsByVersionDiff', dto.paramsDiffDto, { params: { version }, query, opts }),
      activateParams: (version, opts) =>
        call('postAdminParamsByVersionActivate', dto.paramsVersionDto, { params: { version }, opts }),
      paramsAudit: (opts) => call('getAdminParamsAudit', dto.paramsAuditDto, { opts }),
      paramsImpact: (version, query, opts) =>
        call('getAdminParamsByVersionImpact', dto.paramsImpactDto, { params: { version }, query, opts }),
      getTrustStore: (opts) => call('getAdminGuardianSets', dto.trustStoreBody, { opts }),
      setTrustStore: (body, opts) => call('putAdminGuardianSets', dto.trustStoreBody, { body, opts }),
      upgradeGuardianSet: (body, opts) =>
        call('postAdminGuardianSetsUpgrades', dto.trustStoreBody, { body, opts }),
      trustAudit: (opts) => call('getAdminTrustAudit', dto.trustAuditDto, { opts }),
      getAttestationRegistry: (opts) =>
        call('getAdminAttestationRegistry', dto.attestationRegistryBody, { opts }),
      setAttestationRegistry: (body, opts) =>
        call('putAdminAttestationRegistry', dto.attestationRegistryBody, { body, opts }),
      queues: (opts) => call('getAdminQueues', dto.queueStatsDto, { opts }),
      failedJobs: (queue, opts) =>
        call('getAdminQueuesByQueueFailed', dto.failedJobsDto, { params: { queue }, opts }),
      retryJob: (queue, jobId, opts) =>
        call('postAdminQueuesByQueueFailedByJobIdRetry', okAnswer, { params: { queue, jobId }, opts }),
      discardJob: (queue, jobId, opts) =>
        call('deleteAdminQueuesByQueueFailedByJobId', okAnswer, { params: { queue, jobId }, opts }),
      jobQueues: (opts) => call('getAdminJobsQueues', dto.queueOverviewDto, { opts }),
      failedJobsPage: (queue, query, opts) =>
        call('getAdminJobsByQueueFailed', dto.failedJobsPageDto, { params: { queue }, query, opts }),
      retryFailedJob: (queue, jobId, opts) =>
        call('postAdminJobsByQueueFailedByJobIdRetry', okAnswer, { params: { queue, jobId }, opts }),
      retryAllFailedJobs: (queue, opts) =>
        call('postAdminJobsByQueueFailedRetryAll', dto.retriedDto, { params: { queue }, opts }),
      discardFailedJob: (queue, jobId, opts) =>
        call('deleteAdminJobsByQueueFailedByJobId', okAnswer, { params: { queue, jobId }, opts }),
      audit: (query, opts) => call('getAdminAudit', dto.adminAuditDto, { query, opts }),
      shards: (opts) => call('getAdminShards', dto.shardOwnershipDto, { opts }),
      uncomputableMargins: (opts) =>
        call('getAdminMarginUncomputable', dto.uncomputableAccountsDto, { opts }),
      nearLiquidation: (query, opts) =>
        call('getAdminMarginNearLiquidation', dto.nearLiquidationDto, { query, opts }),
      bookSummary: (opts) => call('getAdminBookSummary', dto.bookSummaryDto, { opts }),
      bookHistogram: (query, opts) => call('getAdminBookHistogram', dto.bookHistogramDto, { query, opts }),
      bookAccounts: (query, opts) => call('getAdminBookAccounts', dto.bookAccountsDto, { query, opts }),
      accountDetail: (id, opts) =>
        call('getAdminAccountsByAccountIdDetail', dto.accountDetailDto, { params: acct(id), opts }),
      attestationsOverview: (opts) =>
        call('getAdminAttestationsOverview', dto.attestationOverviewDto, { opts }),
      auctionEvents: (auctionId, opts) =>
        call('getAdminLiquidationsByAuctionIdEvents', dto.auctionEventsDto, { params: { auctionId }, opts }),
      depositInsuranceFund: (body, opts) => call('postAdminInsuranceFundDeposits', okAnswer, { body, opts }),
      depositCash: (id, body, opts) =>
        call('postAdminAccountsByAccountIdCashDeposits', okAnswer, { params: acct(id), body, opts }),
      withdrawCash: (id, body, opts) =>
        call('postAdminAccountsByAccountIdCashWithdrawals', dto.cashWithdrawalDto, {
          params: acct(id),
          body,
          opts,
        }),
      listLiquidationParams: (opts) =>
        call('getAdminLiquidationParams', dto.liquidationParamsListDto, { opts }),
      proposeLiquidationParams: (body, opts) =>
        call('postAdminLiquidationParams', dto.paramsVersionDto, { body, opts }),
      activateLiquidationParams: (version, opts) =>
        call('postAdminLiquidationParamsByVersionActivate', dto.paramsVersionDto, {
          params: { version },
          opts,
        }),
      dynamicParams: (opts) => call('getAdminDynamicParams', dto.dynamicParamsDto, { opts }),
      setDynamicPolicy: (body, opts) => call('putAdminDynamicParamsPolicy', okAnswer, { body, opts }),
      setDynamicAsset: (asset, body, opts) =>
        call('putAdminDynamicParamsAssetsByAsset', okAnswer, { params: { asset }, body, opts }),
      startStressRun: (body, opts) => call('postAdminStressRuns', dto.stressRunQueuedDto, { body, opts }),
      stressRuns: (query, opts) => call('getAdminStressRuns', dto.stressRunListDto, { query, opts }),
      stressRun: (id, opts) => call('getAdminStressRunsById', dto.stressRunDto, { params: { id }, opts }),
      stressRunRounds: (id, query, opts) =>
        call('getAdminStressRunsByIdRounds', dto.stressRoundsDto, { params: { id }, query, opts }),
      stressRunDocument: (id, opts) =>
        call('getAdminStressRunsByIdDocument', z.unknown(), { params: { id }, opts }),
    },
  };
}
