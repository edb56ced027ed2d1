import { randomBytes } from 'node:crypto';
import { type AccountId, accountId } from '@xmargin/core';
import { AppError, isAppError } from '@xmargin/errors';
import {
  accountDto,
  accountIdString,
  accountListDto,
  accountParams,
  addressListDto,
  challengeBody,
  challengeDto,
  createAccountBody,
  errorBody,
  linkAddressBody,
  linkedAddress,
  listAccountsQuery,
} from '@xmargin/schemas/http';
import { challengeMessage } from '../../accounts/challenge-message.js';
import { checkAccountQuota } from '../../accounts/check-account-quota.js';
import { normalizeAddress } from '../../accounts/normalize-address.js';
import { verifyAddressSignature } from '../../accounts/verify-address-signature.js';
import type { EngineContext } from '../../context.js';
import { type App, authErrors, bearerSecurity } from '../app.js';
import { type Principal, principalOf } from '../auth.js';
import { issueChallenge } from '../challenges.js';

const writers = ['protocol', 'admin'] as const;
const readers = ['protocol', 'relayer', 'admin'] as const;
const unix = (d: Date) => Math.floor(d.getTime() / 1000);

// The cursor is the last listed id, opaque to callers so the page order may change without a new contract.
const CURSOR_PREFIX = 'a:';
const encodeCursor = (id: string) => Buffer.from(`${CURSOR_PREFIX}${id}`, 'utf8').toString('base64url');
function decodeCursor(cursor: string): AccountId {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : '';
  if (!accountIdString.safeParse(id).success) {
    throw new AppError('API__INVALID_REQUEST', {
      context: { part: 'querystring', issues: [{ path: '$.cursor', message: 'not a cursor of this API' }] },
      shortMessage: 'cursor is not a nextCursor of GET /v1/accounts',
    });
  }
  return accountId(id);
}

/**
 * Who sees which accounts: admin and operator keys every account (optionally those granting
 * `protocol`); a protocol key only those that currently grant its protocol (Tenancy).
 */
function listScope(p: Principal, protocol: string | undefined): string | undefined {
  if (p.role !== 'protocol') return protocol;
  if (p.scope === null || (protocol !== undefined && protocol !== p.scope)) {
    throw new AppError('API__FORBIDDEN', {
      context: { role: p.role, required: ['admin'] },
      shortMessage: 'A protocol key lists only the accounts that grant its own protocol',
    });
  }
  return p.scope;
}

async function accountView(ctx: EngineContext, id: AccountId) {
  const account = await ctx.store.accounts.require(id);
  const addresses = await ctx.store.accounts.addresses(id);
  return {
    accountId: account.id,
    createdAt: unix(account.createdAt),
    addresses: addresses.map((a) => ({
      chain: a.chain as 'evm' | 'solana',
      address: a.address,
      linkedAt: unix(a.linkedAt),
    })),
  };
}

