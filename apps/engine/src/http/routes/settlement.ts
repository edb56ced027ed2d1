import { accountId } from '@xmargin/core';
import {
  accountParams,
  errorBody,
  escrowBody,
  escrowDto,
  marginStatementDto,
  marginStatementQuery,
  withdrawalBody,
  withdrawalDto,
} from '@xmargin/schemas/http';
import type { EngineContext } from '../../context.js';
import { authoriseWithdrawal, type SettlementDeps } from '../../settlement/authorise-withdrawal.js';
import { signMarginStatement } from '../../settlement/margin-statement.js';
import { settlementOf } from '../../settlement/settlement-signer.js';
import { createSolanaEscrows } from '../../settlement/solana-escrows.js';
import { type App, authErrors, bearerSecurity } from '../app.js';

const writers = ['protocol', 'admin'] as const;
const readers = ['protocol', 'relayer', 'admin'] as const;
const domainOf = (d: { chainId: number; verifyingContract: string }) => ({
  name: 'xmargin' as const,
  version: '1' as const,
  chainId: d.chainId,
  verifyingContract: d.verifyingContract,
});

/** Engine-authorised withdrawals and signed margin statements (binding collateral). */
export function settlementRoutes(ctx: EngineContext) {
  let escrows: ReturnType<typeof createSolanaEscrows> | undefined;
  // Built on first use: an engine without a settlement key still serves everything else.
  const settlement = (): SettlementDeps => {
    const { settings, signer } = settlementOf(ctx);
    escrows ??= createSolanaEscrows(settings);
    return { settings, signer, escrows };
  };
  return (app: App) => {
    app.post(
      '/accounts/:accountId/withdrawals',
      {
        config: { roles: writers },
        schema: {
          tags: ['settlement'],
          summary:
            'Authorise a withdrawal that keeps the unified initial excess >= 0 (signed by the owning address): EVM vault authorisation, or a Solana escrow transfer the engine sends',
          security: bearerSecurity,
          params: accountParams,
          body: withdrawalBody,
          response: {
            201: withdrawalDto,
            404: errorBody,
            422: errorBody,
            502: errorBody,
            503: errorBody,
            ...authErrors,
          },
        },
      },
      async (request, reply) => {
        const w = await authoriseWithdrawal(
          ctx,
          settlement(),
          accountId(request.params.accountId),
          request.body,
        );
        const head = {
          accountId: w.accountId,
          withdrawalId: w.withdrawalId.toString(),
          asset: w.asset,
          amount: w.amount,
          initialExcessAfter: w.initialExcessAfter,
        };
        if ('transfer' in w) {
          return reply.status(201).send({
            ...head,
            chain: w.chain,
            transfer: { ...w.transfer, slot: w.transfer.slot.toString() },
          });
        }
        return reply.status(201).send({
          ...head,
          chain: w.vault.chain,
          typedData: {
            domain: domainOf({ chainId: w.vault.chainId, verifyingContract: w.vault.vault }),
            primaryType: 'Withdrawal' as const,
            message: {
              account: w.message.account,
              token: w.message.token,
              amount: w.message.amount.toString(),
              to: w.message.to,
              nonce: w.message.nonce.toString(),
              deadline: w.message.deadline.toString(),
            },
          },
          signature: w.signature,
          reservedUntil: w.reservedUntil,
        });
      },
    );

    app.post(
      '/accounts/:accountId/escrows',
      {
        config: { roles: writers },
        schema: {
          tags: ['settlement'],
          summary:
            "Open (once) the account's Solana escrow for an asset: an SPL token account only the engine can move",
          security: bearerSecurity,
          params: accountParams,
          body: escrowBody,
          response: {
            201: escrowDto,
            404: errorBody,
            422: errorBody,
            502: errorBody,
            503: errorBody,
            ...authErrors,
          },
        },
      },
      async (request, reply) => {
        const e = await settlement().escrows.open(
          ctx,
          accountId(request.params.accountId),
          request.body.chain,
          request.body.asset,
        );
        return reply.status(201).send({
          accountId: e.account,
          chain: e.chain,
          asset: e.asset,
          mint: e.mint,
          tokenAccount: e.tokenAccount,
          authority: e.authority,
        });
      },
    );

    app.get(
      '/accounts/:accountId/margin/statement',
      {
        config: { roles: readers },
        schema: {
          tags: ['settlement'],
          summary: 'Engine-signed EIP-712 MarginStatement of the unified margin, for a contract to verify',
          security: bearerSecurity,
          params: accountParams,
          querystring: marginStatementQuery,
          response: {
            200: marginStatementDto,
            404: errorBody,
            422: errorBody,
            503: errorBody,
            ...authErrors,
          },
        },
      },
      async (request) => {
        const s = await signMarginStatement(
          ctx,
          settlement(),
          accountId(request.params.accountId),
          request.query,
        );
        const m = s.message;
        return {
          accountId: s.accountId,
          typedData: {
            domain: domainOf(s.domain),
            primaryType: 'MarginStatement' as const,
            message: {
              account: m.account,
              equity: m.equity.toString(),
              initialRequirement: m.initialRequirement.toString(),
              maintenanceRequirement: m.maintenanceRequirement.toString(),
              paramsVersion: m.paramsVersion.toString(),
              asOf: m.asOf.toString(),
              expiresAt: m.expiresAt.toString(),
            },
          },
          decimals: s.decimals,
          signature: s.signature,
          signer: s.signer,
        };
      },
    );
  };
}
