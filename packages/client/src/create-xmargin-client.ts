import type {
  accountDto,
  accountListDto,
  addressListDto,
  apiKeyDto,
  attestationAcceptedDto,
  attestationRegistryBody,
  auctionDetailDto,
  auctionListDto,
  cashWithdrawalDto,
  challengeBody,
  challengeDto,
  createAccountBody,
  createApiKeyBody,
  createdWebhookDto,
  createWebhookBody,
  explainDto,
  grantChallengeBody,
  insuranceDepositBody,
  insuranceFundDto,
  linkAddressBody,
  linkedAddress,
  listAccountsQuery,
  listLiquidationsQuery,
  marginSnapshotDto,
  marketDataBody,
  marketDataDto,
  marketDataWriteDto,
  placeBidBody,
  positionsDto,
  postPythBody,
  postQueryBody,
  postVaaBody,
  reverifyRequestsDto,
  seizureSubmissionBody,
  settlementInstructionDto,
  settlementsDto,
  signedGrantBody,
  trustStoreBody,
  upsertPositionsBody,
  webhookDeliveriesDto,
  webhookDto,
  webhookListDto,
  whatIfBody,
  whatIfDto,
  withdrawalBody,
  withdrawalDto,
} from '@xmargin/schemas/http';
import * as dto from '@xmargin/schemas/http';
import { liquidationActionResultSchema as liquidationActionResult } from '@xmargin/schemas/risk';
import { z } from 'zod';
import { createHttpTransport, type HttpMethod, type HttpTransportOptions } from './http-transport.js';
import { openEventStream } from './open-event-stream.js';
import { parseResponse } from './parse-response.js';
import type { ServerSentEvent } from './read-event-stream.js';

/** Request body type of a DTO schema (what the caller writes: defaults may be omitted). */
type In<S extends z.ZodType> = z.input<S>;
/** Response type of a DTO schema (what the server guarantees). */
type Out<S extends z.ZodType> = z.output<S>;

export interface CallOptions {
  readonly signal?: AbortSignal;
}

export type XmarginClientOptions = HttpTransportOptions;

const healthDto = z.object({ status: z.literal('ok') });
const readinessDto = z.object({
  status: z.enum(['ready', 'unready']),
  checks: z.record(z.string(), z.string()),
});