export function accountRoutes(ctx: EngineContext) {
  return (app: App) => {
    app.post(
      '/accounts',
      {
        config: { roles: writers },
        schema: {
          tags: ['accounts'],
          summary: 'Create a margin account',
          security: bearerSecurity,
          body: createAccountBody,
          response: { 201: accountDto, 409: errorBody, ...authErrors },
        },
      },
      async (request, reply) => {
        const id = accountId(request.body.accountId ?? `acc_${randomBytes(12).toString('hex')}`);
        const p = principalOf(request);
        await checkAccountQuota(ctx.store.accounts, p, ctx.settings.maxAccountsPerKey);
        await ctx.store.transaction(async (tx) => {
          await tx.accounts.create({ id, createdByKey: p.keyId });
          // The protocol that opens an account reports its positions until the account revokes it.
          if (p.role === 'protocol' && p.scope)
            await tx.grants.grant({ account: id, protocol: p.scope, grantedBy: `creator:${p.keyId}` });
        });
        // Its shard's owner adds it to the book: a new account has a (zero) margin at once.
        await ctx.shardEvents.accountsChanged([id], ctx.now());
        return reply.status(201).send(await accountView(ctx, id));
      },
    );

    app.get(
      '/accounts',
      {
        config: { roles: writers },
        schema: {
          tags: ['accounts'],
          summary:
            'List accounts in id order with their latest snapshot, paged by cursor; protocol keys see only the accounts that grant them',
          security: bearerSecurity,
          querystring: listAccountsQuery,
          response: { 200: accountListDto, ...authErrors },
        },
      },
      async (request) => {
        const { limit, cursor, maxMaintenanceExcess, protocol } = request.query;
        const grantedTo = listScope(principalOf(request), protocol);
        // One row more than asked tells whether another page exists.
        const rows = await ctx.store.accounts.listWithMargin({
          limit: limit + 1,
          ...(cursor === undefined ? {} : { after: decodeCursor(cursor) }),
          ...(grantedTo === undefined ? {} : { grantedTo }),
          ...(maxMaintenanceExcess === undefined ? {} : { maxMaintenanceExcess }),
        });
        const page = rows.slice(0, limit);
        const last = page[page.length - 1];
        return {
          accounts: page.map((r) => ({
            accountId: r.id,
            createdAt: unix(r.createdAt),
            margin: r.margin
              ? {
                  computedAt: unix(r.margin.computedAt),
                  equity: r.margin.equity,
                  initialRequirement: r.margin.initialRequirement,
                  maintenanceRequirement: r.margin.maintenanceRequirement,
                  initialExcess: r.margin.initialExcess,
                  maintenanceExcess: r.margin.maintenanceExcess,
                }
              : null,
          })),
          nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null,
        };
      },
    );

    app.get(
      '/accounts/:accountId',
      {
        config: { roles: readers },
        schema: {
          tags: ['accounts'],
          summary: 'Get an account and its linked addresses',
          security: bearerSecurity,
          params: accountParams,
          response: { 200: accountDto, 404: errorBody, ...authErrors },
        },
      },
      async (request) => accountView(ctx, accountId(request.params.accountId)),
    );

    app.post(
      '/accounts/:accountId/challenges',
      {
        config: { roles: writers },
        schema: {
          tags: ['accounts'],
          summary: 'Issue a single-use message to sign, proving control of an address',
          security: bearerSecurity,
          params: accountParams,
          body: challengeBody,
          response: { 201: challengeDto, 404: errorBody, ...authErrors },
        },
      },
      async (request, reply) => {
        const id = accountId(request.params.accountId);
        await ctx.store.accounts.require(id);
        const { chain } = request.body;
        const address = normalizeAddress(chain, request.body.address);
        const issued = await issueChallenge(ctx, { account: id, chain, address }, (nonce, expiresAt) =>
          challengeMessage({ accountId: id, chain, address, nonce, expiresAt }),
        );
        return reply.status(201).send(issued);
      },
    );

    app.post(
      '/accounts/:accountId/addresses',
      {
        config: { roles: writers },
        schema: {
          tags: ['accounts'],
          summary: 'Link an EVM (EIP-191) or Solana (ed25519) address by signing its challenge',
          security: bearerSecurity,
          params: accountParams,
          body: linkAddressBody,
          response: { 201: linkedAddress, 404: errorBody, 409: errorBody, 422: errorBody, ...authErrors },
        },
      },
      async (request, reply) => {
        const id = accountId(request.params.accountId);
        const { chain, challengeId, signature } = request.body;
        const address = normalizeAddress(chain, request.body.address);
        const pending = await ctx.store.challenges.get(challengeId);
        if (
          pending?.purpose !== 'link' ||
          pending.account !== id ||
          pending.chain !== chain ||
          pending.address !== address
        ) {
          throw new AppError('API__CHALLENGE_INVALID', { context: { challengeId } });
        }
        if (!(await verifyAddressSignature({ chain, address, message: pending.message, signature }))) {
          throw new AppError('API__SIGNATURE_INVALID', { context: { chain, address } });
        }
        // Consumed only after the signature checks out, atomically: a used or expired one fails here.
        const consumed = await ctx.store.challenges.consume(challengeId, new Date(ctx.now()));
        if (!consumed) throw new AppError('API__CHALLENGE_INVALID', { context: { challengeId } });
        try {
          const link = await ctx.store.accounts.linkAddress({ account: id, chain, address });
          return reply.status(201).send({ chain, address: link.address, linkedAt: unix(link.linkedAt) });
        } catch (err) {
          if (isAppError(err, 'LEDGER__CONFLICT')) {
            const owner = (await ctx.store.accounts.findByAddress(chain, address)) ?? '';
            throw new AppError('API__ADDRESS_LINKED', {
              context: { chain, address, accountId: owner },
              cause: err,
            });
          }
          throw err;
        }
      },
    );

    app.get(
      '/accounts/:accountId/addresses',
      {
        config: { roles: readers },
        schema: {
          tags: ['accounts'],
          summary: 'List linked addresses',
          security: bearerSecurity,
          params: accountParams,
          response: { 200: addressListDto, 404: errorBody, ...authErrors },
        },
      },
      async (request) => {
        const view = await accountView(ctx, accountId(request.params.accountId));
        return { accountId: view.accountId, addresses: view.addresses };
      },
    );
  };
}
