import { accountId } from '@xmargin/core';
import {
  accountParams,
  errorBody,
  marginStatementDto,
  marginStatementQuery,
  withdrawalBody,
  withdrawalDto,
} from '@xmargin/schemas/http';
import type { EngineContext } from '../../context.js';
import { authoriseWithdrawal } from '../../settlement/authorise-withdrawal.js';
import { signMarginStatement } from '../../settlement/margin-statement.js';
import { settlementOf } from '../../settlement/settlement-signer.js';
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
  const settlement = () => settlementOf(ctx);
  return (app: App) => {
    app.post(
      '/accounts/:accountId/withdrawals',
      {
        config: { roles: writers },
        schema: {
          tags: ['settlement'],
          summary:
            'Authorise a vault withdrawal that keeps the unified initial excess >= 0 (signed by the vault account)',
          security: bearerSecurity,
          params: accountParams,
          body: withdrawalBody,
          response: { 201: withdrawalDto, 404: errorBody, 422: errorBody, 503: errorBody, ...authErrors },
        },
      },
      async (request, reply) => {
        const w = await authoriseWithdrawal(
          ctx,
          settlement(),
          accountId(request.params.accountId),
          request.body,
        );
        return reply.status(201).send({
          accountId: w.accountId,
          withdrawalId: w.withdrawalId.toString(),
          chain: w.vault.chain,
          asset: w.asset,
          amount: w.amount,
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
          initialExcessAfter: w.initialExcessAfter,
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