export interface XmarginClient {
  readonly baseUrl: string;
  /** `GET /healthz`: the process is up. */
  health(opts?: CallOptions): Promise<Out<typeof healthDto>>;
  /** `GET /readyz`: dependencies usable; an unready answer (503) is returned, not thrown. */
  readiness(opts?: CallOptions): Promise<Out<typeof readinessDto>>;
  readonly accounts: {
    create(body?: In<typeof createAccountBody>, opts?: CallOptions): Promise<Out<typeof accountDto>>;
    get(accountId: string, opts?: CallOptions): Promise<Out<typeof accountDto>>;
    /**
     * `GET /v1/accounts`: one page of accounts in id order with their latest snapshot; pass the answer's
     * `nextCursor` as `cursor` for the next page (null: last page). Protocol keys see only the accounts
     * that grant their protocol.
     */
    list(query?: In<typeof listAccountsQuery>, opts?: CallOptions): Promise<Out<typeof accountListDto>>;
    createChallenge(
      accountId: string,
      body: In<typeof challengeBody>,
      opts?: CallOptions,
    ): Promise<Out<typeof challengeDto>>;
    linkAddress(
      accountId: string,
      body: In<typeof linkAddressBody>,
      opts?: CallOptions,
    ): Promise<Out<typeof linkedAddress>>;
    listAddresses(accountId: string, opts?: CallOptions): Promise<Out<typeof addressListDto>>;
    /** The message a linked address signs to grant (or revoke) a protocol the right to report positions. */
    createGrantChallenge(
      accountId: string,
      body: In<typeof grantChallengeBody>,
      opts?: CallOptions,
    ): Promise<Out<typeof challengeDto>>;
    /** Applies a signed grant or revoke challenge. */
    applyGrant(
      accountId: string,
      body: In<typeof signedGrantBody>,
      opts?: CallOptions,
    ): Promise<Out<typeof dto.grantsDto>>;
    listGrants(accountId: string, opts?: CallOptions): Promise<Out<typeof dto.grantsDto>>;
  };
  readonly positions: {
    list(accountId: string, opts?: CallOptions): Promise<Out<typeof positionsDto>>;
    upsert(
      accountId: string,
      body: In<typeof upsertPositionsBody>,
      opts?: CallOptions,
    ): Promise<Out<typeof positionsDto>>;
    remove(accountId: string, positionId: string, opts?: CallOptions): Promise<Out<typeof positionsDto>>;
  };
  readonly margin: {
    get(accountId: string, opts?: CallOptions): Promise<Out<typeof marginSnapshotDto>>;
    whatIf(
      accountId: string,
      body: In<typeof whatIfBody>,
      opts?: CallOptions,
    ): Promise<Out<typeof whatIfDto>>;
    explain(accountId: string, opts?: CallOptions): Promise<Out<typeof explainDto>>;
  };
  readonly marketData: {
    get(opts?: CallOptions): Promise<Out<typeof marketDataDto>>;
    update(body: In<typeof marketDataBody>, opts?: CallOptions): Promise<Out<typeof marketDataWriteDto>>;
  };
  /**
   * Attestation posts are idempotent by construction (the engine keys them by the signed body and
   * answers a replay with `status: "duplicate"`), so they are retried like reads.
   */
  readonly attestations: {
    postVaa(body: In<typeof postVaaBody>, opts?: CallOptions): Promise<Out<typeof attestationAcceptedDto>>;
    postQuery(
      body: In<typeof postQueryBody>,
      opts?: CallOptions,
    ): Promise<Out<typeof attestationAcceptedDto>>;
    postPyth(body: In<typeof postPythBody>, opts?: CallOptions): Promise<Out<typeof attestationAcceptedDto>>;
    /**
     * `GET /v1/attestations/reverify-requests`: attested balances about to expire, oldest first, after
     * the cursor `after` (exclusive); poll again from the answer's `next`.
     */
    reverifyRequests(
      query?: { readonly after?: string | null; readonly limit?: number },
      opts?: CallOptions,
    ): Promise<Out<typeof reverifyRequestsDto>>;
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
      opts?: CallOptions,
    ): Promise<AsyncGenerator<ServerSentEvent>>;
  };
  /** Webhooks of the calling protocol key (signed deliveries of threshold and auction events). */
  readonly webhooks: {
    /** `POST /v1/webhooks`: answers the signing secret, shown only this once. */
    create(body: In<typeof createWebhookBody>, opts?: CallOptions): Promise<Out<typeof createdWebhookDto>>;
    list(opts?: CallOptions): Promise<Out<typeof webhookListDto>>;
    get(webhookId: string, opts?: CallOptions): Promise<Out<typeof webhookDto>>;
    delete(webhookId: string, opts?: CallOptions): Promise<Out<typeof dto.okBody>>;
    /** The delivery log, newest first, each delivery with its attempts. */
    deliveries(
      webhookId: string,
      query?: { readonly limit?: number; readonly before?: string },
      opts?: CallOptions,
    ): Promise<Out<typeof webhookDeliveriesDto>>;
  };
  /** Binding collateral: withdrawals the engine authorises or executes, signed margin statements. */
  readonly settlement: {
    /**
     * `POST /v1/accounts/:id/withdrawals`: a withdrawal signed by the owning address that keeps the
     * unified initial excess >= 0. EVM: answers the EIP-712 authorisation to submit to the vault;
     * Solana: the engine has sent the transfer out of the account's escrow. A refusal throws
     * SETTLEMENT__WITHDRAWAL_REFUSED with the largest amount that would pass.
     */
    withdraw(
      accountId: string,
      body: In<typeof dto.withdrawalBody>,
      opts?: CallOptions,
    ): Promise<Out<typeof dto.withdrawalDto>>;
    /** `GET /v1/accounts/:id/margin/statement`: an engine-signed EIP-712 MarginStatement. */
    statement(
      accountId: string,
      query: In<typeof dto.marginStatementQuery>,
      opts?: CallOptions,
    ): Promise<Out<typeof dto.marginStatementDto>>;
    /** `POST /v1/accounts/:id/escrows`: opens (once) the account's Solana escrow for an asset. */
    openEscrow(
      accountId: string,
      body: In<typeof dto.escrowBody>,
      opts?: CallOptions,
    ): Promise<Out<typeof dto.escrowDto>>;
  };
  /** Liquidation auctions (liquidator, protocol and admin roles; spec section 7). */
  readonly liquidations: {
    list(query?: In<typeof listLiquidationsQuery>, opts?: CallOptions): Promise<Out<typeof auctionListDto>>;
    get(auctionId: string, opts?: CallOptions): Promise<Out<typeof auctionDetailDto>>;
    /**
     * A bid (liquidator). With an `idempotencyKey` the bid is resent on gateway failures (the engine
     * replays the stored outcome); a rejection throws its `LIQUIDATION__<reason>` AppError.
     */
    bid(
      auctionId: string,
      body: In<typeof placeBidBody>,
      opts?: CallOptions & { readonly idempotencyKey?: string },
    ): Promise<Out<typeof liquidationActionResult>>;
    /** Settlement instructions, each vault seizure with its engine-signed Seize. */
    settlements(auctionId: string, opts?: CallOptions): Promise<Out<typeof settlementsDto>>;
    /** Reports the transaction that submitted a signed Seize (the instruction becomes `submitted`). */
    reportSubmission(
      auctionId: string,
      instructionId: string,
      body: In<typeof seizureSubmissionBody>,
      opts?: CallOptions,
    ): Promise<Out<typeof settlementInstructionDto>>;
    insuranceFund(opts?: CallOptions): Promise<Out<typeof insuranceFundDto>>;
  };
  readonly admin: {
    createApiKey(body: In<typeof createApiKeyBody>, opts?: CallOptions): Promise<Out<typeof apiKeyDto>>;
    /** Credits an account's cash ledger (e.g. a liquidator's bidding cash). */
    depositCash(
      accountId: string,
      body: In<typeof insuranceDepositBody>,
      opts?: CallOptions,
    ): Promise<Out<typeof dto.okBody>>;
    /** Withdraws from an account's cash ledger: pays held/claims while socialised loss is outstanding. */
    withdrawCash(
      accountId: string,
      body: In<typeof insuranceDepositBody>,
      opts?: CallOptions,
    ): Promise<Out<typeof cashWithdrawalDto>>;
    depositInsuranceFund(
      body: In<typeof insuranceDepositBody>,
      opts?: CallOptions,
    ): Promise<Out<typeof dto.okBody>>;
    /** Proposes a risk parameter version (a draft until activated). */
    proposeParams(
      body: In<typeof dto.proposeParamsBody>,
      opts?: CallOptions,
    ): Promise<Out<typeof dto.paramsVersionDto>>;
    /** Activates a parameter version: every account is recomputed under it. */
    activateParams(version: number, opts?: CallOptions): Promise<Out<typeof activatedParamsDto>>;
    /** Replaces the guardian trust store (bootstrap); answers the stored one. */
    setTrustStore(body: In<typeof trustStoreBody>, opts?: CallOptions): Promise<Out<typeof trustStoreBody>>;
    /** Replaces the emitter allow-list, token registry and Pyth feed map. */
    setAttestationRegistry(
      body: In<typeof attestationRegistryBody>,
      opts?: CallOptions,
    ): Promise<Out<typeof attestationRegistryBody>>;
  };
}

