import { verifyQueryResponse } from '@xmargin/attestation';
import {
  accountId,
  evmAddress,
  getChain,
  solanaAddress,
  solanaToUniversal,
  universalAddress,
} from '@xmargin/core';
import { AppError, isAppError } from '@xmargin/errors';
import type { EngineContext } from '../context.js';
import { attestationBytes } from './bytes.js';
import { type AttestationOutcome, duplicate } from './outcome.js';
import { findToken } from './token-registry.js';
import { requireTrustStore } from './trust.js';

export interface PostedQuery {
  readonly bytes: string;
  readonly signatures: readonly string[];
  readonly accountId: string;
  readonly chain: string;
  readonly token: string;
  readonly holder: string;
  readonly owner?: string | undefined;
}

function unsupported(reason: string): AppError {
  return new AppError('API__UNSUPPORTED_ATTESTATION', {
    context: { kind: 'query', reason },
    shortMessage: reason,
  });
}

/**
 * Applies a Wormhole Queries balance proof for a wallet (EVM `balanceOf`) or an SPL token account that is
 * not escrowed in a vault. The holder (EVM) or token-account owner (Solana) must be linked to the
 * account; the response must answer exactly that request, be fresh and newer than the last applied one.
 */
export async function applyQuery(ctx: EngineContext, q: PostedQuery): Promise<AttestationOutcome> {
  const receivedAt = ctx.now();
  const now = Math.floor(receivedAt / 1000);
  const chain = getChain(q.chain);
  const account = accountId(q.accountId);
  await ctx.store.accounts.require(account);
  const registry = await ctx.registry.registry();
  const token = findToken(registry, q.chain, q.token);
  if (!token) throw unsupported(`token ${q.token} on ${q.chain} is not registered`);

  let linkedAs: { platform: 'evm' | 'solana'; address: string };
  let holderUniversal: string;
  if (chain.platform === 'evm') {
    linkedAs = { platform: 'evm', address: evmAddress(q.holder) };
    holderUniversal = universalAddress(q.holder);
  } else if (chain.platform === 'solana') {
    if (!q.owner) throw unsupported('Solana balance proofs need the token account owner');
    linkedAs = { platform: 'solana', address: solanaAddress(q.owner) };
    holderUniversal = solanaToUniversal(solanaAddress(q.holder));
  } else {
    throw unsupported(`${q.chain} has no token balances to prove`);
  }
  if ((await ctx.store.accounts.findByAddress(linkedAs.platform, linkedAs.address)) !== account) {
    throw unsupported(`${linkedAs.platform} address ${linkedAs.address} is not linked to ${account}`);
  }
  const previous = (await ctx.store.balances.listByAccount(account)).find(
    (b) =>
      b.chain === q.chain && b.asset === token.asset && b.source === 'query' && b.holder === holderUniversal,
  );
  const verified = verifyQueryResponse({
    response: attestationBytes(q.bytes, 'query response'),
    signatures: q.signatures.map((s) => (s.startsWith('0x') ? s : `0x${s}`)),
    trustStore: await requireTrustStore(ctx),
    now,
    expected:
      chain.platform === 'evm'
        ? { kind: 'evm-balance', chainId: chain.wormholeChainId, token: q.token, holder: q.holder }
        : {
            kind: 'spl-balance',
            chainId: chain.wormholeChainId,
            account: q.holder,
            mint: q.token,
            owner: q.owner ?? '',
          },
    maxAgeSeconds: ctx.settings.attestationMaxAge.query,
    lastAppliedHeight: previous?.height ?? null,
  });
  if (await ctx.store.attestations.has(verified.replayKey)) return duplicate('query', verified.replayKey);
  const result = verified.result!;
  const amount = result.kind === 'evm-balance' ? result.balance : result.amount;
  const height = result.kind === 'evm-balance' ? result.blockNumber : result.slot;
  try {
    await ctx.store.attestations.apply({
      replayKey: verified.replayKey,
      kind: 'query',
      digest: verified.digest,
      account,
      observedAt: result.blockTime,
      body: {
        chain: q.chain,
        token: q.token,
        holder: q.holder,
        amount: amount.toString(),
        height: height.toString(),
        signers: verified.signers,
      },
      balances: [
        {
          account,
          chain: q.chain,
          asset: token.asset,
          source: 'query',
          holder: holderUniversal,
          token: token.universal,
          amount,
          decimals: token.decimals,
          height,
          blockHash: result.blockHash,
          observedAt: result.blockTime,
          ref: `query:${verified.replayKey}`,
        },
      ],
      onStale: 'reject',
    });
  } catch (err) {
    if (isAppError(err, 'LEDGER__REPLAYED_ATTESTATION')) return duplicate('query', verified.replayKey);
    throw err;
  }
  const jobIds = await ctx.shardEvents.accountsChanged([account], receivedAt);
  return {
    status: 'accepted',
    kind: 'query',
    replayKey: verified.replayKey,
    jobIds,
    accountIds: [account],
    applied: 1,
  };
}
