import { accountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import { type ParamsSpec, type Position, resolveParams } from '@xmargin/risk';
import {
  accountDetailDto,
  accountParams,
  attestationOverviewDto,
  bookAccountsDto,
  bookAccountsQuery,
  bookHistogramDto,
  bookHistogramQuery,
  bookSummaryDto,
  diffQuery,
  errorBody,
  paramsImpactDto,
  versionParams,
} from '@xmargin/schemas/http';
import { formatUnits } from 'viem';
import { attestationOverview } from '../../admin/attestation-overview.js';
import { createBookIndex, fullResult, loadBookRows, MARGIN_MODES } from '../../admin/book-rows.js';
import { bookHistogram, queryAccounts, summarizeBook } from '../../admin/book-stats.js';
import { paramsImpact } from '../../admin/params-impact.js';
import type { EngineContext } from '../../context.js';
import { cashToNumber } from '../../liquidation/cash-units.js';
import { buildMarginDocument } from '../../margin/build-document.js';
import type { GlobalInputs } from '../../margin/global-inputs.js';
import { toMarginInputs } from '../../margin/load-margin-inputs.js';
import { type App, authErrors, bearerSecurity } from '../app.js';

// Read-only routes behind the admin console; the operator role reaches them as admin GETs.
const admin = ['admin'] as const;

function priceFor(shared: GlobalInputs): (asset: string) => number {
  const params = resolveParams(shared.params);
  return (asset) => {
    const u = params.assets[asset]?.underlying;
    if (u !== undefined && shared.market.markets[u]) return shared.market.markets[u].spot;
    return shared.market.prices[asset]?.price ?? shared.market.markets[asset]?.spot ?? 0;
  };
}

const staleLimit = (shared: GlobalInputs) => resolveParams(shared.params).collateralMaxAgeSeconds;

export function adminBookRoutes(ctx: EngineContext) {
  return (app: App) => {
    const book = createBookIndex(() =>
      loadBookRows({
        store: ctx.store,
        marginCache: ctx.marginCache,
        globalInputs: ctx.globalInputs.get,
        now: ctx.now,
      }),
    );
    const schema = <S extends object>(summary: string, extra: S) => ({
      tags: ['admin'],
      summary,
      security: bearerSecurity,
      ...extra,
    });

    app.get(
      '/admin/book/summary',
      {
        config: { roles: admin },
        schema: schema('Book health: totals, liquidation counts, collateral per chain, staleness', {
          response: { 200: bookSummaryDto, ...authErrors },
        }),
      },
      async () => {
        const [rows, shared, fund, loss] = await Promise.all([
          book.rows(),
          ctx.globalInputs.get(),
          ctx.store.liquidations.fundBalance(),
          ctx.store.liquidations.socialisedLossTotal(),
        ]);
        const nowMs = ctx.now();
        return {
          at: nowMs,
          ...summarizeBook(rows, {
            nowSeconds: Math.floor(nowMs / 1000),
            staleAfterSeconds: staleLimit(shared),
            priceOf: priceFor(shared),
          }),
          // Bad debt the insurance fund could not cover (socialised), and the fund's balance, in USD.
          badDebt: cashToNumber(loss),
          insuranceFund: cashToNumber(fund),
        };
      },
    );

    app.get(
      '/admin/book/histogram',
      {
        config: { roles: admin },
        schema: schema('Distribution of a metric over the book, binned on the server, per margin mode', {
          querystring: bookHistogramQuery,
          response: { 200: bookHistogramDto, ...authErrors },
        }),
      },
      async (request) => {
        const { metric, bins, mode } = request.query;
        return bookHistogram(await book.rows(), {
          metric,
          bins,
          modes: mode === 'all' ? MARGIN_MODES : [mode],
        });
      },
    );

    app.get(
      '/admin/book/accounts',
      {
        config: { roles: admin },
        schema: schema('Accounts of the book: search, sort, page (default: closest to liquidation first)', {
          querystring: bookAccountsQuery,
          response: { 200: bookAccountsDto, ...authErrors },
        }),
      },
      async (request) => {
        const { q, sort, dir, offset, limit, metric, mode, bins, bin } = request.query;
        const binFilter = [metric, mode, bins, bin].filter((x) => x !== undefined).length;
        if (binFilter !== 0 && binFilter !== 4) {
          throw new AppError('API__INVALID_REQUEST', {
            context: {
              part: 'querystring',
              issues: [{ path: '$.bin', message: 'metric, mode, bins and bin go together' }],
            },
            shortMessage: 'metric, mode, bins and bin go together',
          });
        }
        return queryAccounts(await book.rows(), {
          q,
          sort,
          dir,
          offset,
          limit,
          bin:
            metric !== undefined && mode !== undefined && bins !== undefined && bin !== undefined
              ? { metric, mode, bins, bin }
              : undefined,
        });
      },
    );

    app.get(
      '/admin/accounts/:accountId/detail',
      {
        config: { roles: admin },
        schema: schema('One account for the console: cached risk result, balances, positions, addresses', {
          params: accountParams,
          response: { 200: accountDetailDto, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const id = accountId(request.params.accountId);
        await ctx.store.accounts.require(id);
        const [view, balances, positions, addresses, cash, shared] = await Promise.all([
          ctx.marginCache.getView(id),
          ctx.store.balances.listByAccount(id),
          ctx.store.positions.listByAccount<Position>(id),
          ctx.store.accounts.addresses(id),
          ctx.store.liquidations.cashBalance(id),
          ctx.globalInputs.get(),
        ]);
        const now = Math.floor(ctx.now() / 1000);
        // The resident view holds the summary; the full result (scenarios, Greeks, modes) is computed
        // from the ledger on demand, as explain does.
        const inputs = toMarginInputs(balances, positions, shared, cashToNumber(cash));
        const result = fullResult(inputs, now);
        const built = buildMarginDocument({ ...inputs, asOf: now });
        const snapshot =
          view && view.summary && result
            ? {
                computedAt: view.computedAt,
                asOf: view.asOf,
                paramsVersion: view.paramsVersion,
                summary: view.summary,
                result,
                positionKeys: built.positionKeys,
              }
            : null;
        return {
          accountId: id,
          snapshot: snapshot
            ? {
                computedAt: snapshot.computedAt,
                asOf: snapshot.asOf,
                paramsVersion: snapshot.paramsVersion,
                summary: { ...snapshot.summary },
                result: snapshot.result,
                positionKeys: [...snapshot.positionKeys],
              }
            : null,
          balances: balances.map((b) => ({
            chain: b.chain,
            asset: b.asset,
            source: b.source,
            holder: String(b.holder),
            amount: formatUnits(b.amount, b.decimals),
            observedAt: b.observedAt,
            ageSeconds: Math.max(0, now - b.observedAt),
          })),
          positions: positions.map((p) => ({
            protocol: p.protocol,
            positionId: p.positionId,
            position: p.doc,
          })),
          addresses: addresses.map((a) => ({ chain: a.chain, address: a.address })),
        };
      },
    );

    app.get(
      '/admin/attestations/overview',
      {
        config: { roles: admin },
        schema: schema('Per-chain freshness, relay lag, recent attestations and rejections by code', {
          response: { 200: attestationOverviewDto, ...authErrors },
        }),
      },
      async () => {
        const [rows, shared, recent, registry, failures] = await Promise.all([
          book.rows(),
          ctx.globalInputs.get(),
          ctx.store.attestations.list({ limit: 200 }),
          ctx.registry.registry(),
          ctx.metrics.verificationFailures.get(),
        ]);
        const chains = new Map(registry.emitters.map((e) => [e.emitterChain, e.chain]));
        return attestationOverview({
          rows,
          recent,
          chainOf: (emitterChain) => (emitterChain === null ? null : (chains.get(emitterChain) ?? null)),
          rejections: failures.values.map((v) => ({ code: String(v.labels.code ?? ''), count: v.value })),
          nowMs: ctx.now(),
          staleAfterSeconds: staleLimit(shared),
        });
      },
    );

    app.get(
      '/admin/params/:version/impact',
      {
        config: { roles: admin },
        schema: schema('What activating a version would do to the book (risk book, before activation)', {
          params: versionParams,
          querystring: diffQuery,
          response: { 200: paramsImpactDto, 404: errorBody, ...authErrors },
        }),
      },
      async (request) => {
        const draft = await ctx.store.riskParams.get<ParamsSpec>(request.params.version);
        if (!draft)
          throw new AppError('LEDGER__NOT_FOUND', {
            context: { entity: 'risk_params', id: String(request.params.version) },
          });
        const shared = await ctx.globalInputs.get();
        let base = shared;
        if (request.query.against !== undefined) {
          const against = await ctx.store.riskParams.get<ParamsSpec>(request.query.against);
          if (!against)
            throw new AppError('LEDGER__NOT_FOUND', {
              context: { entity: 'risk_params', id: String(request.query.against) },
            });
          base = { ...shared, params: against.params, paramsVersion: against.version };
        }
        const impact = await paramsImpact(ctx.store, base, draft.params, Math.floor(ctx.now() / 1000));
        return { version: draft.version, against: base.paramsVersion, ...impact };
      },
    );
  };
}
