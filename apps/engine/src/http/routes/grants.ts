import { type AccountId, accountId } from '@xmargin/core';
import { AppError } from '@xmargin/errors';
import {
  accountParams,
  challengeDto,
  errorBody,
  grantChallengeBody,
  grantParams,
  grantsDto,
  signedGrantBody,
} from '@xmargin/schemas/http';
import type { GrantRecord } from '@xmargin/store';
import { grantMessage } from '../../accounts/grant-message.js';
import { normalizeAddress } from '../../accounts/normalize-address.js';
import { verifyAddressSignature } from '../../accounts/verify-address-signature.js';
import type { EngineContext } from '../../context.js';
import { type App, authErrors, bearerSecurity } from '../app.js';
import { principalOf } from '../auth.js';
import { issueChallenge } from '../challenges.js';

const writers = ['protocol', 'admin'] as const;
const readers = ['protocol', 'relayer', 'admin'] as const;
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

const grantView = (g: GrantRecord) => ({
  protocol: g.protocol,
  grantedBy: g.grantedBy,
  grantedAt: unix(g.grantedAt),
  revokedAt: g.revokedAt === null ? null : unix(g.revokedAt),
  active: g.revokedAt === null,
});

async function grantsView(ctx: EngineContext, id: AccountId) {
  return { accountId: id, grants: (await ctx.store.grants.list(id)).map(grantView) };
}

/**
 * Tenancy: which protocols may report an account's positions. The account decides, through a signature
 * of one of its linked addresses over a single-use message naming the protocol (grant or revoke); any
 * protocol or admin key may relay the signed message, the signature is what counts. Operators (admin
 * keys) may grant or revoke directly, and a protocol may drop its own grant.
 */
export function grantRoutes(ctx: EngineContext) {
  return (app: App) => {
    app.post(
      '/accounts/:accountId/grant-challenges',
      {
        config: { roles: writers },
        schema: {
          tags: ['accounts'],
          summary: 'Issue the single-use message a linked address signs to grant or revoke a protocol',
          security: bearerSecurity,
          params: accountParams,
          body: grantChallengeBody,
          response: { 201: challengeDto, 404: errorBody, 422: errorBody, ...authErrors },
        },
      },
      async (request, reply) => {
        const id = accountId(request.params.accountId);
        await ctx.store.accounts.require(id);
        const { chain, protocol, action } = request.body;
        const address = normalizeAddress(chain, request.body.address);
        if ((await ctx.store.accounts.findByAddress(chain, address)) !== id) {
          throw new AppError('API__SIGNATURE_INVALID', {
            context: { chain, address },
            shortMessage: `${chain} address ${address} is not linked to ${id}: only its linked addresses sign grants`,
          });
        }
        const issued = await issueChallenge(
          ctx,
          { purpose: action, protocol, account: id, chain, address },
          (nonce, expiresAt) =>
            grantMessage({ action, accountId: id, protocol, chain, address, nonce, expiresAt }),
        );
        return reply.status(201).send(issued);
      },
    );

    app.post(
      '/accounts/:accountId/grants',
      {
        config: { roles: writers },
        schema: {
          tags: ['accounts'],
          summary: 'Apply a signed grant or revoke challenge',
          security: bearerSecurity,
          params: accountParams,
          body: signedGrantBody,
          response: { 200: grantsDto, 404: errorBody, 422: errorBody, ...authErrors },
        },
      },
      async (request) => {
        const id = accountId(request.params.accountId);
        const { chain, challengeId, signature } = request.body;
        const address = normalizeAddress(chain, request.body.address);
        const pending = await ctx.store.challenges.get(challengeId);
        if (
          !pending ||
          pending.purpose === 'link' ||
          pending.protocol === null ||
          pending.account !== id ||
          pending.chain !== chain ||
          pending.address !== address
        ) {
          throw new AppError('API__CHALLENGE_INVALID', { context: { challengeId } });
        }
        if (!(await verifyAddressSignature({ chain, address, message: pending.message, signature }))) {
          throw new AppError('API__SIGNATURE_INVALID', { context: { chain, address } });
        }
        // The address may have been unlinked since the challenge was issued.
        if ((await ctx.store.accounts.findByAddress(chain, address)) !== id) {
          throw new AppError('API__SIGNATURE_INVALID', { context: { chain, address } });
        }
        const consumed = await ctx.store.challenges.consume(challengeId, new Date(ctx.now()));
        if (!consumed) throw new AppError('API__CHALLENGE_INVALID', { context: { challengeId } });
        const signer = `${chain}:${address}`;
        if (pending.purpose === 'grant') {
          await ctx.store.grants.grant({
            account: id,
            protocol: pending.protocol,
            grantedBy: signer,
            message: pending.message,
            signature,
          });
        } else {
          await ctx.store.grants.revoke({ account: id, protocol: pending.protocol, revokedBy: signer });
        }
        return grantsView(ctx, id);
      },
    );

    app.get(
      '/accounts/:accountId/grants',
      {
        config: { roles: readers },
        schema: {
          tags: ['accounts'],
          summary: 'Protocols the account authorised to report its positions (active and revoked)',
          security: bearerSecurity,
          params: accountParams,
          response: { 200: grantsDto, 404: errorBody, ...authErrors },
        },
      },
      async (request) => {
        const id = accountId(request.params.accountId);
        await ctx.store.accounts.require(id);
        return grantsView(ctx, id);
      },
    );

    app.put(
      '/accounts/:accountId/grants/:protocol',
      {
        config: { roles: ['admin'] },
        schema: {
          tags: ['accounts'],
          summary: 'Operator grant (admin keys only; recorded as admin:<key name>)',
          security: bearerSecurity,
          params: grantParams,
          response: { 200: grantsDto, 404: errorBody, ...authErrors },
        },
      },
      async (request) => {
        const id = accountId(request.params.accountId);
        await ctx.store.accounts.require(id);
        await ctx.store.grants.grant({
          account: id,
          protocol: request.params.protocol,
          grantedBy: `admin:${principalOf(request).name}`,
        });
        return grantsView(ctx, id);
      },
    );

    app.delete(
      '/accounts/:accountId/grants/:protocol',
      {
        config: { roles: writers },
        schema: {
          tags: ['accounts'],
          summary: 'Revoke a grant: admin keys, or a protocol key dropping its own',
          security: bearerSecurity,
          params: grantParams,
          response: { 200: grantsDto, 404: errorBody, ...authErrors },
        },
      },
      async (request) => {
        const id = accountId(request.params.accountId);
        const { protocol } = request.params;
        const p = principalOf(request);
        if (p.role !== 'admin' && p.scope !== protocol) {
          throw new AppError('API__FORBIDDEN', {
            context: { role: p.role, required: ['admin'] },
            shortMessage: "A protocol key may revoke only its own protocol's grant",
          });
        }
        const by = p.role === 'admin' ? `admin:${p.name}` : `protocol:${protocol}`;
        if (!(await ctx.store.grants.revoke({ account: id, protocol, revokedBy: by }))) {
          throw new AppError('TENANCY__GRANT_NOT_FOUND', { context: { accountId: id, protocol } });
        }
        return grantsView(ctx, id);
      },
    );
  };
}
