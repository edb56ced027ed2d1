import { accountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import { type AuctionParamsSpec, resolveAuctionParams } from '@xmargin/risk';
import {
  accountParams,
  auctionDetailDto,
  auctionEventsDto,
  auctionIdParams,
  auctionListDto,
  bidHeaders,
  cashWithdrawalDto,
  errorBody,
  insuranceDepositBody,
  insuranceFundDto,
  liquidationParamsListDto,
  liquidationStreamQuery,
  listLiquidationsQuery,
  okBody,
  paramsVersionDto,
  placeBidBody,
  positionTransfersDto,
  positionTransfersQuery,
  proposeLiquidationParamsBody,
  seizureSubmissionBody,
  settlementInstructionDto,
  settlementInstructionParams,
  settlementsDto,
  versionParams,
} from '@xmargin/schemas/http';
import { auctionParamsSpecSchema, liquidationActionResultSchema } from '@xmargin/schemas/risk';
import { z } from 'zod';
import type { EngineContext } from '../../context.js';
import {
  auctionView,
  bidView,
  cashText,
  instructionView,
  liveFigures,
} from '../../liquidation/auction-view.js';
import { CASH_DECIMALS } from '../../liquidation/cash-units.js';
import { liquidationDeps } from '../../liquidation/liquidation-context.js';
import type { LiquidationEvent, LiquidationEventHub } from '../../liquidation/liquidation-events.js';
import { placeBid } from '../../liquidation/place-bid.js';
import { withdrawalsBlocked } from '../../liquidation/withdrawal-guard.js';
import { withdrawCash } from '../../settlement/cash-withdrawal.js';
import { createEventLogHub } from '../../stream/event-log.js';
import { type App, authErrors, bearerSecurity } from '../app.js';
import { principalOf } from '../auth.js';
import { checkParamsBody, paramVersionView } from '../param-versions.js';
import { lastEventIdOf, serveEventStream } from '../sse.js';

const everyone = ['protocol', 'relayer', 'oracle', 'admin', 'liquidator'] as const;
const readers = ['protocol', 'admin', 'liquidator'] as const;
const admin = ['admin'] as const;

const checkAuctionParams = (value: unknown): AuctionParamsSpec =>
  checkParamsBody(auctionParamsSpecSchema, value, 'Invalid liquidation parameters', (spec) =>
    resolveAuctionParams(spec as AuctionParamsSpec),
  ) as AuctionParamsSpec;

const decimalToMicro = (text: string): bigint => {
  const [whole = '0', frac = ''] = text.split('.');
  return BigInt(whole) * 10n ** BigInt(CASH_DECIMALS) + BigInt(frac.padEnd(CASH_DECIMALS, '0'));
};

/** Liquidation spec section 7: auctions, bids (liquidator role), settlements, insurance fund, params, stream. */
export function liquidationRoutes(ctx: EngineContext) {
  return (app: App) => {
    const deps = liquidationDeps(ctx);
    const seconds = () => Math.floor(ctx.now() / 1000);
    const schema = <S extends object>(tags: string, summary: string, extra: S) => ({
      tags: [tags],
      summary,
      security: bearerSecurity,
      ...extra,
    });

    app.get(
      '/liquidations',
      {
        config: { roles: readers },
        schema: schema(
          'liquidation',
          'Auctions, oldest first (or newest first with order=desc), cursor-paged',
          {
            querystring: listLiquidationsQuery,
            response: { 200: auctionListDto, ...authErrors },
          },
        ),
      },
      async (request) => {
        const q = request.query;
        const limit = q.limit ?? 100;
        const list = await ctx.store.liquidations.list({
          ...(q.status === undefined ? {} : { status: q.status }),
          ...(q.accountId === undefined ? {} : { account: accountId(q.accountId) }),
          ...(q.cursor === undefined ? {} : { after: q.cursor }),
          newestFirst: q.order === 'desc',
          limit,
        });
        return {
          auctions: list.map(auctionView),
          nextCursor: list.length === limit ? list.at(-1)!.id : null,
        };
      },
    );

    app.get(
      '/liquidations/position-transfers',
      {
        config: { roles: readers },
        schema: schema('liquidation', 'Positions taken over by liquidators, per protocol (a feed)', {
          querystring: positionTransfersQuery,
          response: { 200: positionTransfersDto, ...authErrors },
        }),
      },
      async (request) => {
        const p = principalOf(request);
        const protocol = p.role === 'protocol' ? p.scope : request.query.protocol;
        if (
          !protocol ||
          (p.role === 'protocol' && request.query.protocol && request.query.protocol !== protocol)
        ) {
          throw new AppError('API__INVALID_REQUEST', {
            context: {
              part: 'querystring',
              issues: [{ path: '$.protocol', message: 'a protocol (your own) is required' }],
            },
          });
        }
        const limit = request.query.limit ?? 100;
        const list = await ctx.store.liquidations.positionTransfers({
          protocol,
          ...(request.query.after === undefined ? {} : { after: BigInt(request.query.after) }),
          limit,
        });
        return {
          transfers: list.map((t) => ({
            id: String(t.id),
            protocol: t.protocol,
            auctionId: t.auctionId,
            bidId: t.bidId,
            fromAccountId: t.fromAccount,
            fromPositionId: t.fromPositionId,
            toAccountId: t.toAccount,
            toPositionId: t.toPositionId,
            fraction: t.fraction,
            quantity: t.quantity,
            position: t.doc,
            at: Math.floor(t.at.getTime() / 1000),
          })),
          nextAfter: list.length === limit ? String(list.at(-1)!.id) : null,
        };
      },
    );

    app.get(
      '/liquidations/:auctionId',
      {
        config: { roles: readers },
        schema: schema('liquidation', 'One auction: state, live figures, price, fmax and bids', {
          params: auctionIdParams,
          response: { 200: auctionDetailDto, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const r = await ctx.store.liquidations.get(request.params.auctionId);
        if (!r)
          throw new AppError('LIQUIDATION__NOT_FOUND', { context: { auctionId: request.params.auctionId } });
        const [live, bids] = await Promise.all([
          liveFigures(ctx.store, r, seconds(), () => ctx.globalInputs.get()),
          ctx.store.liquidations.bids(r.id),
        ]);
        return { ...auctionView(r), live, bids: bids.map(bidView) };
      },
    );

    app.get(
      '/admin/liquidations/:auctionId/events',
      {
        config: { roles: admin },
        schema: schema('admin', 'Every persisted event of an auction: start, fee, bids, draws, end', {
          params: auctionIdParams,
          response: { 200: auctionEventsDto, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const r = await ctx.store.liquidations.get(request.params.auctionId);
        if (!r)
          throw new AppError('LIQUIDATION__NOT_FOUND', { context: { auctionId: request.params.auctionId } });
        const events = await ctx.store.liquidations.events(r.id);
        return {
          events: events.map((e) => ({
            id: String(e.id),
            type: e.type,
            time: e.time,
            body: e.body,
            at: Math.floor(e.at.getTime() / 1000),
          })),
        };
      },
    );

    app.post(
      '/liquidations/:auctionId/bids',
      {
        config: { roles: ['liquidator'] },
        schema: schema('liquidation', 'Bid on an auction (one transaction; Idempotency-Key replays)', {
          params: auctionIdParams,
          headers: bidHeaders,
          body: placeBidBody,
          response: {
            200: liquidationActionResultSchema,
            404: errorBody,
            409: errorBody,
            ...authErrors,
          },
        }),
      },
      async (request) => {
        const p = principalOf(request);
        const body = request.body;
        if (p.scope !== body.bidderAccountId) {
          throw new AppError('LIQUIDATION__NOT_BIDDER', {
            context: { bidderAccountId: body.bidderAccountId },
          });
        }
        const r = await placeBid(deps, {
          auctionId: request.params.auctionId,
          bidderAccount: accountId(body.bidderAccountId),
          keyId: p.keyId,
          percent: body.percent,
          maxPrice: body.maxPrice,
          expectedSequence: body.expectedSequence,
          idempotencyKey: request.headers['idempotency-key'],
        });
        return r.action;
      },
    );

    app.get(
      '/liquidations/:auctionId/settlements',
      {
        config: { roles: readers },
        schema: schema('liquidation', 'Settlement instructions of an auction (per chain)', {
          params: auctionIdParams,
          response: { 200: settlementsDto, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const r = await ctx.store.liquidations.get(request.params.auctionId);
        if (!r)
          throw new AppError('LIQUIDATION__NOT_FOUND', { context: { auctionId: request.params.auctionId } });
        const list = await ctx.store.liquidations.instructions(r.id);
        return { instructions: list.map(instructionView) };
      },
    );

    app.post(
      '/liquidations/:auctionId/settlements/:instructionId/submission',
      {
        config: { roles: ['liquidator', 'admin'] },
        schema: schema(
          'liquidation',
          'Report the transaction that submitted a signed Seize (the instruction becomes submitted)',
          {
            params: settlementInstructionParams,
            body: seizureSubmissionBody,
            response: { 200: settlementInstructionDto, 404: errorBody, 409: errorBody, ...authErrors },
          },
        ),
      },
      async (request) => {
        const p = principalOf(request);
        const id = BigInt(request.params.instructionId);
        const found = await ctx.store.liquidations.instruction(id);
        // A liquidator reports only the instructions paying its own bidder account.
        if (
          !found ||
          found.auctionId !== request.params.auctionId ||
          (p.role === 'liquidator' && p.scope !== found.toAccount)
        ) {
          throw new AppError('LIQUIDATION__NOT_FOUND', {
            context: { auctionId: request.params.auctionId, instructionId: request.params.instructionId },
          });
        }
        const updated = await ctx.store.liquidations.markSeizureSubmitted({
          id,
          txHash: request.body.txHash,
        });
        if (updated) return instructionView(updated);
        // Already submitted with this transaction, or confirmed: the report changes nothing.
        if (
          found.status === 'confirmed' ||
          (found.status === 'submitted' && found.txHash === request.body.txHash)
        )
          return instructionView(found);
        throw new AppError('LIQUIDATION__SETTLEMENT_STATE', {
          context: {
            instructionId: request.params.instructionId,
            status: found.status,
            signed: found.authorisation !== null,
          },
        });
      },
    );

    app.post(
      '/admin/accounts/:accountId/cash-withdrawals',
      {
        config: { roles: admin },
        schema: schema(
          'admin',
          "Withdraw from an account's cash ledger (paid held/claims while socialised loss is outstanding)",
          {
            params: accountParams,
            body: insuranceDepositBody,
            response: {
              200: cashWithdrawalDto,
              404: errorBody,
              409: errorBody,
              422: errorBody,
              ...authErrors,
            },
          },
        ),
      },
      async (request) => {
        const p = principalOf(request);
        const id = accountId(request.params.accountId);
        const w = await withdrawCash(ctx, id, {
          claim: decimalToMicro(request.body.amount),
          actor: p.name,
          ...(request.body.note === undefined ? {} : { note: request.body.note }),
        });
        return {
          accountId: id,
          withdrawalId: String(w.id),
          claim: cashText(w.claim),
          paid: cashText(w.paid),
          ratio: w.ratio,
          cashBalance: cashText(w.cashBalance),
        };
      },
    );

    app.get(
      '/accounts/:accountId/liquidations',
      {
        config: { roles: readers },
        schema: schema('liquidation', "An account's auctions", {
          params: accountParams,
          response: { 200: auctionListDto, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const id = accountId(request.params.accountId);
        await ctx.store.accounts.require(id);
        const list = await ctx.store.liquidations.list({ account: id, limit: 1000 });
        return { auctions: list.map(auctionView), nextCursor: null };
      },
    );

    app.get(
      '/insurance-fund',
      {
        config: { roles: everyone },
        schema: schema('liquidation', 'The insurance fund: balance, socialised loss, history', {
          response: { 200: insuranceFundDto, ...authErrors },
        }),
      },
      async () => {
        const [balance, loss, cached, blocked, history] = await Promise.all([
          ctx.store.liquidations.fundBalance(),
          ctx.store.liquidations.socialisedLossTotal(),
          ctx.store.liquidations.insolventCachedMM(),
          withdrawalsBlocked(ctx.store),
          ctx.store.liquidations.fundHistory({ limit: 100 }),
        ]);
        return {
          balance: cashText(balance),
          socialisedLoss: cashText(loss),
          insolventCachedMM: cached,
          withdrawalsBlocked: blocked,
          history: history.map((h) => ({
            id: String(h.id),
            amount: cashText(h.amount),
            kind: h.kind,
            auctionId: h.auctionId,
            bidId: h.bidId,
            actor: h.actor,
            note: h.note,
            at: Math.floor(h.at.getTime() / 1000),
          })),
        };
      },
    );

    app.post(
      '/admin/insurance-fund/deposits',
      {
        config: { roles: admin },
        schema: schema('admin', 'Deposit into the insurance fund', {
          body: insuranceDepositBody,
          response: { 200: okBody, ...authErrors },
        }),
      },
      async (request) => {
        const p = principalOf(request);
        await ctx.store.liquidations.addFundEntry({
          amount: decimalToMicro(request.body.amount),
          kind: 'deposit',
          actor: p.name,
          ...(request.body.note === undefined ? {} : { note: request.body.note }),
        });
        return { ok: true as const };
      },
    );

    app.post(
      '/admin/accounts/:accountId/cash-deposits',
      {
        config: { roles: admin },
        schema: schema('admin', "Credit an account's cash ledger (e.g. a liquidator's bidding cash)", {
          params: accountParams,
          body: insuranceDepositBody,
          response: { 200: okBody, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const id = accountId(request.params.accountId);
        await ctx.store.accounts.require(id);
        await ctx.store.liquidations.addCash({
          account: id,
          amount: decimalToMicro(request.body.amount),
          reason: 'deposit',
        });
        await ctx.shardEvents.accountsChanged([id], ctx.now());
        return { ok: true as const };
      },
    );

    app.get(
      '/admin/liquidation-params',
      {
        config: { roles: admin },
        schema: schema('admin', 'Liquidation parameter versions and their audit log', {
          response: {
            200: liquidationParamsListDto,
            ...authErrors,
          },
        }),
      },
      async () => {
        const [versions, audit] = await Promise.all([
          ctx.store.liquidationParams.list(),
          ctx.store.liquidationParams.audit(),
        ]);
        return {
          versions: versions.map(paramVersionView),
          audit: audit.map((a) => ({
            version: a.version,
            action: a.action,
            actor: a.actor,
            reason: a.reason,
            at: Math.floor(a.at.getTime() / 1000),
            diff: a.diff,
          })),
        };
      },
    );

    app.post(
      '/admin/liquidation-params',
      {
        config: { roles: admin },
        schema: schema('admin', 'Propose a liquidation parameter version (draft)', {
          body: proposeLiquidationParamsBody,
          response: { 201: paramsVersionDto, ...authErrors },
        }),
      },
      async (request, reply) => {
        const p = principalOf(request);
        const params = checkAuctionParams(request.body.params);
        const v = await ctx.store.liquidationParams.propose({
          params,
          actor: p.name,
          ...(request.body.note === undefined ? {} : { note: request.body.note }),
        });
        return reply.status(201).send(paramVersionView(v));
      },
    );

    app.post(
      '/admin/liquidation-params/:version/activate',
      {
        config: { roles: admin },
        schema: schema('admin', 'Activate a liquidation parameter version (new auctions use it)', {
          params: versionParams,
          response: { 200: paramsVersionDto, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const p = principalOf(request);
        return paramVersionView(
          await ctx.store.liquidationParams.activate({ version: request.params.version, actor: p.name }),
        );
      },
    );

    // --- SSE ------------------------------------------------------------------------------------
    let hub: Promise<LiquidationEventHub> | undefined;
    const open = new Set<() => void>();
    app.addHook('preClose', async () => {
      for (const end of open) end();
    });
    app.addHook('onClose', async () => {
      if (hub) await (await hub).close();
    });
    app.get(
      '/stream/liquidations',
      {
        config: { roles: everyone },
        schema: schema('stream', 'Server-Sent Events of auctions: started, bid, converted, terminated', {
          querystring: liquidationStreamQuery,
          response: { 200: z.string().describe('text/event-stream'), ...authErrors },
        }),
      },
      async (request, reply) => {
        // The blocking reader of the log gets its own connection (closed with the hub).
        if (!hub) {
          const blocking = ctx.redis.duplicate({
            enableOfflineQueue: true,
            maxRetriesPerRequest: null,
            commandTimeout: undefined,
          });
          blocking.on('error', () => undefined);
          hub = createEventLogHub<LiquidationEvent>(blocking, ctx.keys.liquidationEvents).catch((err) => {
            blocking.disconnect();
            hub = undefined;
            throw err;
          });
        }
        const events = await hub;
        const account = request.query.accountId;
        reply.hijack();
        await serveEventStream<LiquidationEvent>({
          request,
          res: reply.raw,
          redis: ctx.redis,
          key: ctx.keys.liquidationEvents,
          hub: events,
          lastEventId: lastEventIdOf(request, request.query.lastEventId),
          open,
          accept: (e) => account === undefined || e.accountId === account,
          write: ({ event: e }, send) => send(e.type, e),
        });
      },
    );
  };
}