const seg = (s: string) => encodeURIComponent(s);
/** `?k=v&…` of the defined entries, or '' when there are none. */
const queryString = (query: Readonly<Record<string, unknown>>) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  return params.size > 0 ? `?${params}` : '';
};
const activatedParamsDto = dto.paramsVersionDto.extend({ recomputing: z.number() });

/**
 * Typed client of the engine's `/v1` API. Bodies and answers are the `@xmargin/schemas/http` DTOs;
 * answers are validated against them. Failures are AppErrors carrying the engine's own code
 * (e.g. `LEDGER__REPLAYED_ATTESTATION`) or a CLIENT__ code for transport problems.
 */
export function createXmarginClient(options: XmarginClientOptions): XmarginClient {
  const transport = createHttpTransport(options);

  async function call<S extends z.ZodType>(
    method: HttpMethod,
    path: string,
    schema: S,
    extra: {
      body?: unknown;
      idempotent?: boolean;
      accept?: readonly number[];
      headers?: Readonly<Record<string, string>>;
      opts?: CallOptions | undefined;
    } = {},
  ): Promise<Out<S>> {
    const res = await transport.send({
      method,
      path,
      ...(extra.body === undefined ? {} : { body: extra.body }),
      ...(extra.idempotent === undefined ? {} : { idempotent: extra.idempotent }),
      ...(extra.accept === undefined ? {} : { accept: extra.accept }),
      ...(extra.headers === undefined ? {} : { headers: extra.headers }),
      ...(extra.opts?.signal === undefined ? {} : { signal: extra.opts.signal }),
    });
    return parseResponse(schema, res, { method, url: `${transport.baseUrl}${path}` });
  }
  const acct = (id: string) => `/v1/accounts/${seg(id)}`;

  return {
    baseUrl: transport.baseUrl,
    health: (opts) => call('GET', '/healthz', healthDto, { opts }),
    readiness: (opts) => call('GET', '/readyz', readinessDto, { accept: [503], opts }),
    accounts: {
      create: (body = {}, opts) => call('POST', '/v1/accounts', dto.accountDto, { body, opts }),
      get: (id, opts) => call('GET', acct(id), dto.accountDto, { opts }),
      list: (query = {}, opts) =>
        call('GET', `/v1/accounts${queryString(query)}`, dto.accountListDto, { opts }),
      createChallenge: (id, body, opts) =>
        call('POST', `${acct(id)}/challenges`, dto.challengeDto, { body, opts }),
      linkAddress: (id, body, opts) =>
        call('POST', `${acct(id)}/addresses`, dto.linkedAddress, { body, opts }),
      listAddresses: (id, opts) => call('GET', `${acct(id)}/addresses`, dto.addressListDto, { opts }),
      createGrantChallenge: (id, body, opts) =>
        call('POST', `${acct(id)}/grant-challenges`, dto.challengeDto, { body, opts }),
      applyGrant: (id, body, opts) => call('POST', `${acct(id)}/grants`, dto.grantsDto, { body, opts }),
      listGrants: (id, opts) => call('GET', `${acct(id)}/grants`, dto.grantsDto, { opts }),
    },
    positions: {
      list: (id, opts) => call('GET', `${acct(id)}/positions`, dto.positionsDto, { opts }),
      // An upsert by position id converges to the same state when resent.
      upsert: (id, body, opts) =>
        call('POST', `${acct(id)}/positions`, dto.positionsDto, { body, idempotent: true, opts }),
      remove: (id, positionId, opts) =>
        call('DELETE', `${acct(id)}/positions/${seg(positionId)}`, dto.positionsDto, { opts }),
    },
    margin: {
      get: (id, opts) => call('GET', `${acct(id)}/margin`, dto.marginSnapshotDto, { opts }),
      // A what-if stores nothing: safe to resend.
      whatIf: (id, body, opts) =>
        call('POST', `${acct(id)}/margin/what-if`, dto.whatIfDto, { body, idempotent: true, opts }),
      explain: (id, opts) => call('GET', `${acct(id)}/margin/explain`, dto.explainDto, { opts }),
    },
    marketData: {
      get: (opts) => call('GET', '/v1/market-data', dto.marketDataDto, { opts }),
      update: (body, opts) =>
        call('PUT', '/v1/market-data', dto.marketDataWriteDto, { body, idempotent: true, opts }),
    },
    attestations: {
      postVaa: (body, opts) =>
        call('POST', '/v1/attestations/vaa', dto.attestationAcceptedDto, { body, idempotent: true, opts }),
      postQuery: (body, opts) =>
        call('POST', '/v1/attestations/query', dto.attestationAcceptedDto, { body, idempotent: true, opts }),
      postPyth: (body, opts) =>
        call('POST', '/v1/attestations/pyth', dto.attestationAcceptedDto, { body, idempotent: true, opts }),
      reverifyRequests: (query = {}, opts) => {
        const params = new URLSearchParams();
        if (query.after) params.set('after', query.after);
        if (query.limit !== undefined) params.set('limit', String(query.limit));
        const qs = params.size > 0 ? `?${params}` : '';
        return call('GET', `/v1/attestations/reverify-requests${qs}`, dto.reverifyRequestsDto, { opts });
      },
    },
    stream: {
      margin: (query, opts) =>
        openEventStream({
          baseUrl: options.baseUrl,
          apiKey: options.apiKey,
          fetch: options.fetch,
          mapError: options.mapError,
          connectTimeoutMs: options.timeoutMs,
          path: '/v1/stream/margin',
          query: {
            accountId: query.accountId,
            thresholds: query.thresholds?.join(','),
            lastEventId: query.lastEventId,
          },
          signal: opts?.signal,
        }),
    },
    webhooks: {
      create: (body, opts) => call('POST', '/v1/webhooks', dto.createdWebhookDto, { body, opts }),
      list: (opts) => call('GET', '/v1/webhooks', dto.webhookListDto, { opts }),
      get: (id, opts) => call('GET', `/v1/webhooks/${seg(id)}`, dto.webhookDto, { opts }),
      delete: (id, opts) => call('DELETE', `/v1/webhooks/${seg(id)}`, dto.okBody, { opts }),
      deliveries: (id, query = {}, opts) => {
        const q = new URLSearchParams();
        if (query.limit !== undefined) q.set('limit', String(query.limit));
        if (query.before !== undefined) q.set('before', query.before);
        const qs = q.size > 0 ? `?${q}` : '';
        return call('GET', `/v1/webhooks/${seg(id)}/deliveries${qs}`, dto.webhookDeliveriesDto, { opts });
      },
    },
    settlement: {
      withdraw: (id, body, opts) =>
        call('POST', `${acct(id)}/withdrawals`, dto.withdrawalDto, { body, opts }),
      statement: (id, query, opts) => {
        const q = new URLSearchParams();
        for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
        return call('GET', `${acct(id)}/margin/statement?${q}`, dto.marginStatementDto, { opts });
      },
      // Opening an escrow is idempotent: a resent request answers the same escrow.
      openEscrow: (id, body, opts) =>
        call('POST', `${acct(id)}/escrows`, dto.escrowDto, { body, idempotent: true, opts }),
    },
    liquidations: {
      list: (query = {}, opts) =>
        call('GET', `/v1/liquidations${queryString(query)}`, dto.auctionListDto, { opts }),
      get: (id, opts) => call('GET', `/v1/liquidations/${seg(id)}`, dto.auctionDetailDto, { opts }),
      bid: (id, body, opts) =>
        call('POST', `/v1/liquidations/${seg(id)}/bids`, liquidationActionResult, {
          body,
          opts,
          ...(opts?.idempotencyKey === undefined
            ? {}
            : { idempotent: true, headers: { 'idempotency-key': opts.idempotencyKey } }),
        }),
      settlements: (id, opts) =>
        call('GET', `/v1/liquidations/${seg(id)}/settlements`, dto.settlementsDto, { opts }),
      // Reporting the same transaction again changes nothing.
      reportSubmission: (id, instructionId, body, opts) =>
        call(
          'POST',
          `/v1/liquidations/${seg(id)}/settlements/${seg(instructionId)}/submission`,
          dto.settlementInstructionDto,
          { body, idempotent: true, opts },
        ),
      insuranceFund: (opts) => call('GET', '/v1/insurance-fund', dto.insuranceFundDto, { opts }),
    },
    admin: {
      createApiKey: (body, opts) => call('POST', '/v1/admin/api-keys', dto.apiKeyDto, { body, opts }),
      depositCash: (id, body, opts) =>
        call('POST', `/v1/admin/accounts/${seg(id)}/cash-deposits`, dto.okBody, { body, opts }),
      withdrawCash: (id, body, opts) =>
        call('POST', `/v1/admin/accounts/${seg(id)}/cash-withdrawals`, dto.cashWithdrawalDto, { body, opts }),
      depositInsuranceFund: (body, opts) =>
        call('POST', '/v1/admin/insurance-fund/deposits', dto.okBody, { body, opts }),
      proposeParams: (body, opts) => call('POST', '/v1/admin/params', dto.paramsVersionDto, { body, opts }),
      activateParams: (version, opts) =>
        call('POST', `/v1/admin/params/${version}/activate`, activatedParamsDto, { opts }),
      setTrustStore: (body, opts) =>
        call('PUT', '/v1/admin/guardian-sets', dto.trustStoreBody, { body, opts }),
      setAttestationRegistry: (body, opts) =>
        call('PUT', '/v1/admin/attestation-registry', dto.attestationRegistryBody, { body, opts }),
    },
  };
}
